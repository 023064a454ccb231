// The frames a Janus client sends over the WebSocket (subprotocol "janus-protocol"), as text.
// https://janus.conf.meetecho.com/docs/rest.html (the same JSON over WebSockets).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace rtcmc::sfu {

inline constexpr const char* kVideoRoomPlugin = "janus.plugin.videoroom";

// A session description carried next to a plugin message ("jsep").
struct Jsep {
    std::string type; // "offer" or "answer"
    std::string sdp;
};

std::string encodeCreate(const std::string& transaction);
std::string encodeAttach(const std::string& transaction, std::uint64_t session);
std::string encodeKeepalive(const std::string& transaction, std::uint64_t session);
std::string encodeMessage(const std::string& transaction, std::uint64_t session,
                          std::uint64_t handle, const nlohmann::json& body,
                          const std::optional<Jsep>& jsep = std::nullopt);
// One ICE candidate ({candidate, sdpMid, sdpMLineIndex}) on a handle.
std::string encodeTrickle(const std::string& transaction, std::uint64_t session,
                          std::uint64_t handle, const nlohmann::json& candidate);
// The end of this side's candidates: {"completed": true}.
std::string encodeTrickleCompleted(const std::string& transaction, std::uint64_t session,
                                   std::uint64_t handle);
std::string encodeDetach(const std::string& transaction, std::uint64_t session,
                         std::uint64_t handle);
std::string encodeDestroy(const std::string& transaction, std::uint64_t session);

} // namespace rtcmc::sfu
