// Encoding and decoding of signaling messages (messages.hpp) with nlohmann/json, never throwing.
// decode() validates every field; an invalid message yields an Error whose message names the
// message type and the field, and nothing else happens.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "protocol/messages.hpp"

namespace rtcmc::protocol {

std::string encode(const Message& message);
Result<Message> decode(std::string_view text);

// Shared validators, also used by the engine on user input before it goes on the wire.
// What is wrong with an id (TextId::MustNotBeEmpty, ...), or nothing.
std::optional<Text> idProblem(std::string_view id);
// The same as an error naming what the id is ("userid must not be empty").
Status validateId(std::string_view what, std::string_view id);
// Parses extra data given as JSON text by the facade; enforces kMaxExtraBytes.
Result<nlohmann::json> parseExtra(std::string_view jsonText);

// The session object form on the wire: {"audio":bool, "video":bool, ...}.
nlohmann::json sessionToJson(const SessionType& session);

} // namespace rtcmc::protocol
