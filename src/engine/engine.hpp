// The engine: one object per RTCMultiConnection that takes events (user calls, signaling
// messages, peer and media changes, time) and returns the actions the browser side must carry
// out. It decides everything: who connects to whom, who owns the room, who may eject whom,
// what happens when the owner leaves. It performs no I/O.
//
// The room authority here is the owner's engine (pub/sub signaling such as the seeds'
// openSignalingChannel): the owner admits members, announces the room and names its successor.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/action.hpp"
#include "engine/engine_config.hpp"
#include "protocol/messages.hpp"
#include "room/room.hpp"
#include "session/session_state.hpp"

namespace rtcmc {

namespace protocol {
class FieldReader;
}

// Peer connection states reported by the browser (RTCPeerConnection.connectionState).
enum class PeerState { Connecting, Connected, Disconnected, Failed, Closed };

class Engine {
public:
    explicit Engine(EngineConfig config);

    void configure(EngineConfig config);
    const EngineConfig& config() const { return config_; }
    SessionState state() const { return state_; }
    const std::optional<Room>& room() const { return room_; }
    bool isOwner() const;
    // Userids this side holds (or is opening) a peer connection with.
    std::vector<std::string> linkedPeers() const;
    // While join-room is out over our server: the owner dialed with it (dialKnownOwner).
    std::optional<std::string> dialedWithJoin() const {
        return earlyDial_ ? std::optional<std::string>(earlyDial_->owner) : std::nullopt;
    }

    // ---- user calls (engine_user_calls.cpp)
    Actions open(const std::string& roomid, std::uint64_t nowMs);
    Actions connect(const std::string& roomid, std::uint64_t nowMs);
    // joinAs: what this side sends (upstream v1.8 join(id, {audio:true}) / {oneway:true});
    // nullopt = the room's session (or nothing with dontAttachStream).
    Actions join(const std::string& roomid, const std::optional<SessionType>& joinAs,
                 std::uint64_t nowMs);
    Actions leave();
    Actions eject(const std::string& userid);
    Actions updateExtra(const std::string& extraJson);
    Actions checkPresence(const std::string& roomid, std::uint64_t nowMs);
    Actions donotJoin(const std::string& roomid);
    Actions setMuted(const std::string& streamid, bool audio, bool video, bool muted);
    Actions endStream(const std::string& streamid);
    // addStream(session) during a session: which links get the new media is decided here; the
    // CaptureMedia action lists them ({"purpose":"add","peers":[...]}).
    Actions addStream(const SessionType& media);
    void addPendingStreams(Actions& out);
    Actions tick(std::uint64_t nowMs);

    // ---- media and peers (engine_peer_events.cpp)
    Actions localMediaReady(std::uint64_t nowMs);
    // A local stream this side sends from now on (captured for open/join/addStream, or the
    // page's attachStream): its id and what it carries go with every description, so that
    // the other side knows what each remote stream is.
    void localStreamAdded(const std::string& streamid, const SessionType& carries);
    Actions localMediaFailed(const std::string& reason);
    Actions peerStateChanged(const std::string& peer, PeerState state, std::uint64_t nowMs);
    Actions dataChannelOpened(const std::string& peer);
    Actions dataChannelClosed(const std::string& peer);
    Actions localDescription(const std::string& peer, const std::string& type,
                             const std::string& sdp);
    // candidate "" = end of candidates; sdpMLineIndex < 0 = none.
    Actions localCandidate(const std::string& peer, const std::string& candidate,
                           const std::string& sdpMid, int sdpMLineIndex);
    Actions remoteStreamAdded(const std::string& peer, const std::string& streamid);
    Actions remoteStreamRemoved(const std::string& peer, const std::string& streamid);

    // ---- the room's SFU (engine_sfu.cpp)
    // What this side does in the room's SFU: null when the room is a mesh; else
    // {publish, receiveFrom: "everyone" | "owner" | "nobody", owner}, from the same rules
    // as the mesh's links (session/direction.hpp).
    nlohmann::json sfuPlan() const;

    // ---- signaling (engine_signals.cpp)
    // verifiedFrom: the sender as an authority vouches for it (the socket.io server binds
    // userids); "" when the channel cannot tell (pub/sub). A mismatch is rejected.
    Actions receiveSignal(const std::string& text, const std::string& verifiedFrom,
                          std::uint64_t nowMs);

