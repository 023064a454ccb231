// Engine: the peer connections a member holds, and what happens when a member is gone.
#include "engine/engine.hpp"
#include "protocol/codec.hpp"

namespace rtcmc {

using nlohmann::json;
namespace proto = protocol;

// The room this side was in is closed by its owner: onSessionClosed (v1.8, the room is gone)
// and onEntireSessionClosed (v3, the session ended for everyone), both with the owner's
// {sessionid, userid, extra}; a room onNewSession offered is not reported twice.
void Engine::sessionClosed(const std::string& owner, const json& ownerExtra, Actions& out) {
    const json event{{"sessionid", targetRoom_}, {"userid", owner}, {"extra", ownerExtra}};
    notifiedRooms_.erase(targetRoom_);
    knownRooms_.erase(targetRoom_);
    out.push_back(fireEvent(PageEvent::OnSessionClosed, event));
    out.push_back(fireEvent(PageEvent::OnEntireSessionClosed, event));
}

json Engine::memberExtra(const std::string& userid) const {
    if (room_) {
        if (const Member* member = room_->find(userid)) {
            Result<json> extra = proto::parseExtra(member->extra);
            if (extra) {
                return extra.value();
            }
        }
    }
    return json::object();
}

void Engine::linkTo(const Member& member, bool offerer, Actions& out) {
    linkWith(member.userid, offerer, room_->owner(), room_->policy(), out);
}

// A link planned from a room's policy and owner: room_'s once joined, the known room's when
// the owner is dialed together with join-room (dialKnownOwner).
void Engine::linkWith(const std::string& peer, bool offerer, const std::string& owner,
                      const RoomPolicy& policy, Actions& out) {
    const bool selfIsOwner = owner == config_.userid;
    MediaPlan plan = planMedia(policy.direction, policy.session, sendAs(), selfIsOwner);
    if (policy.sfu) {
        // The media goes through the SFU; the link carries the data channel only, and a room
        // without data needs no link at all (connectAsNeeded).
        plan = MediaPlan{};
        plan.data = true;
    }
    // Media added during the session (addStream, a shared part of the screen) goes to links
    // made later too, where this side may send at all.
    const bool maySend = selfIsOwner || policy.direction != Direction::OneWay;
    if (maySend) {
        for (const auto& [streamid, carries] : localStreams_) {
            plan.sendAudio |= carries.audio;
            plan.sendVideo |= carries.video;
            plan.sendScreen |= carries.screen;
        }
    }
    Link& link = links_[peer] = Link{plan, offerer, false, false};
    // The first connection gets the delay and two restart timeouts (gathering, TURN, a busy
    // signaling server); past that it is restarted as a failed one would be.
    link.connectBy = now_ + config_.iceRestartDelayMs + 2ull * config_.iceRestartTimeoutMs;
    out.push_back(scheduleTick(link.connectBy));
    // The offerer is impolite in the perfect-negotiation sense: on glare its offer wins.
    Action create = peerAction(ActionKind::CreatePeer, peer);
    create.offerer = offerer;
    create.media.audio = plan.sendAudio;
    create.media.video = plan.sendVideo;
    create.media.screen = plan.sendScreen;
    // sdpConstraints may ask for media the room does not share yet, or refuse it.
    create.receive.audio =
        config_.offerToReceiveAudio < 0 ? plan.receiveAudio : config_.offerToReceiveAudio > 0;
    create.receive.video =
        config_.offerToReceiveVideo < 0 ? plan.receiveVideo : config_.offerToReceiveVideo > 0;
    create.data = plan.data;
    create.name = relayOnly() ? "relay" : "all";
    create.trickle = config_.trickleIce;
    out.push_back(std::move(create));
}

void Engine::unlink(const std::string& peer, Actions& out) {
    auto link = links_.find(peer);
    if (link == links_.end()) {
        return;
    }
    if (link->second.dataOpen) {
        out.push_back(
            fireEvent(PageEvent::OnClose, json{{"userid", peer}, {"extra", memberExtra(peer)}}));
    }
    if (!link->second.remoteConnection.empty()) {
        // One entry per peer we ever linked with in this session: bounded like a room's member
        // list, so that peers coming and going under new names cannot grow it without end.
        if (closedConnections_.size() >= proto::kMaxMembers && !closedConnections_.count(peer)) {
            closedConnections_.erase(closedConnections_.begin());
        }
        closedConnections_[peer] = link->second.remoteConnection;
    }
    links_.erase(link);
    out.push_back(peerAction(ActionKind::ClosePeer, peer));
}

// The newcomer (or a new owner) dials every member the direction says it should reach; the
// other side answers. One side always offers, so links never start in glare.
void Engine::connectAsNeeded(Actions& out) {
    const bool selfIsOwner = room_->owner() == config_.userid;
    for (const Member& member : room_->members()) {
        if (member.userid == config_.userid || links_.count(member.userid)) {
            continue;
        }
        if (room_->policy().sfu && !room_->policy().session.data) {
            continue;
        }
        if (shouldConnect(room_->policy().direction, room_->owner() == member.userid,
                          selfIsOwner)) {
            linkTo(member, true, out);
        }
    }
}

// One signaling leg fewer on the join path (the setup goal of issue 13): over our server the
// owner that the room list or check-presence named is dialed together with join-room, not a
// round trip later. The server handles one client's requests in order and relays only between
// members of a room (server/serial-queue.js, relay), so the offer reaches the owner after the
// member-joined that admits us, and never when the join is refused: that ends the session and
// the link with it (endSession).
void Engine::dialKnownOwner(Actions& out) {
    auto known = knownRooms_.find(targetRoom_);
    if (!serverMode() || known == knownRooms_.end() || known->second.full ||
        known->second.owner == config_.userid || links_.count(known->second.owner)) {
        return;
    }
    RoomPolicy policy;
    policy.session = known->second.announce.session;
    policy.direction = effectiveDirection(known->second.announce.direction, policy.session);
    policy.sfu = known->second.sfu;
    if ((policy.sfu && !policy.session.data) || !shouldConnect(policy.direction, true, false)) {
        return;
    }
    earlyDial_ = EarlyDial{known->second.owner, policy};
    linkWith(known->second.owner, true, known->second.owner, policy, out);
}

// The room join-room answered with is the truth: a link dialed early that it would not have
// made (the owner changed, or the room's media or direction did since it was listed) is
// closed, and connectAsNeeded makes the right ones.
void Engine::keepEarlyDialIfStillRight(Actions& out) {
    if (!earlyDial_) {
        return;
    }
    const EarlyDial dialed = *earlyDial_;
    earlyDial_.reset();
    const RoomPolicy& now = room_->policy();
    const bool same = room_->owner() == dialed.owner && now.session == dialed.policy.session &&
                      now.direction == dialed.policy.direction && now.sfu == dialed.policy.sfu;
    if (!same) {
        unlink(dialed.owner, out);
    }
}

void Engine::memberGone(const std::string& userid, proto::LeaveReason reason,
                        const std::optional<std::string>& successor, std::uint64_t nowMs,
                        Actions& out) {
    heardLeaving_.erase(userid);
    if (!room_ || !room_->contains(userid)) {
        unlink(userid, out);
        return;
    }
    const json extra = memberExtra(userid);
    Result<LeaveOutcome> removed = room_->remove(userid);
    if (!removed) {
        return;
    }
    LeaveOutcome outcome = removed.value();
    // The leaving owner names its successor; trust it when it is still a member.
    if (outcome.newOwner && successor && *successor != *outcome.newOwner &&
        room_->contains(*successor)) {
        room_->setOwner(*successor);
        outcome.newOwner = successor;
    }
    // A member we heard leaving is gone, only not yet confirmed by the owner that just vanished
    // (it never will be): ownership passes over it to the next member in join order, which at
    // worst is this page.
    if (outcome.newOwner && heardLeaving_.count(*outcome.newOwner)) {
        for (const Member& member : room_->members()) {
            if (!heardLeaving_.count(member.userid)) {
                room_->setOwner(member.userid);
                outcome.newOwner = member.userid;
                break;
            }
        }
    }
    unlink(userid, out);
    out.push_back(
        fireEvent(PageEvent::OnLeave, json{{"userid", userid},
                                           {"extra", extra},
                                           {"ejected", reason == proto::LeaveReason::Ejected},
                                           {"reason", proto::toString(reason)}}));
    if (reason != proto::LeaveReason::Ejected) {
        out.push_back(fireEvent(PageEvent::OnUserStatusChanged,
                                json{{"userid", userid}, {"status", "offline"}, {"extra", extra}}));
    }
    if (serverMode()) {
        return; // the server says who owns the room (owner-changed) and when it closes
    }
    if (outcome.closed) {
        // The owner vanished from a room opened with autoCloseEntireSession.
        endSession(SessionEvent::SessionClosed, out);
        sessionClosed(userid, extra, out);
        return;
    }
    if (isOwner() && reason != proto::LeaveReason::Ejected) {
        // Tell members who may not have noticed: they hold no link with a vanished member, or
        // read a member's own leave before the member-joined that counted it in.
        out.push_back(signal("", proto::MemberLeft{envelope(), userid, reason}));
    }
    if (outcome.newOwner) {
        out.push_back(fireEvent(PageEvent::OwnerChanged,
                                json{{"sessionid", targetRoom_}, {"owner", *outcome.newOwner}}));
        if (*outcome.newOwner == config_.userid) {
            transition(SessionEvent::BecameOwner, out);
            ownerBySuccession_ = true;
            announce(out, std::nullopt);
            nextAnnounceAt_ = nowMs + config_.announceIntervalMs;
            out.push_back(scheduleTick(nextAnnounceAt_));
            // In a star (one-to-many, one-way) the members were linked to the old owner only.
            connectAsNeeded(out);
            // Members we heard leaving whose departure the old owner never confirmed: ours to
            // tell now.
            const std::set<std::string> leaving = heardLeaving_;
            for (const std::string& gone : leaving) {
                memberGone(gone, proto::LeaveReason::Left, std::nullopt, nowMs, out);
            }
        } else if (!serverMode() && !links_.count(*outcome.newOwner) &&
                   shouldConnect(room_->policy().direction, true, false)) {
            // The new owner dials the members it lacks a link with (connectAsNeeded); one that
            // never does is gone (dropSilentMembers).
            ownerDialBy_ = nowMs + config_.iceRestartDelayMs + 2ull * config_.iceRestartTimeoutMs;
            out.push_back(scheduleTick(ownerDialBy_));
        }
    }
}

} // namespace rtcmc
