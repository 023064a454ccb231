// What the engine asks the browser side to do. Each action is a plain value embind can carry:
// a kind, the peer it concerns, an event name (FireEvent only) and a JSON payload.
// docs/architecture.md lists every kind with its payload.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rtcmc {

enum class ActionKind {
    SendSignal,           // peer = recipient, or "" for the whole room; payload = message text
    CaptureMedia,         // payload = {"audio":bool,"video":bool,"screen":bool}
    CreatePeer,           // peer; payload = {"offerer","polite","send":{..},"receive":{..},"data"}
    ClosePeer,            // peer
    SetRemoteDescription, // peer; payload = {"type":"offer"|"answer","sdp","streams":[..]}
    AddIceCandidate,      // peer; payload = {"candidate","sdpMid","sdpMLineIndex"} ({} = end)
    StopLocalMedia,       // release captured media (the session ended)
    FireEvent,            // name = API event (onNewSession, ...); payload = the event object
    ScheduleTick,         // payload = {"at": ms}: call tick() at that time (announcements...)
    ServerRequest,        // name = server event (open-room, join-room, ...); payload = its body.
                          // The acknowledgement goes back through Engine::serverReply().
};

struct Action {
    ActionKind kind = ActionKind::FireEvent;
    std::string peer;
    std::string name;
    std::string payload; // JSON text ("{}" when there is nothing to say)
};

using Actions = std::vector<Action>;

const char* toString(ActionKind kind);

// The JSON text of a payload. Words from the browser side (a media error's message, a stream id)
// may hold invalid UTF-8, on which dump() throws (aborts, in the wasm build): each invalid byte
// becomes U+FFFD instead.
inline std::string payloadText(const nlohmann::json& payload) {
    return payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline Action sendSignal(std::string peer, std::string text) {
    return Action{ActionKind::SendSignal, std::move(peer), {}, std::move(text)};
}
inline Action fireEvent(std::string name, const nlohmann::json& payload) {
    return Action{ActionKind::FireEvent, {}, std::move(name), payloadText(payload)};
}
inline Action serverRequest(std::string name, const nlohmann::json& payload) {
    return Action{ActionKind::ServerRequest, {}, std::move(name), payloadText(payload)};
}
inline Action peerAction(ActionKind kind, std::string peer,
                         const nlohmann::json& payload = nlohmann::json::object()) {
    return Action{kind, std::move(peer), {}, payloadText(payload)};
}

} // namespace rtcmc