    // ---- the signaling server as room authority (engine_server.cpp; docs/server.md)
    // The acknowledgement of a ServerRequest action: {"ok":true,...} or {"ok":false,"error":..}.
    // requestJson is the payload the request carried (it says which room a reply is about).
    Actions serverReply(const std::string& request, const std::string& requestJson,
                        const std::string& replyJson, std::uint64_t nowMs);
    // An event the server pushed: member-joined, member-left, owner-changed, ejected,
    // room-closed, extra-updated, user-status, room-list, and the welcome of a signaling
    // connection that came back ({resumed, rooms}; docs/server.md, "Resuming").
    Actions serverEvent(const std::string& event, const std::string& payloadJson,
                        std::uint64_t nowMs);

private:
    struct Link {
        Link() = default;
        Link(MediaPlan linkPlan, bool isOfferer, bool isConnected, bool isDataOpen)
            : plan(linkPlan), offerer(isOfferer), connected(isConnected), dataOpen(isDataOpen) {}
        MediaPlan plan;
        bool offerer = false;
        bool connected = false; // reached "connected" at least once
        bool dataOpen = false;
        // Recovery (engine_recovery.cpp): the path is down since downSince (0 = up); restarts
        // made in this outage; the time the current restart must have reconnected by.
        std::uint64_t downSince = 0;
        std::uint32_t restarts = 0;
        std::uint64_t restartDeadline = 0;
        // A new link must connect by then (0 once it did): an offer whose answer never comes
        // (its peer crashed) would otherwise wait forever.
        std::uint64_t connectBy = 0;
        // SDP session ids (o= lines) of the two peer connections of this link: ours, from our
        // descriptions, and the peer's, from its. A peer that dials again with a new peer
        // connection shows a new id (engine_signals.cpp, onSessionDescription).
        std::string localConnection;
        std::string remoteConnection;
        // An answer to an offer of a peer connection we replaced was dropped: the candidates
        // that follow it belong to that old connection too, until the next description.
        bool droppingStale = false;
        // Our peer connection has made an offer: before that no answer can be for it.
        bool madeOffer = false;
    };
    struct KnownRoom {
        std::string owner;
        protocol::Announce announce;
        bool sfu = false;  // the server's room list says so (pub/sub announcements do not)
        bool full = false; // as of the server's view
    };
    // The owner dialed together with join-room (dialKnownOwner), and the room as we knew it.
    struct EarlyDial {
        std::string owner;
        RoomPolicy policy;
    };

    // engine_user_calls.cpp
    Actions becomeOpen(std::uint64_t nowMs);
    Actions sendJoinRequest(std::uint64_t nowMs);
    void endSession(SessionEvent why, Actions& out);
    // purpose: the CaptureMedia action's name ("open", "join", "add").
    void requestMedia(const SessionType& media, const char* purpose, Actions& out);
    void captureOnDemand(Actions& out);
    bool candidateAllowed(const std::string& candidate) const;
    bool relayOnly() const {
        return config_.candidateRelay && !config_.candidateHost && !config_.candidateReflexive;
    }
    bool hasValidSettings(const char* call, Actions& out) const;
    void announce(Actions& out, const std::optional<std::string>& to) const;
    void askForRoom(Actions& out) const;
    void searchForRoom(std::uint64_t nowMs, Actions& out); // connect(), join(), a taken room
    protocol::Envelope envelope(const std::optional<std::string>& to = std::nullopt) const;
    SessionType sendAs() const;

    // engine_signals.cpp
    void offerRoom(const protocol::Announce& m, Actions& out) const;
    void onAnnounce(const protocol::Announce& m, std::uint64_t nowMs, Actions& out);
    void onPresenceQuery(const protocol::PresenceQuery& m, Actions& out);
    void onJoinRequest(const protocol::JoinRequest& m, Actions& out);
    void onJoinAccept(const protocol::JoinAccept& m, Actions& out);
    void onJoinRefuse(const protocol::JoinRefuse& m, Actions& out);
    void onMemberJoined(const protocol::MemberJoined& m, Actions& out);
    void onMemberLeft(const protocol::MemberLeft& m, std::uint64_t nowMs, Actions& out);
    void onEject(const protocol::Eject& m, Actions& out);
    void onLeave(const protocol::Leave& m, std::uint64_t nowMs, Actions& out);
    void onExtraUpdated(const protocol::ExtraUpdated& m, Actions& out);
    void onSessionDescription(const protocol::SessionDescription& m, Actions& out);
    void onIceCandidate(const protocol::IceCandidate& m, Actions& out);
    void onMuteChanged(const protocol::MuteChanged& m, Actions& out);
    void onStreamEnded(const protocol::StreamEnded& m, Actions& out);
    bool fromOwner(const protocol::Envelope& envelope, const char* what, Actions& out) const;
    // An answer to the join-request this side sent last (one without a number is taken: its
    // owner does not number them).
    bool answersLastRequest(const std::optional<std::uint32_t>& request) const {
        return !request || *request == joinRequestNumber_;
    }
    // Our description on its way to `peer` (localDescription): notes our connection's SDP
    // session id, and an answer says which offer it answers.
    void describeLink(const std::string& peer, protocol::SessionDescription& message);
    // Replays the kept signals the room as we know it now accepts (new members, a new owner).
    void replayPendingSignals(std::uint64_t nowMs, Actions& out);
    // Keeps a signal for replayPendingSignals; beyond kMaxPendingSignals the oldest is dropped.
    void keepForLater(const std::string& from, std::string text);

