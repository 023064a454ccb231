// Engine: the peer connections a member holds, and what happens when a member is gone.
#include "engine/engine.hpp"
#include "protocol/codec.hpp"

namespace rtcmc {

using nlohmann::json;
namespace proto = protocol;

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
    const bool selfIsOwner = room_->owner() == config_.userid;
    const MediaPlan plan =
        planMedia(room_->policy().direction, room_->policy().session, sendAs(), selfIsOwner);
    links_[member.userid] = Link{plan, offerer, false, false};
    Result<json> extra = proto::parseExtra(member.extra);
    // The offerer is impolite in the perfect-negotiation sense: on glare its offer wins.
    out.push_back(peerAction(
        ActionKind::CreatePeer, member.userid,
        json{{"offerer", offerer},
             {"polite", !offerer},
             {"send",
              {{"audio", plan.sendAudio}, {"video", plan.sendVideo}, {"screen", plan.sendScreen}}},
             {"receive", {{"audio", plan.receiveAudio}, {"video", plan.receiveVideo}}},
             {"data", plan.data},
             {"extra", extra ? extra.value() : json::object()},
             {"isOwner", room_->owner() == member.userid}}));
}

void Engine::unlink(const std::string& peer, Actions& out) {
    auto link = links_.find(peer);
    if (link == links_.end()) {
        return;
    }
    if (link->second.dataOpen) {
        out.push_back(fireEvent("onclose", json{{"userid", peer}, {"extra", memberExtra(peer)}}));
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
        if (shouldConnect(room_->policy().direction, room_->owner() == member.userid,
                          selfIsOwner)) {
            linkTo(member, true, out);
        }
    }
}

void Engine::memberGone(const std::string& userid, proto::LeaveReason reason,
                        const std::optional<std::string>& successor, std::uint64_t nowMs,
                        Actions& out) {
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
    unlink(userid, out);
    out.push_back(fireEvent("onleave", json{{"userid", userid},
                                            {"extra", extra},
                                            {"ejected", reason == proto::LeaveReason::Ejected},
                                            {"reason", proto::toString(reason)}}));
    if (reason != proto::LeaveReason::Ejected) {
        out.push_back(fireEvent("onUserStatusChanged",
                                json{{"userid", userid}, {"status", "offline"}, {"extra", extra}}));
    }
    if (serverMode()) {
        return; // the server says who owns the room (owner-changed) and when it closes
    }
    if (outcome.closed) {
        // The owner vanished from a room opened with autoCloseEntireSession.
        Actions ended = endSession(state_);
        out.insert(out.end(), ended.begin(), ended.end());
        transition(SessionEvent::SessionClosed, out);
        out.push_back(
            fireEvent("onEntireSessionClosed",
                      json{{"sessionid", targetRoom_}, {"userid", userid}, {"extra", extra}}));
        return;
    }
    if (isOwner() && reason != proto::LeaveReason::Ejected) {
        // Tell members who may not have noticed: they hold no link with a vanished member, or
        // read a member's own leave before the member-joined that counted it in.
        out.push_back(sendSignal("", proto::encode(proto::MemberLeft{envelope(), userid, reason})));
    }
    if (outcome.newOwner) {
        out.push_back(fireEvent("_ownerChanged",
                                json{{"sessionid", targetRoom_}, {"owner", *outcome.newOwner}}));
        if (*outcome.newOwner == config_.userid) {
            transition(SessionEvent::BecameOwner, out);
            announce(out, std::nullopt);
            nextAnnounceAt_ = nowMs + config_.announceIntervalMs;
            out.push_back(
                Action{ActionKind::ScheduleTick, {}, {}, json{{"at", nextAnnounceAt_}}.dump()});
            // In a star (one-to-many, one-way) the members were linked to the old owner only.
            connectAsNeeded(out);
        }
    }
}

} // namespace rtcmc
