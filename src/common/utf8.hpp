// UTF-8 as the protocol counts it: characters are Unicode code points, and text that is not
// well-formed (overlong forms, surrogates, bytes past U+10FFFF, a cut sequence) has no count.
// A lone UTF-16 surrogate never arrives from JS as such (embind's encoder pairs it with the
// next unit), so the facade refuses those strings itself (web/runtime.js wellFormed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rtcmc {

// The bytes of one code point at text[at] (at < text.size()): its whole well-formed sequence
// (`complete` true), or else the longest start of one, at least 1 byte, that a reader replaces
// with one U+FFFD (the "maximal subpart" of Unicode section 3.9).
std::size_t utf8Sequence(std::string_view text, std::size_t at, bool& complete);

// The length in bytes of the well-formed UTF-8 sequence that starts at text[at] (at <
// text.size()), or 0 when none does there.
std::size_t utf8SequenceLength(std::string_view text, std::size_t at);

// Appends code point `code` (at most U+10FFFF, not a surrogate) to `out` as UTF-8.
void appendUtf8(std::string& out, std::uint32_t code);

// The number of code points in `text`, or nullopt when it is not well-formed UTF-8.
std::optional<std::size_t> utf8CodePoints(std::string_view text);

// True when `text` is well-formed UTF-8 (RFC 3629 section 4). Reasons and names that cross
// the wire are text a page may show, and nlohmann's serializer refuses invalid UTF-8.
inline bool isValidUtf8(std::string_view text) {
    return utf8CodePoints(text).has_value();
}

// True when the text holds a C0 control character or DEL (U+0000 to U+001F, U+007F): names
// become download file names and labels, where those characters only cause trouble.
bool hasControlCharacter(std::string_view text);

// The longest prefix of `text` of at most maxBytes bytes that ends on a code point boundary.
std::string_view utf8Prefix(std::string_view text, std::size_t maxBytes);

} // namespace rtcmc
