// Engine: signaling messages from other members. Room-control messages (admission, ejection,
// membership) count only when they come from the room's owner.
#include <algorithm>

#include "common/json_text.hpp"
#include "engine/engine.hpp"
#include "protocol/codec.hpp"

namespace rtcmc {

using nlohmann::json;
namespace proto = protocol;

namespace {

constexpr std::size_t kMaxPendingSignals = 256;

// Messages that belong to a peer link: kept for a moment if their sender is not known yet.
bool isPeerMessage(const proto::Message& message) {
    return std::holds_alternative<proto::SessionDescription>(message) ||
           std::holds_alternative<proto::IceCandidate>(message) ||
           std::holds_alternative<proto::MuteChanged>(message) ||
           std::holds_alternative<proto::StreamEnded>(message);
}

// The session id of a description's origin line ("o=<username> <sess-id> <sess-version> ...",
// RFC 8866 section 5.2): the same for every description of one peer connection (JSEP keeps it
// on renegotiation and ICE restart), another for a new one. "" when the line is missing.
std::string sdpSessionId(std::string_view sdp) {
    std::size_t line = sdp.rfind("o=", 0) == 0 ? 0 : sdp.find("\no=");
    if (line == std::string_view::npos) {
        return {};
    }
    std::string_view origin = sdp.substr(line + (sdp[line] == '\n' ? 3 : 2));
    origin = origin.substr(0, origin.find_first_of("\r\n"));
    const std::size_t afterUser = origin.find(' ');
    if (afterUser == std::string_view::npos) {
        return {};
    }
    std::string_view id = origin.substr(afterUser + 1);
    id = id.substr(0, id.find(' '));
    if (id.empty() || id.size() > proto::kMaxSdpSessionIdBytes) {
        return {};
    }
    return std::string(id);
}

} // namespace

Actions Engine::receiveSignal(const std::string& text, const std::string& verifiedFrom,
                              std::uint64_t nowMs) {
    noteTime(nowMs);
    Actions out;
    Result<proto::Message> decoded = proto::decode(text);
    if (!decoded) {
        error(decoded.error().code, Text(TextId::SignalRejected).then(decoded.error().text), out);
        return out;
    }
    const proto::Message& message = decoded.value();
    const proto::Envelope& envelope = proto::envelopeOf(message);
    if (!verifiedFrom.empty() && envelope.from != verifiedFrom) {
        error(ErrorCode::InvalidField,
              {TextId::SignalSenderMismatch, {envelope.from, verifiedFrom}}, out);
        return out;
    }
    if (state_ == SessionState::Joining && envelope.room == targetRoom_ &&
        envelope.from != config_.userid) {
        if (std::holds_alternative<proto::Leave>(message)) {
            // An accept lists at most kMaxMembers users: more names than that cannot all matter,
            // and a stranger repeating leaves under new names must not grow the set.
            if (heardLeaving_.size() < proto::kMaxMembers) {
                heardLeaving_.insert(envelope.from);
            }
        } else {
            heardLeaving_.erase(envelope.from); // back: a join-request, an announcement
        }
    }
    // Pub/sub channels echo our own messages back; messages addressed to others are not ours.
    if (envelope.from == config_.userid || (envelope.to && *envelope.to != config_.userid)) {
        return out;
    }

    // With the signaling server as authority, peers only exchange peer-link messages.
    if (serverMode() && !isPeerMessage(message)) {
        error(ErrorCode::NotOwner,
              {TextId::ServerKeepsRoom, {proto::typeName(message), envelope.from}}, out);
        return out;
    }

    if (std::holds_alternative<proto::JoinAccept>(message)) {
        const bool awaited =
            state_ == SessionState::Joining && joinRequested_ && envelope.room == targetRoom_;
        const bool inThatRoom = room_ && room_->id() == envelope.room;
        // An admission we no longer wait for (refused after asking again, given up, or asked
        // for by an earlier session): the owner counts us in, so tell the room we are not
        // coming.
        if (!awaited && !inThatRoom) {
            out.push_back(signal("", proto::Leave{{envelope.room, config_.userid, {}}, false, {}}));
            return out;
        }
        // Two owners of one room (a split after a lost link, healing: onAnnounce) both admitted
        // us: the one we did not ask last, or whose room we did not join, hears that we are not
        // coming. Only that owner: the other one keeps us.
        if ((awaited && envelope.from != joinRequestOwner_) ||
            (!awaited && envelope.from != room_->owner())) {
            out.push_back(
                signal(envelope.from,
                       proto::Leave{{envelope.room, config_.userid, envelope.from}, false, {}}));
            return out;
        }
    }

    // Discovery messages concern any room on the channel.
    if (const auto* m = std::get_if<proto::Announce>(&message)) {
        onAnnounce(*m, nowMs, out);
        return out;
    }
    if (const auto* m = std::get_if<proto::PresenceQuery>(&message)) {
        onPresenceQuery(*m, out);
        return out;
    }
    if (const auto* m = std::get_if<proto::Leave>(&message)) {
        onLeave(*m, nowMs, out);
        replayPendingSignals(nowMs, out); // the room may have a new owner
        return out;
    }

    if (envelope.room != targetRoom_ || !isActive(state_)) {
        // Another room on the same channel, or we are not in one. Over pub/sub a peer that
        // still counts us in that room (its word that we left came too early or never) hears
        // that we are not there.
        if (!serverMode() && isPeerMessage(message) && envelope.to == config_.userid) {
            out.push_back(signal("", proto::Leave{{envelope.room, config_.userid, {}}, false, {}}));
        }
        return out;
    }
    if (isPeerMessage(message) && (!room_ || !room_->contains(envelope.from))) {
        // Kept while joining too: a member's offer can overtake our own join-accept.
        if (state_ == SessionState::Joined || state_ == SessionState::Open ||
            state_ == SessionState::Joining) {
            keepForLater(envelope.from, text);
        }
        return out;
    }

    // A member who speaks for the room (member-joined, member-left) while we still count
    // another owner: over pub/sub, the owner's successor can have noticed that the owner
    // vanished before we do. Kept for the next change of owner (replayPendingSignals), which
    // checks the sender again; dropped, it would leave us without a member the room has.
    if (!serverMode() && room_ && room_->contains(envelope.from) &&
        room_->owner() != envelope.from && room_->owner() != config_.userid &&
        (std::holds_alternative<proto::MemberJoined>(message) ||
         std::holds_alternative<proto::MemberLeft>(message))) {
        keepForLater(envelope.from, text);
        return out;
    }

    std::visit(
        [&](const auto& m) {
            using Type = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<Type, proto::JoinRequest>) {
                onJoinRequest(m, out);
            } else if constexpr (std::is_same_v<Type, proto::JoinAccept>) {
                onJoinAccept(m, out);
                replayPendingSignals(nowMs, out);
            } else if constexpr (std::is_same_v<Type, proto::JoinRefuse>) {
                onJoinRefuse(m, out);
            } else if constexpr (std::is_same_v<Type, proto::MemberJoined>) {
                onMemberJoined(m, out);
                replayPendingSignals(nowMs, out);
            } else if constexpr (std::is_same_v<Type, proto::MemberLeft>) {
                onMemberLeft(m, nowMs, out);
            } else if constexpr (std::is_same_v<Type, proto::Eject>) {
                onEject(m, out);
            } else if constexpr (std::is_same_v<Type, proto::ExtraUpdated>) {
                onExtraUpdated(m, out);
            } else if constexpr (std::is_same_v<Type, proto::SessionDescription>) {
                onSessionDescription(m, out);
            } else if constexpr (std::is_same_v<Type, proto::IceCandidate>) {
                onIceCandidate(m, out);
            } else if constexpr (std::is_same_v<Type, proto::MuteChanged>) {
                onMuteChanged(m, out);
            } else if constexpr (std::is_same_v<Type, proto::StreamEnded>) {
                onStreamEnded(m, out);
            }
        },
        message);
    return out;
}

