// The one place the core turns JSON text into nlohmann::json. Every caller goes through it so
// that the wasm build holds one instance of nlohmann's lexer and parser: json::parse called with
// std::string, std::string_view, const char* and iterator pairs instantiated one lexer and two
// parsers (with and without a callback) per input type, tens of KB of wasm.
#pragma once

#include <nlohmann/json.hpp>

#include <string_view>

namespace rtcmc {

// The parsed document, or a value for which is_discarded() is true if `text` is not exactly one
// JSON value (the same answer as json::parse(text, nullptr, false)). Never throws.
nlohmann::json parseJson(std::string_view text);

} // namespace rtcmc
