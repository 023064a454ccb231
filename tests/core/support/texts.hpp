// What the JS side shows for an event's words: the engine sends errors and reasons as a Text in
// JSON ([[textId, args...], ...], common/text.hpp); these read them back as sentences.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/text.hpp"
#include "engine/action.hpp"

namespace rtcmc::testing {

inline std::string describeJson(const nlohmann::json& parts) {
    Text text;
    for (const nlohmann::json& part : parts) {
        Text sentence(static_cast<TextId>(part[0].get<unsigned>()));
        for (std::size_t i = 1; i < part.size(); ++i) {
            sentence.arg(part[i].get<std::string>());
        }
        text.then(sentence);
    }
    return describe(text);
}

// The sentence of a FireEvent action's payload field `field` ("text" of onerror, "reason" of
// onstatechange); "" when it has none.
inline std::string wordsOf(const Action& action, const char* field = "text") {
    const nlohmann::json payload = nlohmann::json::parse(action.text);
    return payload.contains(field) ? describeJson(payload[field]) : std::string();
}

} // namespace rtcmc::testing