Action Engine::signal(std::string peer, const proto::Message& message) {
    Action action = sendSignal(std::move(peer), proto::encode(message));
    action.name = proto::envelopeOf(message).room;
    return action;
}

void Engine::keepForLater(const std::string& from, std::string text) {
    if (pendingSignals_.size() >= kMaxPendingSignals) {
        pendingSignals_.erase(pendingSignals_.begin()); // the oldest
    }
    pendingSignals_.emplace_back(from, std::move(text));
}

void Engine::replayPendingSignals(std::uint64_t nowMs, Actions& out) {
    std::vector<std::pair<std::string, std::string>> waiting;
    waiting.swap(pendingSignals_);
    for (auto& [from, pendingText] : waiting) {
        if (room_ && room_->contains(from)) {
            Actions replayed = receiveSignal(pendingText, {}, nowMs);
            out.insert(out.end(), replayed.begin(), replayed.end());
        } else {
            pendingSignals_.emplace_back(from, std::move(pendingText));
        }
    }
}

bool Engine::fromOwner(const proto::Envelope& envelope, const char* what, Actions& out) const {
    std::string owner;
    if (room_) {
        owner = room_->owner();
    } else if (auto known = knownRooms_.find(envelope.room); known != knownRooms_.end()) {
        owner = known->second.owner;
    }
    if (envelope.from == owner) {
        return true;
    }
    error(ErrorCode::NotOwner, {TextId::OnlyOwnerSends, {what, envelope.from}}, out);
    return false;
}

