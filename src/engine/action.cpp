#include "engine/action.hpp"

namespace rtcmc {

const char* toString(ActionKind kind) {
    switch (kind) {
    case ActionKind::SendSignal:
        return "send-signal";
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
    case ActionKind::ServerRequest:
        return "server-request";
    }
    return "?";
}

} // namespace rtcmc
