#include "engine/action.hpp"
#include "common/json_text.hpp"

namespace rtcmc {

namespace {

// The JSON text of an argument or a request body. Words from the browser side (a media error's
// message, a stream id) may hold invalid UTF-8: writeJson writes U+FFFD for it.
std::string jsonText(const nlohmann::json& value) {
    return writeJson(value);
}

} // namespace

const char* toString(ActionKind kind) {
    switch (kind) {
    case ActionKind::SendSignal:
        return "send-signal";
    case ActionKind::ServerRequest:
        return "server-request";
    case ActionKind::CaptureMedia:
        return "capture-media";
    case ActionKind::CreatePeer:
        return "create-peer";
    case ActionKind::ClosePeer:
        return "close-peer";
    case ActionKind::SetRemoteDescription:
        return "set-remote-description";
    case ActionKind::AddIceCandidate:
        return "add-ice-candidate";
    case ActionKind::StopLocalMedia:
        return "stop-local-media";
    case ActionKind::FireEvent:
        return "fire-event";
    case ActionKind::ScheduleTick:
        return "schedule-tick";
    case ActionKind::RestartIce:
        return "restart-ice";
    case ActionKind::LeaveSfu:
        return "leave-sfu";
    }
    return "?";
}

const char* toString(PageEvent event) {
    switch (event) {
    case PageEvent::None:
        return "";
    case PageEvent::OnNewSession:
        return "onNewSession";
    case PageEvent::OnSessionClosed:
        return "onSessionClosed";
    case PageEvent::OnEntireSessionClosed:
        return "onEntireSessionClosed";
    case PageEvent::OnUserStatusChanged:
        return "onUserStatusChanged";
    case PageEvent::OnExtraDataUpdated:
        return "onExtraDataUpdated";
    case PageEvent::OnOpen:
        return "onopen";
    case PageEvent::OnClose:
        return "onclose";
    case PageEvent::OnError:
        return "onerror";
    case PageEvent::OnLeave:
        return "onleave";
    case PageEvent::OnStateChange:
        return "onstatechange";
    case PageEvent::OnStream:
        return "onstream";
    case PageEvent::OnStreamEnded:
        return "onstreamended";
    case PageEvent::OnMute:
        return "onmute";
    case PageEvent::OnUnmute:
        return "onunmute";
    case PageEvent::Opened:
        return "opened";
    case PageEvent::Joined:
        return "joined";
    case PageEvent::OwnerChanged:
        return "owner-changed";
    case PageEvent::Presence:
        return "presence";
    case PageEvent::OnPeerStateChanged:
        return "onPeerStateChanged";
    }
    return "";
}

Action fireEvent(PageEvent event, const nlohmann::json& argument) {
    Action action;
    action.kind = ActionKind::FireEvent;
    action.event = event;
    action.text = jsonText(argument);
    return action;
}

Action serverRequest(std::string name, const nlohmann::json& body) {
    Action action;
    action.kind = ActionKind::ServerRequest;
    action.name = std::move(name);
    action.text = jsonText(body);
    return action;
}

Action roomRequest(std::string name, const std::string& roomid) {
    return serverRequest(std::move(name), nlohmann::json{{"roomid", roomid}});
}

Action peerAction(ActionKind kind, std::string peer) {
    Action action;
    action.kind = kind;
    action.peer = std::move(peer);
    return action;
}

Action scheduleTick(std::uint64_t atMs) {
    Action action;
    action.kind = ActionKind::ScheduleTick;
    action.at = static_cast<double>(atMs);
    return action;
}

} // namespace rtcmc
