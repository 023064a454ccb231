// Engine: a link whose network path broke is restarted, not dropped (autoRedialOnFailure).
//
// The browser reports "disconnected" when ICE checks stop getting answers (often a short loss
// that heals by itself) and "failed" when ICE gave up. A disconnected link gets
// iceRestartDelayMs to come back; a failed one, or one still down after that, is restarted:
// new ICE credentials and candidates (fresh TURN allocations) negotiated through the same
// signaling, while the DTLS and SCTP sessions, so the media tracks and the data channel with
// any file in flight, carry on over the new path. The offerer restarts first (it is the
// impolite side of the negotiation, so its offer wins a glare); from the second attempt on
// both sides do, in case the offerer cannot tell its path broke. Each restart has
// iceRestartTimeoutMs to reconnect; after maxIceRestarts the peer is reported gone.
#include "engine/engine.hpp"

namespace rtcmc {

using nlohmann::json;

namespace {

const char* browserStateName(PeerState state) {
    switch (state) {
    case PeerState::Connecting:
        return "connecting";
    case PeerState::Connected:
        return "connected";
    case PeerState::Disconnected:
        return "disconnected";
    case PeerState::Failed:
        return "failed";
    case PeerState::Closed:
        return "closed";
    }
    return "";
}

} // namespace

void Engine::peerStateEvent(const std::string& peer, const char* state, PeerState browserState,
                            Actions& out) const {
    const auto link = links_.find(peer);
    out.push_back(fireEvent(PageEvent::OnPeerStateChanged,
                            json{{"userid", peer},
                                 {"extra", memberExtra(peer)},
                                 {"state", state},
                                 {"iceConnectionState", browserStateName(browserState)},
                                 {"attempt", link == links_.end() ? 0 : link->second.restarts},
                                 {"maxAttempts", config_.maxIceRestarts}}));
}

void Engine::linkUp(const std::string& peer, Actions& out) {
    Link& link = links_.at(peer);
    // Reported only after a restart: a short disconnection that healed by itself was never
    // reported either.
    const bool recovered = link.restarts != 0;
    link.downSince = 0;
    link.restartDeadline = 0;
    link.connectBy = 0;
    if (recovered) {
        peerStateEvent(peer, "reconnected", PeerState::Connected, out);
    }
    link.restarts = 0;
}

void Engine::linkDown(const std::string& peer, PeerState state, std::uint64_t nowMs, Actions& out) {
    Link& link = links_.at(peer);
    if (!config_.autoRedialOnFailure || config_.maxIceRestarts == 0) {
        giveUpLink(peer, nowMs, out);
        return;
    }
    if (link.restartDeadline != 0) {
        return; // a restart is under way: its deadline decides
    }
    if (link.downSince == 0) {
        link.downSince = nowMs;
    }
    if (state == PeerState::Failed) {
        restartLink(peer, state, nowMs, out);
        return;
    }
    // Disconnected: ICE may recover by itself; tick() restarts the link if it has not.
    out.push_back(scheduleTick(link.downSince + config_.iceRestartDelayMs));
}

void Engine::restartLink(const std::string& peer, PeerState state, std::uint64_t nowMs,
                         Actions& out) {
    Link& link = links_.at(peer);
    ++link.restarts;
    link.restartDeadline = nowMs + config_.iceRestartTimeoutMs;
    peerStateEvent(peer, "reconnecting", state, out);
    if (link.offerer || link.restarts > 1) {
        out.push_back(peerAction(ActionKind::RestartIce, peer));
    }
    out.push_back(scheduleTick(link.restartDeadline));
}

void Engine::giveUpLink(const std::string& peer, std::uint64_t nowMs, Actions& out) {
    const std::uint32_t restarts = links_.at(peer).restarts;
    if (restarts > 0) {
        peerStateEvent(peer, "failed", PeerState::Failed, out);
        out.push_back(
            fireEvent(PageEvent::OnError,
                      json{{"code", errorCodeName(ErrorCode::PeerConnectionFailed)},
                           {"text", Text(TextId::PeerConnectionLost, {peer, restarts}).toJson()},
                           {"userid", config_.userid},
                           {"remoteUserId", peer},
                           {"sessionid", targetRoom_}}));
    }
    // Whoever keeps the room says who left: the server (member-left, owner-changed), or over
    // pub/sub the owner. A broken link between two members is no departure: the owner may
    // still reach both. Only the owner counts a member gone, and a member its owner.
    const bool ownerDecides = !serverMode() && room_ && (isOwner() || room_->owner() == peer);
    if (!ownerDecides) {
        unlink(peer, out);
        return;
    }
    memberGone(peer, protocol::LeaveReason::Disconnected, std::nullopt, nowMs, out);
    replayPendingSignals(nowMs, out); // the room may have a new owner
}

std::uint64_t Engine::dropSilentMembers(std::uint64_t nowMs, Actions& out) {
    std::uint64_t next = 0;
    std::vector<std::string> silent;
    for (auto it = awaitingDial_.begin(); it != awaitingDial_.end();) {
        const bool settled =
            !isOwner() || !room_ || !room_->contains(it->first) || links_.count(it->first) != 0;
        if (settled) {
            it = awaitingDial_.erase(it);
            continue;
        }
        if (nowMs >= it->second) {
            silent.push_back(it->first);
            it = awaitingDial_.erase(it);
            continue;
        }
        next = next == 0 ? it->second : std::min(next, it->second);
        ++it;
    }
    for (const std::string& userid : silent) {
        if (isOwner() && room_ && room_->contains(userid)) {
            memberGone(userid, protocol::LeaveReason::Disconnected, std::nullopt, nowMs, out);
        }
    }
    if (ownerDialBy_ != 0) {
        const bool settled = serverMode() || !room_ || isOwner() ||
                             state_ != SessionState::Joined || links_.count(room_->owner()) != 0;
        if (settled) {
            ownerDialBy_ = 0;
        } else if (nowMs >= ownerDialBy_) {
            ownerDialBy_ = 0;
            memberGone(room_->owner(), protocol::LeaveReason::Disconnected, std::nullopt, nowMs,
                       out);
            replayPendingSignals(nowMs, out); // the room may have a new owner
        } else {
            next = next == 0 ? ownerDialBy_ : std::min(next, ownerDialBy_);
        }
    }
    return next;
}

std::uint64_t Engine::recoverLinks(std::uint64_t nowMs, Actions& out) {
    std::uint64_t next = 0;
    auto schedule = [&](std::uint64_t at) { next = next == 0 ? at : std::min(next, at); };
    // Collected first: giving up a link changes links_.
    std::vector<std::string> due;
    for (const auto& [peer, link] : links_) {
        const std::uint64_t at = link.restartDeadline != 0 ? link.restartDeadline
                                 : link.downSince != 0 ? link.downSince + config_.iceRestartDelayMs
                                                       : link.connectBy;
        if (at == 0) {
            continue;
        }
        if (nowMs >= at) {
            due.push_back(peer);
        } else {
            schedule(at);
        }
    }
    for (const std::string& peer : due) {
        auto link = links_.find(peer);
        if (link == links_.end()) {
            continue; // gone with an earlier one (a new owner re-formed the room)
        }
        if (!config_.autoRedialOnFailure || link->second.restarts >= config_.maxIceRestarts) {
            giveUpLink(peer, nowMs, out);
            continue;
        }
        const PeerState state = link->second.restartDeadline != 0 ? PeerState::Failed
                                : link->second.downSince != 0     ? PeerState::Disconnected
                                                                  : PeerState::Connecting;
        restartLink(peer, state, nowMs, out);
        schedule(links_.at(peer).restartDeadline);
    }
    return next;
}

} // namespace rtcmc
