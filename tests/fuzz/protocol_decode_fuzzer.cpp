// libFuzzer target: the signaling decoder (protocol::decode) on arbitrary text.
// Beyond "no crash": a refusal is an error value with words; whatever decodes has a valid
// envelope and survives a round trip unchanged: decode(encode(m)) == m, compared through the
// canonical encoding (encode(decode(encode(m))) == encode(m)), as the messages have no ==.
// The core's own JSON reader and writer (common/json_text.hpp) give nlohmann's answers on the
// same text: the same document or the same refusal, written back as dump() writes it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/json_text.hpp"
#include "protocol/codec.hpp"
#include "support/fuzz_check.hpp"

using namespace rtcmc;
using rtcmc::fuzz::invariantBroken;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // nlohmann ends its input at a NUL byte; we refuse it (json_text.cpp).
    if (text.find('\0') == std::string_view::npos) {
        const nlohmann::json ours = parseJson(text);
        const nlohmann::json theirs = nlohmann::json::parse(text, nullptr, false);
        if (ours.is_discarded() != theirs.is_discarded() ||
            (!ours.is_discarded() &&
             writeJson(ours) !=
                 theirs.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))) {
            invariantBroken("parseJson/writeJson and nlohmann disagree on: " + std::string(text));
        }
    }
    Result<protocol::Message> decoded = protocol::decode(text);
    if (!decoded) {
        if (describe(decoded.error().text).empty()) {
            invariantBroken("a refusal without words");
        }
        return 0;
    }
    const protocol::Envelope& envelope = protocol::envelopeOf(decoded.value());
    if (protocol::idProblem(envelope.room) || protocol::idProblem(envelope.from) ||
        (envelope.to && protocol::idProblem(*envelope.to))) {
        invariantBroken("a decoded message with an invalid room, from or to");
    }
    const std::string encoded = protocol::encode(decoded.value());
    Result<protocol::Message> again = protocol::decode(encoded);
    if (!again) {
        invariantBroken("decoded, encoded, then refused (" + describe(again.error().text) +
                        "): " + encoded);
    }
    if (again.value().index() != decoded.value().index() ||
        protocol::encode(again.value()) != encoded) {
        invariantBroken("decode(encode(m)) != m: " + encoded + "\n   became " +
                        protocol::encode(again.value()));
    }
    return 0;
}
