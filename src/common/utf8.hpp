// UTF-8 as the protocol counts it: characters are Unicode code points, and text that is not
// well-formed (overlong forms, surrogates, bytes past U+10FFFF, a cut sequence) has no count.
// Strings from JS arrive through embind as UTF-8, with a lone UTF-16 surrogate written as the
// three bytes of the surrogate itself, which this refuses.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace rtcmc {

// The number of code points in `text`, or nullopt when it is not well-formed UTF-8.
std::optional<std::size_t> utf8CodePoints(std::string_view text);

// The longest prefix of `text` of at most maxBytes bytes that ends on a code point boundary.
std::string_view utf8Prefix(std::string_view text, std::size_t maxBytes);

} // namespace rtcmc
