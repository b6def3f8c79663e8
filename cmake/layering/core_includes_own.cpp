// Must compile: the control for core_includes_io.cpp, same target, its own header.
#include "core/sip/uri.hpp"
