// Must NOT compile: a core target (sotto_core_sip) including an io header. The ctest
// "layering_core_cannot_include_io" builds this file and passes only on the missing-header error.
#include "io/endpoint.hpp"
