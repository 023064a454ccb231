// Engine: the calls a page makes (open, connect, join, leave, eject, ...) and the passage of
// time (announcements, presence timeouts).
#include <algorithm>

#include "common/json_text.hpp"
#include "common/utf8.hpp"
#include "engine/engine.hpp"
#include "protocol/codec.hpp"

namespace rtcmc {

using nlohmann::json;
namespace proto = protocol;

Engine::Engine(EngineConfig config) {
    configure(std::move(config));
}

void Engine::configure(EngineConfig config) {
    Result<json> extra = proto::parseExtra(config.extra);
    if (extra) {
        extra_ = extra.value();
    }
    config_ = std::move(config);
    config_.iceRestartDelayMs = std::min(config_.iceRestartDelayMs, kMaxIceRestartDelayMs);
    config_.iceRestartTimeoutMs =
        std::clamp(config_.iceRestartTimeoutMs, kMinIceRestartTimeoutMs, kMaxIceRestartTimeoutMs);
    config_.maxIceRestarts = std::min(config_.maxIceRestarts, kMaxIceRestarts);
}

bool Engine::isOwner() const {
    return state_ == SessionState::Open && room_ && room_->owner() == config_.userid;
}

std::vector<std::string> Engine::linkedPeers() const {
    std::vector<std::string> peers;
    for (const auto& entry : links_) {
        peers.push_back(entry.first);
    }
    return peers;
}

proto::Envelope Engine::envelope(const std::optional<std::string>& to) const {
    return proto::Envelope{targetRoom_, config_.userid, to};
}

SessionType Engine::sendAs() const {
    SessionType room = room_ ? room_->policy().session : config_.session;
    if (!room_) {
        auto known = knownRooms_.find(targetRoom_);
        if (known != knownRooms_.end()) {
            room = known->second.announce.session;
        }
    }
    SessionType chosen = joinAs_.value_or(room);
    if (config_.dontAttachStream && !(room_ && room_->owner() == config_.userid)) {
        chosen.audio = chosen.video = chosen.screen = false;
    }
    return chosen;
}

// A reason, like an error's words, goes out as a Text ([[textId, args...], ...]) that the JS side
// turns into a sentence (common/text.hpp).
void Engine::stateChange(const char* state, Actions& out, const Text& reason) const {
    json payload{{"state", state}, {"userid", config_.userid}, {"sessionid", targetRoom_}};
    if (!reason.empty()) {
        payload["reason"] = reason.toJson();
    }
    out.push_back(fireEvent(PageEvent::OnStateChange, payload));
}

void Engine::error(ErrorCode code, const Text& text, Actions& out) const {
    out.push_back(fireEvent(PageEvent::OnError, json{{"code", errorCodeName(code)},
                                                     {"text", text.toJson()},
                                                     {"userid", config_.userid},
                                                     {"sessionid", targetRoom_}}));
}

void Engine::callError(const char* call, const Error& failure, Actions& out) const {
    error(failure.code, Text(TextId::InCall, {call}).then(failure.text), out);
}

// The only writer of state_: a row of the table (session/session_state.cpp), or the named
// InvalidState error and no change.
bool Engine::transition(SessionEvent event, Actions& out) {
    Result<SessionState> next = nextState(state_, event);
    if (!next) {
        error(next.error(), out);
        return false;
    }
    state_ = next.value();
    if (!startingSession() && !isActive(state_)) {
        pendingAdds_.clear(); // the session they waited for is gone
    }
    return true;
}

bool Engine::startingSession() const {
    return state_ == SessionState::Opening || state_ == SessionState::Searching ||
           state_ == SessionState::Joining;
}

// After each event (engine_events.cpp): the addStream() calls that waited for the session run
// once it is open or joined, in the order the page made them.
void Engine::addPendingStreams(Actions& out) {
    if (pendingAdds_.empty() || !room_ ||
        (state_ != SessionState::Open && state_ != SessionState::Joined)) {
        return;
    }
    std::vector<SessionType> adds;
    adds.swap(pendingAdds_);
    for (const SessionType& media : adds) {
        Actions added = addStream(media);
        out.insert(out.end(), added.begin(), added.end());
    }
}

void Engine::announce(Actions& out, const std::optional<std::string>& to) const {
    proto::Announce message;
    message.envelope = envelope(to);
    message.session = room_->policy().session;
    message.direction = room_->policy().direction;
    message.extra = extra_;
    message.participants = static_cast<std::uint32_t>(room_->participantCount());
    message.maxParticipantsAllowed = static_cast<std::uint32_t>(std::min<std::size_t>(
        room_->policy().maxParticipantsAllowed, proto::kMaxParticipantsAllowed));
    message.passwordProtected = !config_.password.empty();
    out.push_back(signal(to.value_or(""), message));
}

// The userid goes into every message; a session cannot start without a valid one.
// The settings that go to the server or to peers are checked against the protocol's bounds
// (protocol/limits.def) before anything leaves: the page gets the reason, not a refusal.
bool Engine::hasValidSettings(const char* call, Actions& out) const {
    Status valid = proto::validateId("userid", config_.userid);
    if (valid && !config_.channel.empty()) {
        valid = proto::validateId("channel", config_.channel);
    }
    if (valid && !config_.password.empty()) {
        const std::optional<std::size_t> characters = utf8CodePoints(config_.password);
        if (!characters || *characters > proto::kMaxPasswordChars) {
            valid = makeError(ErrorCode::InvalidArgument,
                              Text(TextId::Named, {"password"})
                                  .then(characters ? Text(TextId::IsLongerThanCharacters,
                                                          {proto::kMaxPasswordChars})
                                                   : Text(TextId::MustBeWellFormedUnicode)));
        }
    }
    if (valid && (config_.maxParticipantsAllowed < 1 ||
                  config_.maxParticipantsAllowed > proto::kMaxParticipantsAllowed)) {
        valid = makeError(
            ErrorCode::InvalidArgument,
            Text(TextId::Named, {"maxParticipantsAllowed"})
                .then(Text(TextId::MustBeWholeNumber, {"1", proto::kMaxParticipantsAllowed})));
    }
    if (!valid) {
        callError(call, valid.error(), out);
    }
    return valid.ok();
}

Actions Engine::open(const std::string& roomid, std::uint64_t nowMs) {
    noteTime(nowMs);
    Actions out;
    if (!hasValidSettings("open()", out)) {
        return out;
    }
    Status valid = proto::validateId("session id", roomid);
    if (!valid) {
        callError("open()", valid.error(), out);
        return out;
    }
    Result<SessionType> session = validateSession(config_.session);
    if (!session) {
        callError("open()", session.error(), out);
        return out;
    }
    const SessionState before = state_;
    transition(SessionEvent::Open, out);
    if (state_ == before) {
        return out;
    }
    targetRoom_ = roomid;
    joinAs_.reset();
    RoomPolicy policy;
    policy.session = config_.session;
    policy.direction = effectiveDirection(config_.direction, config_.session);
    policy.maxParticipantsAllowed = config_.maxParticipantsAllowed;
    policy.autoCloseEntireSession = config_.autoCloseEntireSession;
    room_.emplace(roomid, Member{config_.userid, writeJson(extra_), config_.session}, policy);
    if (needsLocalMedia(policy.direction, config_.session, true) && !mediaReady_ &&
        !config_.captureMediaOnDemand) {
        requestMedia(config_.session, "open", out);
        return out;
    }
    Actions opened = becomeOpen(nowMs);
    out.insert(out.end(), opened.begin(), opened.end());
    return out;
}

Actions Engine::becomeOpen(std::uint64_t nowMs) {
    Actions out;
    if (serverMode()) {
        requestOpenRoom(out); // Open once the server acknowledges (serverReply)
        return out;
    }
    transition(SessionEvent::MediaReady, out);
    announce(out, std::nullopt);
    nextAnnounceAt_ = nowMs + config_.announceIntervalMs;
    out.push_back(fireEvent(PageEvent::Opened, json{{"sessionid", targetRoom_}}));
    out.push_back(scheduleTick(nextAnnounceAt_));
    return out;
}

Actions Engine::connect(const std::string& roomid, std::uint64_t nowMs) {
    noteTime(nowMs);
    Actions out;
    if (!hasValidSettings("connect()", out)) {
        return out;
    }
    Status valid = proto::validateId("session id", roomid);
    if (!valid) {
        callError("connect()", valid.error(), out);
        return out;
    }
    // The v1.2 "Second Step" runs open('id') and connect('id') on every page: the first page to
    // get there owns the room, the others join it (joinOpenedRoom). Upstream connected them.
    if ((state_ == SessionState::Opening || state_ == SessionState::Open) &&
        targetRoom_ == roomid) {
        joinIfTaken_ = true;
        if (serverMode() && state_ == SessionState::Open) {
            out.push_back(serverRequest("subscribe-rooms", json::object()));
        }
        return out;
    }
    if (!transition(SessionEvent::Connect, out)) {
        return out;
    }
    targetRoom_ = roomid;
    searchForRoom(nowMs, out);
    // The announcement may already be known (seen before connect()).
    auto known = knownRooms_.find(roomid);
    if (known != knownRooms_.end() && config_.autoJoin && !blockedRooms_.count(roomid)) {
        Actions joined = join(roomid, std::nullopt, nowMs);
        out.insert(out.end(), joined.begin(), joined.end());
    }
    return out;
}

void Engine::joinTakenRoom(std::uint64_t nowMs, Actions& out) {
    if (!transition(SessionEvent::RoomTaken, out)) {
        return;
    }
    // Nobody was admitted to the room we were making: forget it, keep the captured media.
    room_.reset();
    openRequested_ = false;
    joinIfTaken_ = false;
    ownerBySuccession_ = false;
    joinAs_.reset();
    joinRequested_ = false;
    if (knownRooms_.count(targetRoom_)) {
        Actions requested = sendJoinRequest(nowMs);
        out.insert(out.end(), requested.begin(), requested.end());
        return;
    }
    searchForRoom(nowMs, out);
}

void Engine::droppedByOwner(std::uint64_t nowMs, Actions& out) {
    const std::string owner = room_->owner();
    if (askedAgainAfterDrop_) {
        // Counted out again: the path to the owner stays broken. Say so and end, rather than
        // count ourselves in a room that does not count us.
        error(ErrorCode::SessionLost, {TextId::SessionLostOwnerDropped, {targetRoom_, owner}}, out);
        endSession(SessionEvent::SessionClosed, out);
        return;
    }
    if (!transition(SessionEvent::Dropped, out)) {
        return;
    }
    askedAgainAfterDrop_ = true;
    // The members drop their links with us when they hear the owner's member-left: we dial
    // them again once admitted (the owner's accept lists them). The captured media stays.
    while (!links_.empty()) {
        const std::string peer = links_.begin()->first; // a copy: unlink() erases the key
        unlink(peer, out);
    }
    room_.reset();
    pendingSignals_.clear();
    heardLeaving_.clear();
    joinRequested_ = false;
    if (auto known = knownRooms_.find(targetRoom_); known != knownRooms_.end()) {
        known->second.owner = owner; // the announcement we kept may name an earlier owner
        Actions requested = sendJoinRequest(nowMs);
        out.insert(out.end(), requested.begin(), requested.end());
        return;
    }
    searchForRoom(nowMs, out);
}

Actions Engine::join(const std::string& roomid, const std::optional<SessionType>& joinAs,
                     std::uint64_t nowMs) {
    noteTime(nowMs);
    Actions out;
    if (!hasValidSettings("join()", out)) {
        return out;
    }
    Status valid = proto::validateId("session id", roomid);
    if (!valid) {
        callError("join()", valid.error(), out);
        return out;
    }
    const SessionState before = state_;
    transition(SessionEvent::Join, out);
    if (state_ == before) {
        return out;
    }
    blockedRooms_.erase(roomid); // an explicit join overrides an earlier donotJoin()
    targetRoom_ = roomid;
    joinAs_ = joinAs;
    joinRequested_ = false;
    if (knownRooms_.count(roomid)) {
        Actions requested = sendJoinRequest(nowMs);
        out.insert(out.end(), requested.begin(), requested.end());
        return out;
    }
    searchForRoom(nowMs, out);
    return out;
}

// The target room is not announced yet: ask, and carry on when the owner answers
// (onAnnounce), or when the server's room list shows the room. The server pushes room lists to
// subscribers only, and the room may be gone when it answers check-presence and be opened again
// later: subscribe too.
void Engine::searchForRoom(std::uint64_t nowMs, Actions& out) {
    presenceReported_ = false;
    searchDeadline_ = nowMs + config_.presenceTimeoutMs;
    stateChange("detecting-room-presence", out);
    askForRoom(out);
    if (serverMode()) {
        out.push_back(serverRequest("subscribe-rooms", json::object()));
    }
    out.push_back(scheduleTick(searchDeadline_));
}

// "Is the target room there?": a presence query on pub/sub, check-presence with the server.
void Engine::askForRoom(Actions& out) const {
    if (serverMode()) {
        out.push_back(roomRequest("check-presence", targetRoom_));
    } else {
        out.push_back(signal("", proto::PresenceQuery{envelope()}));
    }
}

// Captures media first if this side will send any, then asks the owner to be admitted.
Actions Engine::sendJoinRequest(std::uint64_t nowMs) {
    Actions out;
    const KnownRoom& known = knownRooms_.at(targetRoom_);
    const Direction direction =
        effectiveDirection(known.announce.direction, known.announce.session);
    const SessionType media = sendAs();
    const bool needsMedia = needsLocalMedia(direction, media, false);
    if (needsMedia && !mediaReady_) {
        requestMedia(media, "join", out);
        return out;
    }
    if (!needsMedia && mediaReady_) {
        // Captured to open a room that turned out to be another's (open + connect), where
        // this side sends nothing (a one-way viewer): let the camera go.
        out.push_back(peerAction(ActionKind::StopLocalMedia, {}));
        mediaReady_ = false;
        localStreams_.clear();
    }
    if (serverMode()) {
        requestJoinRoom(out);
        return out;
    }
    proto::JoinRequest request;
    request.envelope = envelope(known.owner);
    request.extra = extra_;
    request.joinAs = media;
    joinRequestNumber_ =
        static_cast<std::uint32_t>((nowMs * 64 + ++joinRequestsSent_) % proto::kMaxRequestNumber);
    request.request = joinRequestNumber_;
    if (!config_.password.empty()) {
        request.password = config_.password;
    }
    joinRequested_ = true;
    joinRequestOwner_ = known.owner;
    stateChange("connecting-with-initiator", out);
    out.push_back(signal(known.owner, request));
    return out;
}

// Asks the browser for local media once; the answer is localMediaReady() or localMediaFailed().
void Engine::requestMedia(const SessionType& media, const char* purpose, Actions& out) {
    if (mediaRequested_) {
        return;
    }
    mediaRequested_ = true;
    stateChange("fetching-usermedia", out);
    Action capture;
    capture.kind = ActionKind::CaptureMedia;
    capture.name = purpose;
    capture.media = media;
    out.push_back(std::move(capture));
}

// captureUserMediaOnDemand: the owner captures when its first participant is admitted; the
// media then goes to every link ("add"), those made later included.
void Engine::captureOnDemand(Actions& out) {
    if (!config_.captureMediaOnDemand || !isOwner() || mediaReady_ || mediaRequested_ ||
        room_->participantCount() < 2 ||
        !needsLocalMedia(room_->policy().direction, room_->policy().session, true)) {
        return;
    }
    requestMedia(room_->policy().session, "add", out);
}

// Everything a session held is released (links, captured media, the room view), then the
// state moves by `why` through the table.
void Engine::endSession(SessionEvent why, Actions& out) {
    for (const auto& entry : links_) {
        out.push_back(peerAction(ActionKind::ClosePeer, entry.first));
    }
    links_.clear();
    earlyDial_.reset();
    if (room_ && room_->policy().sfu) {
        out.push_back(peerAction(ActionKind::LeaveSfu, {}));
    }
    if (mediaReady_) {
        out.push_back(peerAction(ActionKind::StopLocalMedia, {}));
    }
    mediaReady_ = false;
    mediaRequested_ = false;
    joinRequested_ = false;
    openRequested_ = false;
    joinIfTaken_ = false;
    ownerBySuccession_ = false;
    rejoinedAfterTakeover_ = false;
    askedAgainAfterDrop_ = false;
    ejectedFromRoom_.clear();
    room_.reset();
    pendingSignals_.clear();
    heardLeaving_.clear();
    awaitingDial_.clear();
    ownerDialBy_ = 0;
    closedConnections_.clear();
    remoteStreamSessions_.clear();
    localStreams_.clear();
    transition(why, out);
}

Actions Engine::leave() {
    Actions out;
    if (!isActive(state_)) {
        return out;
    }
    proto::Leave message;
    message.envelope = envelope();
    if (isOwner()) {
        message.closeEntireSession = config_.autoCloseEntireSession;
        if (!message.closeEntireSession) {
            // members() is in join order: the first member after us is the longest present.
            for (const Member& member : room_->members()) {
                if (member.userid != config_.userid) {
                    message.successor = member.userid;
                    break;
                }
            }
        }
    }
    if (serverMode()) {
        // The server hands the room over or closes it; it only knows rooms it opened or admitted,
        // or was asked to (an answer may be on its way).
        const bool serverKnowsUs = state_ == SessionState::Open || state_ == SessionState::Joined ||
                                   (state_ == SessionState::Opening && openRequested_) ||
                                   (state_ == SessionState::Joining && joinRequested_);
        if (serverKnowsUs) {
            // Closing the room takes everyone out of it, us too: a leave-room after it fails.
            if (isOwner() && config_.autoCloseEntireSession) {
                out.push_back(roomRequest("close-room", targetRoom_));
            } else {
                out.push_back(roomRequest("leave-room", targetRoom_));
            }
        }
    } else if (state_ != SessionState::Searching) {
        out.push_back(signal("", message));
    }
    endSession(SessionEvent::Leave, out);
    return out;
}

Actions Engine::eject(const std::string& userid) {
    Actions out;
    if (!room_ || !isActive(state_)) {
        callError("eject()", makeError(ErrorCode::NotInRoom, {TextId::NotInASession}), out);
        return out;
    }
    if (serverMode()) {
        // Checked here for a prompt answer; the server checks again and does the ejection.
        if (room_->owner() != config_.userid) {
            callError("eject()", makeError(ErrorCode::NotOwner, {TextId::OnlyOwnerMayEject}), out);
        } else if (!room_->contains(userid) || userid == config_.userid) {
            callError("eject()",
                      makeError(ErrorCode::UnknownUser, {TextId::NotAParticipant, {userid}}), out);
        } else {
            out.push_back(
                serverRequest("eject", json{{"roomid", targetRoom_}, {"userid", userid}}));
        }
        return out;
    }
    Result<Member> ejected = room_->eject(config_.userid, userid);
    if (ejected && ejectedFromRoom_.size() < proto::kMaxMembers) {
        ejectedFromRoom_.insert(userid);
    }
    if (!ejected) {
        callError("eject()", ejected.error(), out);
        return out;
    }
    out.push_back(signal(userid, proto::Eject{envelope(userid)}));
    proto::MemberLeft notice{envelope(), userid, proto::LeaveReason::Ejected};
    out.push_back(signal("", notice));
    unlink(userid, out);
    Result<json> extra = proto::parseExtra(ejected.value().extra);
    out.push_back(
        fireEvent(PageEvent::OnLeave, json{{"userid", userid},
                                           {"extra", extra ? extra.value() : json::object()},
                                           {"ejected", true},
                                           {"reason", "ejected"}}));
    return out;
}

Actions Engine::updateExtra(const std::string& extraJson) {
    Actions out;
    Result<json> extra = proto::parseExtra(extraJson);
    if (!extra) {
        callError("updateExtraData()", extra.error(), out);
        return out;
    }
    extra_ = extra.value();
    config_.extra = writeJson(extra_);
    if (serverMode()) {
        if (room_) {
            room_->updateExtra(config_.userid, config_.extra);
        }
        out.push_back(serverRequest("update-extra", json{{"extra", extra_}}));
    } else if (room_ && isActive(state_)) {
        room_->updateExtra(config_.userid, config_.extra);
        out.push_back(signal("", proto::ExtraUpdated{envelope(), extra_}));
    }
    return out;
}

Actions Engine::checkPresence(const std::string& roomid, std::uint64_t nowMs) {
    noteTime(nowMs);
    Actions out;
    Status valid = proto::validateId("session id", roomid);
    if (!valid) {
        callError("checkPresence()", valid.error(), out);
        return out;
    }
    if (isOwner() && room_->id() == roomid) {
        out.push_back(fireEvent(PageEvent::Presence,
                                json{{"sessionid", roomid},
                                     {"exists", true},
                                     {"extra", extra_},
                                     {"isFull", room_->isFull()},
                                     {"isPasswordProtected", !config_.password.empty()}}));
        return out;
    }
    presenceDeadlines_[roomid] = nowMs + config_.presenceTimeoutMs;
    if (serverMode()) {
        out.push_back(serverRequest("check-presence", json{{"roomid", roomid}}));
    } else {
        out.push_back(
            signal("", proto::PresenceQuery{proto::Envelope{roomid, config_.userid, {}}}));
    }
    out.push_back(scheduleTick(presenceDeadlines_[roomid]));
    return out;
}

Actions Engine::donotJoin(const std::string& roomid) {
    Actions out;
    blockedRooms_.insert(roomid);
    // A join still waiting for media or for the room is abandoned before any request leaves.
    if (targetRoom_ == roomid && !joinRequested_ &&
        (state_ == SessionState::Joining || state_ == SessionState::Searching)) {
        endSession(SessionEvent::DonotJoin, out);
        stateChange("request-rejected", out, {TextId::DonotJoinCalled});
    }
    return out;
}

Actions Engine::setMuted(const std::string& streamid, bool audio, bool video, bool muted) {
    Actions out;
    Status valid = proto::validateId("streamid", streamid);
    if (!valid || (!audio && !video)) {
        callError("mute()",
                  valid ? makeError(ErrorCode::InvalidArgument, {TextId::MuteWhichKind})
                        : valid.error(),
                  out);
        return out;
    }
    if (room_ && isActive(state_)) {
        out.push_back(signal("", proto::MuteChanged{envelope(), streamid, audio, video, muted}));
    }
    return out;
}

Actions Engine::endStream(const std::string& streamid) {
    Actions out;
    Status valid = proto::validateId("streamid", streamid);
    if (!valid) {
        callError("removeStream()", valid.error(), out);
        return out;
    }
    localStreams_.erase(streamid);
    if (room_ && isActive(state_)) {
        out.push_back(signal("", proto::StreamEnded{envelope(), streamid}));
    }
    return out;
}

Actions Engine::addStream(const SessionType& media) {
    Actions out;
    if (startingSession() && media.hasMedia() && pendingAdds_.size() < kMaxPendingAdds) {
        pendingAdds_.push_back(media);
        return out;
    }
    if (!room_ || (state_ != SessionState::Open && state_ != SessionState::Joined)) {
        callError("addStream()", makeError(ErrorCode::NotInRoom, {TextId::AddStreamOutsideSession}),
                  out);
        return out;
    }
    if (!media.hasMedia()) {
        callError("addStream()",
                  makeError(ErrorCode::InvalidArgument, {TextId::AddStreamWhichKind}), out);
        return out;
    }
    const bool selfIsOwner = room_->owner() == config_.userid;
    if (room_->policy().direction == Direction::OneWay && !selfIsOwner) {
        callError("addStream()", makeError(ErrorCode::InvalidState, {TextId::AddStreamOneWayGuest}),
                  out);
        return out;
    }
    Action capture;
    capture.kind = ActionKind::CaptureMedia;
    capture.name = "add";
    capture.media = media;
    out.push_back(std::move(capture));
    return out;
}

Actions Engine::tick(std::uint64_t nowMs) {
    noteTime(nowMs);
    Actions out;
    std::uint64_t next = 0;
    auto schedule = [&](std::uint64_t at) { next = next == 0 ? at : std::min(next, at); };

    // Links given up first: an announcement counts the members as they are after it (a member
    // that took the room over hears from it whether we still count it: onAnnounce).
    if (const std::uint64_t recovery = recoverLinks(nowMs, out)) {
        schedule(recovery);
    }
    if (const std::uint64_t silent = dropSilentMembers(nowMs, out)) {
        schedule(silent);
    }
    if (isOwner() && !serverMode()) {
        if (nowMs >= nextAnnounceAt_) {
            announce(out, std::nullopt);
            nextAnnounceAt_ = nowMs + config_.announceIntervalMs;
        }
        schedule(nextAnnounceAt_);
    }
    const bool seeking = (state_ == SessionState::Searching || state_ == SessionState::Joining) &&
                         !knownRooms_.count(targetRoom_);
    if (seeking && !presenceReported_) {
        if (nowMs >= searchDeadline_) {
            presenceReported_ = true;
            stateChange("room-not-available", out, {TextId::UnableToReachInitiator});
        } else {
            schedule(searchDeadline_);
        }
    }
    for (auto it = presenceDeadlines_.begin(); it != presenceDeadlines_.end();) {
        if (nowMs >= it->second) {
            out.push_back(
                fireEvent(PageEvent::Presence, json{{"sessionid", it->first}, {"exists", false}}));
            it = presenceDeadlines_.erase(it);
        } else {
            schedule(it->second);
            ++it;
        }
    }
    if (next != 0) {
        out.push_back(scheduleTick(next));
    }
    return out;
}

} // namespace rtcmc