// onNewSession: a room the page may join (once per room; the caller keeps notifiedRooms_).
void Engine::offerRoom(const proto::Announce& m, Actions& out) const {
    out.push_back(
        fireEvent(PageEvent::OnNewSession,
                  json{{"sessionid", m.envelope.room},
                       {"userid", m.envelope.from},
                       {"session", toString(m.session)},
                       {"sessionObject", proto::sessionToJson(m.session)},
                       {"direction", toString(effectiveDirection(m.direction, m.session))},
                       {"extra", m.extra},
                       {"participants", m.participants},
                       {"maxParticipantsAllowed", m.maxParticipantsAllowed},
                       {"isFull", m.participants - 1 >= m.maxParticipantsAllowed},
                       {"isPasswordProtected", m.passwordProtected}}));
}

void Engine::onAnnounce(const proto::Announce& m, std::uint64_t nowMs, Actions& out) {
    const std::string& roomid = m.envelope.room;
    knownRooms_[roomid] = KnownRoom{m.envelope.from, m};
    if (notifiedRooms_.insert(roomid).second) {
        offerRoom(m, out);
    }
    if (auto pending = presenceDeadlines_.find(roomid); pending != presenceDeadlines_.end()) {
        presenceDeadlines_.erase(pending);
        out.push_back(fireEvent(PageEvent::Presence,
                                json{{"sessionid", roomid},
                                     {"exists", true},
                                     {"extra", m.extra},
                                     {"isFull", m.participants - 1 >= m.maxParticipantsAllowed},
                                     {"isPasswordProtected", m.passwordProtected}}));
    }
    if (roomid != targetRoom_) {
        return;
    }
    // open() + connect() on two pages over pub/sub: two owners of one room, each alone so far.
    // One yields and joins the other: the one alone when the other has members, else the one
    // whose userid sorts after (both sides decide alike).
    const bool alone = state_ == SessionState::Open && m.envelope.from != config_.userid && room_ &&
                       room_->participantCount() == 1;
    const bool openedTwice =
        joinIfTaken_ && (m.participants > 1 || m.envelope.from < config_.userid);
    // We took the room over when our link with its owner was given up, yet the owner lives on
    // with members (maybe still us). Once per session: a path that stays broken must not make
    // us rejoin and give up again for ever.
    const bool ownerLivesOn = ownerBySuccession_ && !rejoinedAfterTakeover_ && m.participants > 1;
    if (alone && (openedTwice || ownerLivesOn)) {
        rejoinedAfterTakeover_ = rejoinedAfterTakeover_ || ownerLivesOn;
        joinTakenRoom(nowMs, out);
        return;
    }
    if (state_ == SessionState::Joining && joinRequested_) {
        // Still waiting: the owner asked may be gone, or may not have owned the room yet when
        // the request came. Ask the owner announcing it now (an owner answers a member's
        // repeated request with the room).
        joinRequested_ = false;
    }
    if (state_ == SessionState::Searching) {
        stateChange("room-available", out);
        if (config_.autoJoin && !blockedRooms_.count(roomid)) {
            Actions joined = join(roomid, std::nullopt, nowMs);
            out.insert(out.end(), joined.begin(), joined.end());
        }
    } else if (state_ == SessionState::Joining && !joinRequested_) {
        stateChange("room-available", out);
        Actions requested = sendJoinRequest(nowMs);
        out.insert(out.end(), requested.begin(), requested.end());
    }
}

