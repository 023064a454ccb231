// Reads the fields of one JSON object for the decoder and remembers the first thing wrong with
// it, so each message decoder reads like the message's field list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "session/session_type.hpp"

namespace rtcmc::protocol {

class FieldReader {
public:
    FieldReader(const nlohmann::json& object, std::string_view messageType);

    // A required id: well-formed Unicode of 1..kMaxIdChars characters, no control characters.
    std::string id(const char* name);
    std::optional<std::string> optionalId(const char* name);
    // A required string of at most maxBytes bytes (may be empty).
    std::string text(const char* name, std::size_t maxBytes);
    std::optional<std::string> optionalText(const char* name, std::size_t maxBytes);
    // A string of well-formed Unicode of at most maxChars characters (code points).
    std::optional<std::string> optionalChars(const char* name, std::size_t maxChars);
    bool flag(const char* name, bool fallback);
    std::uint32_t count(const char* name, std::uint32_t min, std::uint32_t max,
                        std::uint32_t fallback);
    std::optional<std::uint32_t> optionalCount(const char* name, std::uint32_t max);
    // Any JSON value of at most kMaxExtraBytes serialized; missing means {}.
    nlohmann::json extra(const char* name);
    // The object form of a session; missing means `fallback`.
    SessionType session(const char* name, const SessionType& fallback);
    const nlohmann::json* array(const char* name, std::size_t maxItems);

    // Records the first problem: field `field` + `problem` (a sentence that continues
    // "invalid '<type>' message: field '<field>' ...", such as TextId::IsRequired).
    void fail(const std::string& field, const Text& problem);
    bool ok() const { return !failure_.has_value(); }
    Error error() const;
    const nlohmann::json& object() const { return object_; }
    std::string_view messageType() const { return messageType_; }

private:
    const nlohmann::json* field(const char* name);

    const nlohmann::json& object_;
    std::string messageType_;
    std::optional<Text> failure_;
};

} // namespace rtcmc::protocol
