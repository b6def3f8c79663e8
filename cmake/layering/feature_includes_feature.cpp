// Must NOT compile: the runtime (which a feature and the server build on) including a feature's header.
// The ctest "layering_runtime_cannot_include_phone" passes only on the missing-header error.
#include "phone/phone.hpp"
