#include "protocol/field_reader.hpp"
#include "common/json_text.hpp"

#include "common/utf8.hpp"
#include "protocol/codec.hpp"
#include "protocol/messages.hpp"

namespace rtcmc::protocol {

FieldReader::FieldReader(const nlohmann::json& object, std::string_view messageType)
    : object_(object), messageType_(messageType) {}

void FieldReader::fail(const std::string& field, const Text& problem) {
    if (!failure_) {
        failure_ = Text(TextId::FieldOf, {messageType_, field}).then(problem);
    }
}

Error FieldReader::error() const {
    return makeError(ErrorCode::InvalidField, failure_.value_or(Text(TextId::InvalidMessage)));
}

const nlohmann::json* FieldReader::field(const char* name) {
    auto it = object_.find(name);
    if (it == object_.end() || it->is_null()) {
        return nullptr;
    }
    return &*it;
}

std::string FieldReader::id(const char* name) {
    std::optional<std::string> value = optionalId(name);
    if (!value && ok()) {
        fail(name, {TextId::IsRequired});
    }
    return value.value_or(std::string());
}

std::optional<std::string> FieldReader::optionalId(const char* name) {
    const nlohmann::json* value = field(name);
    if (!value) {
        return std::nullopt;
    }
    if (!value->is_string()) {
        fail(name, {TextId::MustBeString});
        return std::nullopt;
    }
    const std::string& text = value->get_ref<const std::string&>();
    if (std::optional<Text> problem = idProblem(text)) {
        fail(name, *problem);
        return std::nullopt;
    }
    return text;
}

std::string FieldReader::text(const char* name, std::size_t maxBytes) {
    std::optional<std::string> value = optionalText(name, maxBytes);
    if (!value && ok()) {
        fail(name, {TextId::IsRequired});
    }
    return value.value_or(std::string());
}

std::optional<std::string> FieldReader::optionalText(const char* name, std::size_t maxBytes) {
    const nlohmann::json* value = field(name);
    if (!value) {
        return std::nullopt;
    }
    if (!value->is_string()) {
        fail(name, {TextId::MustBeString});
        return std::nullopt;
    }
    const std::string& text = value->get_ref<const std::string&>();
    if (text.size() > maxBytes) {
        fail(name, {TextId::IsLongerThanBytes, {maxBytes}});
        return std::nullopt;
    }
    return text;
}

std::optional<std::string> FieldReader::optionalChars(const char* name, std::size_t maxChars) {
    const nlohmann::json* value = field(name);
    if (!value) {
        return std::nullopt;
    }
    if (!value->is_string()) {
        fail(name, {TextId::MustBeString});
        return std::nullopt;
    }
    const std::string& text = value->get_ref<const std::string&>();
    // More bytes than maxChars characters can take is too long whatever they are.
    const std::optional<std::size_t> characters = text.size() > 4 * maxChars
                                                      ? std::optional<std::size_t>(maxChars + 1)
                                                      : utf8CodePoints(text);
    if (!characters) {
        fail(name, {TextId::MustBeWellFormedUnicode});
        return std::nullopt;
    }
    if (*characters > maxChars) {
        fail(name, {TextId::IsLongerThanCharacters, {maxChars}});
        return std::nullopt;
    }
    return text;
}

bool FieldReader::flag(const char* name, bool fallback) {
    const nlohmann::json* value = field(name);
    if (!value) {
        return fallback;
    }
    if (!value->is_boolean()) {
        fail(name, {TextId::MustBeBoolean});
        return fallback;
    }
    return value->get<bool>();
}

std::uint32_t FieldReader::count(const char* name, std::uint32_t min, std::uint32_t max,
                                 std::uint32_t fallback) {
    const nlohmann::json* value = field(name);
    if (!value) {
        return fallback;
    }
    // JSON numbers arrive as unsigned, signed or floating; only whole numbers in range pass.
    if (value->is_number_unsigned()) {
        const auto number = value->get<std::uint64_t>();
        if (number >= min && number <= max) {
            return static_cast<std::uint32_t>(number);
        }
    } else if (value->is_number_integer()) {
        const auto number = value->get<std::int64_t>();
        if (number >= static_cast<std::int64_t>(min) && number <= static_cast<std::int64_t>(max)) {
            return static_cast<std::uint32_t>(number);
        }
    }
    fail(name, {TextId::MustBeWholeNumber, {min, max}});
    return fallback;
}

std::optional<std::uint32_t> FieldReader::optionalCount(const char* name, std::uint32_t max) {
    if (!field(name)) {
        return std::nullopt;
    }
    return count(name, 0, max, 0);
}

nlohmann::json FieldReader::extra(const char* name) {
    const nlohmann::json* value = field(name);
    if (!value) {
        return nlohmann::json::object();
    }
    // Serializing measures the size and also bounds the depth a peer can make us walk later.
    const std::string serialized = writeJson(*value);
    if (serialized.size() > kMaxExtraBytes) {
        fail(name, {TextId::IsLargerThanBytes, {kMaxExtraBytes}});
        return nlohmann::json::object();
    }
    return *value;
}

SessionType FieldReader::session(const char* name, const SessionType& fallback) {
    const nlohmann::json* value = field(name);
    if (!value) {
        return fallback;
    }
    if (!value->is_object()) {
        fail(name, {TextId::MustBeSessionObject});
        return fallback;
    }
    SessionType session;
    const std::pair<const char*, bool SessionType::*> flags[] = {
        {"audio", &SessionType::audio},   {"video", &SessionType::video},
        {"screen", &SessionType::screen}, {"data", &SessionType::data},
        {"oneway", &SessionType::oneway}, {"broadcast", &SessionType::broadcast},
    };
    for (const auto& [flagName, member] : flags) {
        auto it = value->find(flagName);
        if (it == value->end() || it->is_null()) {
            continue;
        }
        if (!it->is_boolean()) {
            fail(std::string(name) + "." + flagName, {TextId::MustBeBoolean});
            return fallback;
        }
        session.*member = it->get<bool>();
    }
    return session;
}

const nlohmann::json* FieldReader::array(const char* name, std::size_t maxItems) {
    const nlohmann::json* value = field(name);
    if (!value) {
        fail(name, {TextId::IsRequired});
        return nullptr;
    }
    if (!value->is_array()) {
        fail(name, {TextId::MustBeArray});
        return nullptr;
    }
    if (value->size() > maxItems) {
        fail(name, {TextId::HasMoreItemsThan, {maxItems}});
        return nullptr;
    }
    return value;
}

} // namespace rtcmc::protocol
