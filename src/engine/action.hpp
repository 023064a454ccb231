// What the engine asks the browser side to do, as one closed set of kinds with typed fields.
// bindings/ exposes ActionKind and PageEvent with embind's enum_ and Action as a value_object,
// so that web/runtime.js handles each kind in one place and never parses an action. Each field
// means one thing per kind (the table below); JSON remains only where the content is JSON by
// nature: the objects handed to page callbacks (extra is any JSON value) and the bodies of
// requests to the signaling server (its wire format). docs/architecture.md lists every kind.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "session/session_type.hpp"

namespace rtcmc {

enum class ActionKind : std::uint8_t {
    SendSignal,           // peer = recipient ("" = the whole room); text = the message
    ServerRequest,        // name = request (open-room, ...); text = its body (JSON). The
                          // acknowledgement comes back through Engine::serverReply().
    CaptureMedia,         // media = what to capture; name = "open" or "join" (the session's
                          // media), or "add" (addStream, or the opener's on-demand capture):
                          // then every link gets it, and links made later too
    CreatePeer,           // peer; media = what to send; receive = what to receive even when
                          // sending none of it; offerer (polite = !offerer); data; name =
                          // the ICE transport policy ("all" | "relay"); trickle: false = report
                          // the description only once gathering is complete
    ClosePeer,            // peer
    SetRemoteDescription, // peer; name = "offer" | "answer"; text = SDP
    AddIceCandidate,      // peer; text = candidate ("" = end of candidates); name = sdpMid;
                          // index = sdpMLineIndex (-1: none)
    StopLocalMedia,       // release what this session captured
    FireEvent,            // event = the page callback (or facade bookkeeping); text = its
                          // argument object (JSON)
    ScheduleTick,         // at = the time (ms) to call Engine::tick()
    RestartIce,           // peer: restart ICE on this link (fresh ICE servers, then an offer
                          // with new ICE credentials through the usual negotiation)
    LeaveSfu,             // the session in an SFU room ended (left, ejected, closed by its
                          // owner): say goodbye to Janus and close the connections to it
};

// The callbacks the engine fires, and four notices for the facade's own bookkeeping.
enum class PageEvent : std::uint8_t {
    None,
    OnNewSession,
    OnSessionClosed,
    OnEntireSessionClosed,
    OnUserStatusChanged,
    OnExtraDataUpdated,
    OnOpen,
    OnClose,
    OnError,
    OnLeave,
    OnStateChange,
    OnStream,
    OnStreamEnded,
    OnMute,
    OnUnmute,
    Opened,             // {sessionid}: this side owns the room (isInitiator)
    Joined,             // {sessionid, owner, members, session, direction}: admitted to the room
    OwnerChanged,       // {sessionid, owner}
    Presence,           // {sessionid, exists, extra, isFull, isPasswordProtected}: checkPresence()
    OnPeerStateChanged, // {userid, extra, state: "reconnecting" | "reconnected" | "failed",
                        //  iceConnectionState, attempt, maxAttempts}: a link's recovery
};

struct Action {
    ActionKind kind = ActionKind::FireEvent;
    std::string peer;
    PageEvent event = PageEvent::None;
    std::string name;
    std::string text;
    SessionType media;
    SessionType receive;
    bool offerer = false;
    bool data = false;
    bool trickle = true;
    double at = 0;  // ms
    int index = -1; // sdpMLineIndex
};

using Actions = std::vector<Action>;

const char* toString(ActionKind kind);
// The page callback's name ("onstream"), or the notice's ("opened").
const char* toString(PageEvent event);

inline Action sendSignal(std::string peer, std::string text) {
    Action action;
    action.kind = ActionKind::SendSignal;
    action.peer = std::move(peer);
    action.text = std::move(text);
    return action;
}
Action fireEvent(PageEvent event, const nlohmann::json& argument);
Action serverRequest(std::string name, const nlohmann::json& body);
// A request about one room, {roomid} (leave-room, get-room, check-presence, close-room).
Action roomRequest(std::string name, const std::string& roomid);
Action peerAction(ActionKind kind, std::string peer);
Action scheduleTick(std::uint64_t atMs);

} // namespace rtcmc
