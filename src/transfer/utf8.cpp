#include "transfer/utf8.hpp"

#include <cstddef>
#include <cstdint>

namespace rtcmc::transfer {

bool isValidUtf8(std::string_view text) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
    const std::size_t length = text.size();
    std::size_t position = 0;
    while (position < length) {
        const std::uint8_t lead = bytes[position];
        if (lead < 0x80) {
            ++position;
            continue;
        }
        // The lead byte fixes the sequence length and the allowed range of the second byte
        // (RFC 3629 section 4, "UTF8-2" to "UTF8-4"); later bytes are always 0x80..0xBF.
        std::size_t sequenceLength;
        std::uint8_t secondMin = 0x80;
        std::uint8_t secondMax = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            sequenceLength = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            sequenceLength = 3;
            if (lead == 0xE0) {
                secondMin = 0xA0; // no overlong 3-byte forms
            } else if (lead == 0xED) {
                secondMax = 0x9F; // no surrogates
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            sequenceLength = 4;
            if (lead == 0xF0) {
                secondMin = 0x90; // no overlong 4-byte forms
            } else if (lead == 0xF4) {
                secondMax = 0x8F; // nothing past U+10FFFF
            }
        } else {
            return false; // a continuation byte, an overlong 2-byte lead, or 0xF5..0xFF
        }
        if (length - position < sequenceLength) {
            return false;
        }
        const std::uint8_t second = bytes[position + 1];
        if (second < secondMin || second > secondMax) {
            return false;
        }
        for (std::size_t offset = 2; offset < sequenceLength; ++offset) {
            const std::uint8_t continuation = bytes[position + offset];
            if (continuation < 0x80 || continuation > 0xBF) {
                return false;
            }
        }
        position += sequenceLength;
    }
    return true;
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

} // namespace rtcmc::transfer
