// The formatter behind the wasm module's vsnprintf (bindings/small_printf.cpp), declared for
// its test.
#pragma once

#include <cstdarg>
#include <cstddef>

namespace rtcmc {

// C99 vsnprintf for integers, strings, characters and pointers; any other conversion is
// printed as written.
int smallVsnprintf(char* buffer, std::size_t size, const char* format, va_list args);

} // namespace rtcmc
