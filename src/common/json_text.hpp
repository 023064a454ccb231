// The one place the core turns JSON text into nlohmann::json and back. The core keeps
// nlohmann's json as its document type but reads and writes the text itself (json_text.cpp
// says why): every caller goes through these two functions, never json::parse or dump().
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace rtcmc {

// The parsed document, or a value for which is_discarded() is true if `text` is not exactly one
// JSON value (the same answer as json::parse(text, nullptr, false)). Never throws.
nlohmann::json parseJson(std::string_view text);

// `value` as compact JSON text, written as nlohmann's dump() writes it (keys in order, numbers
// by nlohmann's own shortest round-trip formatting, no escapes but the required ones), except
// that ill-formed UTF-8 in a string becomes U+FFFD (dump() with error_handler_t::replace)
// instead of an abort. A double that is not finite is written as null.
std::string writeJson(const nlohmann::json& value);

// Appends `text` as a JSON string, as writeJson writes one (ill-formed UTF-8 as U+FFFD), and
// `number` in decimal: for text the core writes piece by piece (data-plane notices, Text).
void appendJsonString(std::string& out, std::string_view text);
void appendDecimal(std::string& out, std::uint64_t number);

} // namespace rtcmc