void Engine::onPresenceQuery(const proto::PresenceQuery& m, Actions& out) {
    if (isOwner() && m.envelope.room == room_->id()) {
        announce(out, m.envelope.from);
    }
}

void Engine::onJoinRequest(const proto::JoinRequest& m, Actions& out) {
    if (!isOwner()) {
        return; // only the owner admits; a stale request to a former owner is dropped
    }
    // The refusal carries the code; the joiner words it (onJoinRefuse), as the owner's core
    // holds no sentences.
    auto refuse = [&](ErrorCode code) {
        proto::JoinRefuse refusal{envelope(m.envelope.from), errorCodeName(code), {}, m.request};
        out.push_back(signal(m.envelope.from, refusal));
    };
    if (ejectedFromRoom_.count(m.envelope.from)) {
        refuse(ErrorCode::Ejected); // ejected from this room: it stays out
        return;
    }
    if (!config_.password.empty() && m.password.value_or("") != config_.password) {
        refuse(ErrorCode::WrongPassword);
        return;
    }
    // A member asking again (our predecessor admitted it, then it asked us) gets the room again:
    // a refusal would leave it out of a room that counts it in.
    const bool alreadyMember = room_->contains(m.envelope.from);
    Status admitted = alreadyMember
                          ? okStatus()
                          : room_->admit(Member{m.envelope.from, writeJson(m.extra), m.joinAs});
    if (!admitted) {
        refuse(admitted.error().code);
        return;
    }
    if (!alreadyMember) {
        // What it sent before this request belongs to an earlier stay (an offer we dropped it
        // for being late with): answered now, it would replace the link it is about to dial.
        pendingSignals_.erase(
            std::remove_if(pendingSignals_.begin(), pendingSignals_.end(),
                           [&](const auto& pending) { return pending.first == m.envelope.from; }),
            pendingSignals_.end());
    }
    proto::JoinAccept accept;
    accept.envelope = envelope(m.envelope.from);
    accept.owner = config_.userid;
    for (const Member& member : room_->members()) {
        Result<json> extra = proto::parseExtra(member.extra);
        accept.members.push_back(proto::MemberInfo{
            member.userid, extra ? extra.value() : json::object(), member.joinedAs});
    }
    accept.session = room_->policy().session;
    accept.direction = room_->policy().direction;
    accept.maxParticipantsAllowed = static_cast<std::uint32_t>(std::min<std::size_t>(
        room_->policy().maxParticipantsAllowed, proto::kMaxParticipantsAllowed));
    accept.autoCloseEntireSession = room_->policy().autoCloseEntireSession;
    accept.request = m.request;
    out.push_back(signal(m.envelope.from, accept));
    captureOnDemand(out);
    if (!serverMode() && !links_.count(m.envelope.from) &&
        !(room_->policy().sfu && !room_->policy().session.data) &&
        shouldConnect(room_->policy().direction, true, false)) {
        // The newcomer dials us: by the time a link of ours gets to connect, or it is dropped.
        const std::uint64_t by =
            now_ + config_.iceRestartDelayMs + 2ull * config_.iceRestartTimeoutMs;
        awaitingDial_[m.envelope.from] = by;
        out.push_back(scheduleTick(by));
    }
    if (alreadyMember) {
        return; // the others know it already
    }
    proto::MemberJoined joined{envelope(), proto::MemberInfo{m.envelope.from, m.extra, m.joinAs}};
    out.push_back(signal("", joined));
    out.push_back(
        fireEvent(PageEvent::OnUserStatusChanged,
                  json{{"userid", m.envelope.from}, {"status", "online"}, {"extra", m.extra}}));
}

