// The decimal-to-double conversion behind the wasm module's strtod (bindings/small_strtod.cpp),
// declared for its test.
#pragma once

namespace rtcmc {

// C strtod for decimal numbers: optional white space and sign, digits with an optional
// fraction, an optional exponent. Correctly rounded (round half to even), subnormals included;
// ERANGE on overflow to infinity and on underflow to zero. Hexadecimal floats, "inf" and "nan"
// are not numbers here (JSON has none of them): `*end` is then `text` and the result 0.
double smallStrtod(const char* text, char** end);

} // namespace rtcmc
