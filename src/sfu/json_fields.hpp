// Defensive reads of Janus JSON: a field that is missing, null or of the wrong type reads as
// absent, and nothing here can throw (the wasm build has no exceptions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace rtcmc::sfu {

// The member `name` of `object` if `object` is an object holding it (null counts as absent).
const nlohmann::json* member(const nlohmann::json& object, const char* name);
const nlohmann::json* objectField(const nlohmann::json& object, const char* name);
const nlohmann::json* arrayField(const nlohmann::json& object, const char* name);
std::optional<std::string> stringField(const nlohmann::json& object, const char* name);
// A whole number >= 0 (Janus ids are up to 2^53); a negative or fractional number is absent.
std::optional<std::uint64_t> unsignedField(const nlohmann::json& object, const char* name);
std::optional<std::int64_t> integerField(const nlohmann::json& object, const char* name);

} // namespace rtcmc::sfu