    // engine_server.cpp
    bool serverMode() const { return config_.authority == RoomAuthority::Server; }
    void requestOpenRoom(Actions& out);
    void requestJoinRoom(Actions& out);
    bool adoptRoomView(const nlohmann::json& view, Actions& out);
    bool roomViewReadable(const protocol::FieldReader& reader, const std::string& roomid,
                          Actions& out) const;
    bool knowRoom(const nlohmann::json& publicView, Actions& out);
    void onOwnerChanged(const std::string& owner, std::uint64_t nowMs, Actions& out);
    void onSessionClosedByServer(Actions& out);
    void onWelcome(const nlohmann::json& welcome, Actions& out);
    // A member's signaling connection came back (server event member-resumed).
    void onMemberResumed(const std::string& userid, const nlohmann::json& extra,
                         std::uint64_t nowMs, Actions& out);
    // The room as the server holds it now (get-room, after our own connection came back):
    // members who joined or left and an owner who changed while we could not hear it.
    void catchUpWithRoom(const nlohmann::json& view, std::uint64_t nowMs, Actions& out);
    // A link we offered that never connected while signals could be lost: dial it again with
    // a new peer connection (the first offer may never have reached the peer).
    void redialIfNeverConnected(const std::string& peer, Actions& out);
    void onRoomList(const nlohmann::json& rooms, std::uint64_t nowMs, Actions& out);
    // The server's `error-event`: a request or relay it refused that had no acknowledgement.
    void onServerErrorEvent(const nlohmann::json& payload, Actions& out);
    // onerror for the server's refusal {code, message} of `request`; returns its words.
    Text reportRefusal(const std::string& request, const nlohmann::json& refusal, Actions& out);
    void onServerError(const std::string& request, const nlohmann::json& reply, std::uint64_t nowMs,
                       Actions& out);
    // open() + connect() for a room another page already owns: join that room instead, with
    // the media captured for opening.
    void joinTakenRoom(std::uint64_t nowMs, Actions& out);
    // The owner's member-left named us: ask to join again (once per session), or end the
    // session with SESSION_LOST the second time.
    void droppedByOwner(std::uint64_t nowMs, Actions& out);
    // engine_recovery.cpp: the owner drops admitted members that never dialed by their time.
    std::uint64_t dropSilentMembers(std::uint64_t nowMs, Actions& out);

    // engine_recovery.cpp
    void linkDown(const std::string& peer, PeerState state, std::uint64_t nowMs, Actions& out);
    void linkUp(const std::string& peer, Actions& out);
    void restartLink(const std::string& peer, PeerState state, std::uint64_t nowMs, Actions& out);
    void giveUpLink(const std::string& peer, std::uint64_t nowMs, Actions& out);
    // The recovery deadlines due at nowMs; returns the next one (0 = none).
    std::uint64_t recoverLinks(std::uint64_t nowMs, Actions& out);
    void peerStateEvent(const std::string& peer, const char* state, PeerState browserState,
                        Actions& out) const;

    // The latest time an input carried: links made while handling it start their clock here.
    void noteTime(std::uint64_t nowMs) { now_ = std::max(now_, nowMs); }

    // engine_links.cpp
    void linkTo(const Member& member, bool offerer, Actions& out);
    void unlink(const std::string& peer, Actions& out);
    void connectAsNeeded(Actions& out); // after joining or becoming owner
    void linkWith(const std::string& peer, bool offerer, const std::string& owner,
                  const RoomPolicy& policy, Actions& out);
    void dialKnownOwner(Actions& out);            // with join-room
    void keepEarlyDialIfStillRight(Actions& out); // once join-room is answered
    // A member is gone (left, ejected, vanished): bookkeeping, successor, events.
    void memberGone(const std::string& userid, protocol::LeaveReason reason,
                    const std::optional<std::string>& successor, std::uint64_t nowMs, Actions& out);
    nlohmann::json memberExtra(const std::string& userid) const;
    // A member whose media reaches us: over its link, or through the room's SFU.
    bool sendsMediaToUs(const std::string& userid) const;
    void sessionClosed(const std::string& owner, const nlohmann::json& ownerExtra, Actions& out);

    // The SendSignal action of a message: its text, and its room for the channel (our server
    // relays only inside the room the message belongs to).
    static Action signal(std::string peer, const protocol::Message& message);

    bool transition(SessionEvent event, Actions& out);
    bool startingSession() const; // opening, searching or joining
    void stateChange(const char* state, Actions& out, const Text& reason = {}) const;
    void error(ErrorCode code, const Text& text, Actions& out) const;
    void error(const Error& failure, Actions& out) const { error(failure.code, failure.text, out); }
    // The error of a user call, in its context: "open(): " + what was wrong.
    void callError(const char* call, const Error& failure, Actions& out) const;