void Engine::onJoinAccept(const proto::JoinAccept& m, Actions& out) {
    if (state_ != SessionState::Joining || m.owner != m.envelope.from ||
        !answersLastRequest(m.request) || !fromOwner(m.envelope, "join-accept", out)) {
        return;
    }
    RoomPolicy policy;
    policy.session = m.session;
    policy.direction = m.direction;
    policy.maxParticipantsAllowed = m.maxParticipantsAllowed;
    policy.autoCloseEntireSession = m.autoCloseEntireSession;
    const proto::MemberInfo* owner = nullptr;
    for (const proto::MemberInfo& member : m.members) {
        if (member.userid == m.owner) {
            owner = &member;
        }
    }
    if (!owner) {
        error(ErrorCode::InvalidField, {TextId::JoinAcceptWithoutOwner}, out);
        return; // still joining: a valid answer may follow
    }
    if (!transition(SessionEvent::Accepted, out)) {
        return;
    }
    room_.emplace(m.envelope.room, Member{owner->userid, writeJson(owner->extra), owner->joinedAs},
                  policy);
    for (const proto::MemberInfo& member : m.members) {
        if (member.userid != m.owner) {
            room_->admit(Member{member.userid, writeJson(member.extra), member.joinedAs});
        }
    }
    if (!room_->contains(config_.userid)) {
        room_->admit(Member{config_.userid, writeJson(extra_), sendAs()});
    }
    stateChange("request-accepted", out);
    json members = json::array();
    for (const Member& member : room_->members()) {
        members.push_back(member.userid);
    }
    out.push_back(fireEvent(PageEvent::Joined, json{{"sessionid", m.envelope.room},
                                                    {"owner", m.owner},
                                                    {"members", members},
                                                    {"session", toString(m.session)},
                                                    {"direction", toString(m.direction)}}));
    connectAsNeeded(out);
}

void Engine::onJoinRefuse(const proto::JoinRefuse& m, Actions& out) {
    if (state_ != SessionState::Joining || !answersLastRequest(m.request) ||
        !fromOwner(m.envelope, "join-refuse", out)) {
        return;
    }
    endSession(SessionEvent::Refused, out);
    // The owner sends a code (and maybe words of its own, shown as they are).
    const Text reason = m.code == errorCodeName(ErrorCode::WrongPassword)
                            ? Text(TextId::WrongPasswordForRoom, {m.envelope.room})
                        : m.reason.empty()
                            ? Text(TextId::RoomRefusedJoin, {m.envelope.room, m.code})
                            : Text(TextId::Verbatim, {m.reason});
    stateChange("request-rejected", out, reason);
    out.push_back(fireEvent(PageEvent::OnError, json{{"code", m.code},
                                                     {"text", reason.toJson()},
                                                     {"userid", config_.userid},
                                                     {"sessionid", m.envelope.room}}));
}

void Engine::onMemberJoined(const proto::MemberJoined& m, Actions& out) {
    if (!room_ || !fromOwner(m.envelope, "member-joined", out) ||
        m.member.userid == config_.userid || room_->contains(m.member.userid)) {
        return;
    }
    heardLeaving_.erase(m.member.userid); // back
    room_->admit(Member{m.member.userid, writeJson(m.member.extra), m.member.joinedAs});
    out.push_back(fireEvent(
        PageEvent::OnUserStatusChanged,
        json{{"userid", m.member.userid}, {"status", "online"}, {"extra", m.member.extra}}));
}

void Engine::onMemberLeft(const proto::MemberLeft& m, std::uint64_t nowMs, Actions& out) {
    if (m.userid == config_.userid && ownerBySuccession_) {
        // The owner we took the room over from gave our link up too: it does not count us, and
        // its announcements are no reason to rejoin it (onAnnounce).
        rejoinedAfterTakeover_ = true;
        return;
    }
    if (m.userid == config_.userid && state_ == SessionState::Joined && room_ && !serverMode() &&
        fromOwner(m.envelope, "member-left", out)) {
        // The owner counts us out (it gave our link up) while we count ourselves in.
        droppedByOwner(nowMs, out);
        return;
    }
    if (!room_ || m.userid == config_.userid || !fromOwner(m.envelope, "member-left", out)) {
        return;
    }
    memberGone(m.userid, m.reason, std::nullopt, nowMs, out);
}

