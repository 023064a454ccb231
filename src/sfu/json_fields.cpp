#include "sfu/json_fields.hpp"

namespace rtcmc::sfu {

const nlohmann::json* member(const nlohmann::json& object, const char* name) {
    if (!object.is_object()) {
        return nullptr;
    }
    auto it = object.find(name);
    if (it == object.end() || it->is_null()) {
        return nullptr;
    }
    return &*it;
}

const nlohmann::json* objectField(const nlohmann::json& object, const char* name) {
    const nlohmann::json* value = member(object, name);
    return value && value->is_object() ? value : nullptr;
}

const nlohmann::json* arrayField(const nlohmann::json& object, const char* name) {
    const nlohmann::json* value = member(object, name);
    return value && value->is_array() ? value : nullptr;
}

std::optional<std::string> stringField(const nlohmann::json& object, const char* name) {
    const nlohmann::json* value = member(object, name);
    if (!value || !value->is_string()) {
        return std::nullopt;
    }
    return value->get_ref<const std::string&>();
}

std::optional<std::uint64_t> unsignedField(const nlohmann::json& object, const char* name) {
    const nlohmann::json* value = member(object, name);
    if (!value) {
        return std::nullopt;
    }
    if (value->is_number_unsigned()) {
        return value->get<std::uint64_t>();
    }
    if (value->is_number_integer() && value->get<std::int64_t>() >= 0) {
        return static_cast<std::uint64_t>(value->get<std::int64_t>());
    }
    return std::nullopt;
}

std::optional<std::int64_t> integerField(const nlohmann::json& object, const char* name) {
    const nlohmann::json* value = member(object, name);
    if (!value || !value->is_number_integer()) {
        return std::nullopt;
    }
    if (value->is_number_unsigned()) {
        std::uint64_t number = value->get<std::uint64_t>();
        if (number > static_cast<std::uint64_t>(INT64_MAX)) {
            return std::nullopt;
        }
        return static_cast<std::int64_t>(number);
    }
    return value->get<std::int64_t>();
}

} // namespace rtcmc::sfu