    EngineConfig config_;
    nlohmann::json extra_ = nlohmann::json::object();
    SessionState state_ = SessionState::Idle;
    std::string targetRoom_; // the room opened, sought or joined
    std::optional<SessionType> joinAs_;
    std::optional<Room> room_;                    // our view of the room once open or joined
    std::map<std::string, Link> links_;           // peer userid -> link
    std::optional<EarlyDial> earlyDial_;          // server mode, until join-room is answered
    std::map<std::string, KnownRoom> knownRooms_; // announced rooms seen on the channel
    std::set<std::string> notifiedRooms_;         // onNewSession fires once per room
    std::set<std::string> blockedRooms_;          // donotJoin()
    // Users this side ejected from the room it owns (pub/sub: the owner admits, so it keeps
    // them out; our server keeps its own list). Cleared with the session.
    std::set<std::string> ejectedFromRoom_;
    std::map<std::string, std::uint64_t> presenceDeadlines_;  // checkPresence() in flight
    std::map<std::string, std::string> remoteStreamSessions_; // streamid -> canonical session
    std::map<std::string, SessionType> localStreams_;         // streamid -> what it carries
    // addStream() calls made while the session is being opened or joined (v1.8 pages call
    // sharePartOfScreen right after open): honoured once the session is active, dropped with
    // it.
    std::vector<SessionType> pendingAdds_;
    static constexpr std::size_t kMaxPendingAdds = 16;
    // Signals from users we do not know yet (a joiner's offer can overtake the owner's
    // member-joined notice on another path); replayed when the member is announced. A vector,
    // not a deque: it holds at most 256 entries, and std::deque added 1.3 KB to the wasm.
    std::vector<std::pair<std::string, std::string>> pendingSignals_;
    // Users heard leaving by their own word while we join or are a member. Over pub/sub such a
    // leave can be late (the owner already admitted the user again), so the owner decides: its
    // accept and member-left, sent in order, count them in and out. Kept for when the owner
    // vanishes before saying so: succession passes over them and a new owner drops them
    // (memberGone). Anything else they send while we join takes them off again.
    std::set<std::string> heardLeaving_;
    // Owner over pub/sub: members admitted whose dial has not come yet, with the time by which
    // it must (a joiner that crashed right after asking is otherwise counted in for good;
    // nothing else tells the owner). A member dropped for being late asks again when it hears
    // its own member-left (droppedByOwner).
    std::map<std::string, std::uint64_t> awaitingDial_;
    // Member over pub/sub: the time by which an owner by succession that we hold no link with
    // must have dialed us (0 = none due). Our link with it may have failed before it took over
    // (a member's failed link is no departure); if it vanished too, nothing else would ever
    // tell us, and we would stay in a room whose owner is gone.
    std::uint64_t ownerDialBy_ = 0;
    // Per peer, the SDP session id of its peer connection in the last link we closed with it:
    // an offer from that connection afterwards is an ICE restart of a link we gave up, not a
    // new dial (onSessionDescription).
    std::map<std::string, std::string> closedConnections_;
    bool mediaReady_ = false;
    bool mediaRequested_ = false; // a CaptureMedia is out and not answered yet
    bool joinRequested_ = false;
    // The number of the last join-request (pub/sub): the time it was sent and a count of this
    // engine's requests, so that neither a later session of this engine nor a new engine of the
    // same page takes an earlier request's answer.
    std::uint32_t joinRequestNumber_ = 0;
    std::string joinRequestOwner_; // the owner asked by the last join-request
    std::uint32_t joinRequestsSent_ = 0;
    bool openRequested_ = false; // open-room sent to the server (its answer may be pending)
    // connect() for the room this side opens: if another page owns it already, join it.
    bool joinIfTaken_ = false;
    // We own the room because its owner's link with us was given up or it was heard leaving
    // (memberGone): over pub/sub a link can fail while its owner lives on, still owning the room
    // for the others. Alone in the room, we yield to it when we hear it announced (onAnnounce).
    bool ownerBySuccession_ = false;
    bool rejoinedAfterTakeover_ = false; // that happened once this session
    bool askedAgainAfterDrop_ = false;   // the owner counted us out once this session

    // open-room and join-room requests not answered yet, of this session and earlier ones:
    // answers come in order, so only the last one answers the current session (serverReply).
    std::uint32_t sessionRequestsOut_ = 0;
    bool presenceReported_ = false;
    std::uint64_t now_ = 0; // noteTime()
    std::uint64_t nextAnnounceAt_ = 0;
    std::uint64_t searchDeadline_ = 0;
};

} // namespace rtcmc