void Engine::onEject(const proto::Eject& m, Actions& out) {
    if (!room_ || !fromOwner(m.envelope, "eject", out)) {
        return;
    }
    json ownerExtra = memberExtra(m.envelope.from);
    endSession(SessionEvent::Ejected, out);
    stateChange("ejected", out, {TextId::EjectedByOwner, {m.envelope.from}});
    out.push_back(fireEvent(PageEvent::OnLeave, json{{"userid", m.envelope.from},
                                                     {"extra", ownerExtra},
                                                     {"ejected", true},
                                                     {"reason", "ejected"}}));
}

void Engine::onLeave(const proto::Leave& m, std::uint64_t nowMs, Actions& out) {
    const std::string& roomid = m.envelope.room;
    // Keep the list of announced rooms true for everyone on the channel.
    if (auto known = knownRooms_.find(roomid);
        known != knownRooms_.end() && known->second.owner == m.envelope.from) {
        // (A member of the room hears it below, once, with onEntireSessionClosed.)
        const bool inThatRoom = room_ && roomid == targetRoom_ && isActive(state_);
        if ((m.closeEntireSession || !m.successor) && !inThatRoom) {
            if (notifiedRooms_.erase(roomid)) {
                out.push_back(fireEvent(PageEvent::OnSessionClosed,
                                        json{{"sessionid", roomid},
                                             {"userid", m.envelope.from},
                                             {"extra", known->second.announce.extra}}));
            }
            knownRooms_.erase(known);
        } else if (m.successor) {
            known->second.owner = *m.successor;
        }
    }
    if (roomid != targetRoom_ || !room_ || !isActive(state_) || !room_->contains(m.envelope.from)) {
        return;
    }
    if (m.closeEntireSession && m.envelope.from == room_->owner()) {
        json ownerExtra = memberExtra(m.envelope.from);
        endSession(SessionEvent::SessionClosed, out);
        out.push_back(fireEvent(PageEvent::OnLeave, json{{"userid", m.envelope.from},
                                                         {"extra", ownerExtra},
                                                         {"entireSessionClosed", true},
                                                         {"reason", "left"}}));
        sessionClosed(m.envelope.from, ownerExtra, out);
        return;
    }
    if (!isOwner() && m.envelope.from != room_->owner()) {
        // Another member's own leave. Over pub/sub it can reach us after the owner's word that
        // the same user came back (member-joined of its next join): the owner's member-left,
        // which the owner sends in order with its member-joined, decides. Kept in case we become
        // the owner before it comes (memberGone).
        if (heardLeaving_.size() < proto::kMaxMembers) {
            heardLeaving_.insert(m.envelope.from);
        }
        return;
    }
    memberGone(m.envelope.from, proto::LeaveReason::Left, m.successor, nowMs, out);
}

void Engine::onExtraUpdated(const proto::ExtraUpdated& m, Actions& out) {
    if (!room_ || !room_->contains(m.envelope.from)) {
        return;
    }
    room_->updateExtra(m.envelope.from, writeJson(m.extra));
    out.push_back(fireEvent(PageEvent::OnExtraDataUpdated,
                            json{{"userid", m.envelope.from}, {"extra", m.extra}}));
}

void Engine::describeLink(const std::string& peer, proto::SessionDescription& message) {
    auto link = links_.find(peer);
    if (link == links_.end()) {
        return;
    }
    const std::string connection = sdpSessionId(message.sdp);
    if (!connection.empty()) {
        link->second.localConnection = connection;
    }
    if (message.sdpType == proto::SdpType::Offer) {
        link->second.madeOffer = true;
    }
    if (message.sdpType == proto::SdpType::Answer && !link->second.remoteConnection.empty()) {
        message.replyTo = link->second.remoteConnection;
    }
}

