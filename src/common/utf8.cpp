#include "common/utf8.hpp"

#include <cstdint>

namespace rtcmc {

std::size_t utf8Sequence(std::string_view text, std::size_t at, bool& complete) {
    const auto lead = static_cast<std::uint8_t>(text[at]);
    complete = true;
    if (lead < 0x80) {
        return 1;
    }
    // The well-formed sequences of RFC 3629 (Unicode table 3-7): the second byte's range
    // depends on the lead, which excludes overlong forms, surrogates and code points past
    // U+10FFFF; later bytes are any continuation byte.
    std::size_t length = 0;
    std::uint8_t low = 0x80;
    std::uint8_t high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        complete = false; // a continuation byte, an overlong lead, or past U+10FFFF
        return 1;
    }
    std::size_t taken = 1;
    for (; taken < length && at + taken < text.size(); ++taken) {
        const auto next = static_cast<std::uint8_t>(text[at + taken]);
        if (next < low || next > high) {
            break;
        }
        low = 0x80;
        high = 0xBF;
    }
    complete = taken == length;
    return taken;
}

std::size_t utf8SequenceLength(std::string_view text, std::size_t at) {
    bool complete = false;
    const std::size_t length = utf8Sequence(text, at, complete);
    return complete ? length : 0;
}

std::optional<std::size_t> utf8CodePoints(std::string_view text) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size(); ++count) {
        const std::size_t length = utf8SequenceLength(text, i);
        if (length == 0) {
            return std::nullopt;
        }
        i += length;
    }
    return count;
}

void appendUtf8(std::string& out, std::uint32_t code) {
    if (code < 0x80) {
        out += static_cast<char>(code);
        return;
    }
    // Lead byte, then 6 bits per continuation byte, most significant first.
    const int continuations = code < 0x800 ? 1 : code < 0x10000 ? 2 : 3;
    static constexpr std::uint8_t kLeadMarks[] = {0, 0xC0, 0xE0, 0xF0};
    out += static_cast<char>(kLeadMarks[continuations] | (code >> (6 * continuations)));
    for (int shift = 6 * (continuations - 1); shift >= 0; shift -= 6) {
        out += static_cast<char>(0x80u | ((code >> shift) & 0x3Fu));
    }
}

bool hasControlCharacter(std::string_view text) {
    for (const char character : text) {
        const auto byte = static_cast<std::uint8_t>(character);
        if (byte < 0x20 || byte == 0x7F) {
            return true;
        }
    }
    return false;
}

std::string_view utf8Prefix(std::string_view text, std::size_t maxBytes) {
    if (text.size() <= maxBytes) {
        return text;
    }
    std::size_t end = maxBytes;
    // Back off continuation bytes so that the cut falls before a lead byte.
    while (end > 0 && (static_cast<std::uint8_t>(text[end]) & 0xC0u) == 0x80u) {
        --end;
    }
    return text.substr(0, end);
}

} // namespace rtcmc