void Engine::onSessionDescription(const proto::SessionDescription& m, Actions& out) {
    const std::string& peer = m.envelope.from;
    const std::string connection = sdpSessionId(m.sdp);
    if (auto held = links_.find(peer); held != links_.end()) {
        Link& link = held->second;
        if (m.sdpType == proto::SdpType::Answer &&
            (!link.madeOffer ||
             (m.replyTo && !link.localConnection.empty() && *m.replyTo != link.localConnection))) {
            // We dialed again (redialIfNeverConnected, or a new link after rejoining) after the
            // peer had got our first offer: this answers the peer connection we closed (a link
            // that has sent no offer yet cannot take an answer); the answer to the new one
            // follows.
            link.droppingStale = true;
            return;
        }
        if (m.sdpType == proto::SdpType::Offer && !link.remoteConnection.empty() &&
            !connection.empty() && connection != link.remoteConnection) {
            // The peer dialed again with a new peer connection: ours belongs to its old one and
            // can never connect to the new one. Answer with a new connection of our own.
            unlink(peer, out);
        }
    }
    if (auto closed = closedConnections_.find(peer);
        !links_.count(peer) && closed != closedConnections_.end() && !connection.empty() &&
        closed->second == connection) {
        // An ICE restart of the connection we closed (we gave the link up as the peer tried
        // once more): answering it from a new connection could never work. The peer's restart
        // runs out and it gives the link up in turn (engine_recovery.cpp).
        return;
    }
    for (const proto::StreamInfo& stream : m.streams) {
        remoteStreamSessions_[stream.streamid] = toString(stream.session);
    }
    if (!links_.count(peer)) {
        const bool peerIsOwner = room_->owner() == peer;
        const bool wanted =
            shouldConnect(room_->policy().direction, peerIsOwner, room_->owner() == config_.userid);
        if (m.sdpType == proto::SdpType::Offer && !wanted) {
            // A new owner re-forming a star can dial us before its predecessor's leave reaches
            // us: the offer waits for the next change of owner (replayPendingSignals).
            keepForLater(peer, proto::encode(m));
            return;
        }
        if (m.sdpType != proto::SdpType::Offer || !wanted) {
            error(ErrorCode::InvalidState,
                  {TextId::UnexpectedDescription,
                   {m.sdpType == proto::SdpType::Offer ? "offer" : "answer", peer}},
                  out);
            return;
        }
        linkTo(*room_->find(peer), false, out);
    }
    Link& link = links_.at(peer);
    link.droppingStale = false;
    if (!connection.empty()) {
        link.remoteConnection = connection;
    }
    Action describe = peerAction(ActionKind::SetRemoteDescription, peer);
    describe.name = m.sdpType == proto::SdpType::Offer ? "offer" : "answer";
    describe.text = m.sdp;
    out.push_back(std::move(describe));
}

void Engine::onIceCandidate(const proto::IceCandidate& m, Actions& out) {
    auto link = links_.find(m.envelope.from);
    if (link == links_.end() || link->second.droppingStale) {
        return; // a late candidate for a link (or a peer connection of it) already closed
    }
    Action add = peerAction(ActionKind::AddIceCandidate, m.envelope.from);
    add.text = m.candidate.value_or("");
    add.name = m.sdpMid.value_or("");
    add.index = m.sdpMLineIndex ? static_cast<int>(*m.sdpMLineIndex) : -1;
    out.push_back(std::move(add));
}

void Engine::onMuteChanged(const proto::MuteChanged& m, Actions& out) {
    auto session = remoteStreamSessions_.find(m.streamid);
    const char* muteType = m.audio && m.video ? "both" : (m.audio ? "audio" : "video");
    out.push_back(fireEvent(m.muted ? PageEvent::OnMute : PageEvent::OnUnmute,
                            json{{"userid", m.envelope.from},
                                 {"extra", memberExtra(m.envelope.from)},
                                 {"streamid", m.streamid},
                                 {"session", session != remoteStreamSessions_.end()
                                                 ? session->second
                                                 : toString(room_->policy().session)},
                                 {m.muted ? "muteType" : "unmuteType", muteType},
                                 {"audio", m.audio},
                                 {"video", m.video},
                                 {"type", "remote"}}));
}

void Engine::onStreamEnded(const proto::StreamEnded& m, Actions& out) {
    out.push_back(fireEvent(PageEvent::OnStreamEnded, json{{"userid", m.envelope.from},
                                                           {"extra", memberExtra(m.envelope.from)},
                                                           {"streamid", m.streamid},
                                                           {"type", "remote"}}));
    remoteStreamSessions_.erase(m.streamid);
}

} // namespace rtcmc
