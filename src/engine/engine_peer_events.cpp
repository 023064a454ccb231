// Engine: what the browser reports about local media and peer connections.
#include "common/json_text.hpp"
#include "common/utf8.hpp"
#include "engine/engine.hpp"
#include "protocol/codec.hpp"
#include "protocol/field_reader.hpp"

namespace rtcmc {

using nlohmann::json;
namespace proto = protocol;

Actions Engine::localMediaReady(std::uint64_t nowMs) {
    noteTime(nowMs);
    Actions out;
    if (!mediaRequested_) {
        return out; // a late answer for a session that already ended
    }
    mediaRequested_ = false;
    mediaReady_ = true;
    stateChange("usermedia-fetched", out);
    if (state_ == SessionState::Opening) {
        Actions opened = becomeOpen(nowMs);
        out.insert(out.end(), opened.begin(), opened.end());
    } else if (state_ == SessionState::Joining && !joinRequested_ &&
               knownRooms_.count(targetRoom_)) {
        Actions requested = sendJoinRequest(nowMs);
        out.insert(out.end(), requested.begin(), requested.end());
    }
    return out;
}

Actions Engine::localMediaFailed(const std::string& reason) {
    Actions out;
    if (!mediaRequested_ || (state_ != SessionState::Opening && state_ != SessionState::Joining)) {
        return out;
    }
    endSession(SessionEvent::MediaFailed, out);
    stateChange("failed", out, {TextId::Verbatim, {reason}});
    return out;
}

Actions Engine::peerStateChanged(const std::string& peer, PeerState state, std::uint64_t nowMs) {
    noteTime(nowMs);
    Actions out;
    auto link = links_.find(peer);
    if (link == links_.end()) {
        return out; // a late event for a link already closed
    }
    switch (state) {
    case PeerState::Connected:
        if (!link->second.connected) {
            link->second.connected = true;
            if (room_ && room_->owner() == peer) {
                stateChange("connected-with-initiator", out);
            }
        }
        linkUp(peer, out);
        break;
    case PeerState::Failed:
    case PeerState::Disconnected:
        // engine_recovery.cpp: ICE restarts, or the peer is given up.
        linkDown(peer, state, nowMs, out);
        break;
    case PeerState::Closed:
        giveUpLink(peer, nowMs, out);
        break;
    case PeerState::Connecting:
        break;
    }
    return out;
}

Actions Engine::dataChannelOpened(const std::string& peer) {
    Actions out;
    auto link = links_.find(peer);
    if (link == links_.end() || link->second.dataOpen) {
        return out;
    }
    link->second.dataOpen = true;
    out.push_back(
        fireEvent(PageEvent::OnOpen, json{{"userid", peer}, {"extra", memberExtra(peer)}}));
    return out;
}

Actions Engine::dataChannelClosed(const std::string& peer) {
    Actions out;
    auto link = links_.find(peer);
    if (link == links_.end() || !link->second.dataOpen) {
        return out;
    }
    link->second.dataOpen = false;
    out.push_back(
        fireEvent(PageEvent::OnClose, json{{"userid", peer}, {"extra", memberExtra(peer)}}));
    return out;
}

void Engine::localStreamAdded(const std::string& streamid, const SessionType& carries) {
    if (proto::idProblem(streamid) || localStreams_.size() >= proto::kMaxStreams) {
        return; // not something we could describe to others
    }
    SessionType media = carries;
    media.data = false;
    localStreams_[streamid] = media;
}

Actions Engine::localDescription(const std::string& peer, const std::string& type,
                                 const std::string& sdp) {
    Actions out;
    if (!links_.count(peer)) {
        return out;
    }
    proto::SessionDescription message;
    message.envelope = envelope(peer);
    if (type == "offer") {
        message.sdpType = proto::SdpType::Offer;
    } else if (type == "answer") {
        message.sdpType = proto::SdpType::Answer;
    } else {
        error(ErrorCode::InvalidArgument, {TextId::LocalDescriptionUnknownType, {type}}, out);
        return out;
    }
    if (sdp.size() > proto::kMaxSdpBytes) {
        error(ErrorCode::InvalidArgument, {TextId::LocalDescriptionTooLarge}, out);
        return out;
    }
    // Sent as is or not at all: the encoder would put U+FFFD (3 bytes) for each invalid byte,
    // which changes the description and can take it past the limit the receiver checks.
    if (!isValidUtf8(sdp)) {
        error(ErrorCode::InvalidArgument, {TextId::LocalDescriptionNotUtf8}, out);
        return out;
    }
    message.sdp = sdp;
    for (const auto& [streamid, carries] : localStreams_) {
        message.streams.push_back(proto::StreamInfo{streamid, carries});
    }
    describeLink(peer, message);
    out.push_back(signal(peer, message));
    return out;
}

// The kind of a candidate line ("... typ host ..." per RFC 8839 section 5.1) against the
// configured kinds: host, reflexive (srflx, prflx) or relay.
bool Engine::candidateAllowed(const std::string& candidate) const {
    const std::size_t typ = candidate.find(" typ ");
    if (typ == std::string::npos) {
        return true; // not a kind we can tell: let the browser decide
    }
    const std::string_view rest = std::string_view(candidate).substr(typ + 5);
    const std::string_view kind = rest.substr(0, rest.find(' '));
    if (kind == "host") {
        return config_.candidateHost;
    }
    if (kind == "srflx" || kind == "prflx") {
        return config_.candidateReflexive;
    }
    if (kind == "relay") {
        return config_.candidateRelay;
    }
    return true;
}

Actions Engine::localCandidate(const std::string& peer, const std::string& candidate,
                               const std::string& sdpMid, int sdpMLineIndex) {
    Actions out;
    if (!links_.count(peer)) {
        return out;
    }
    if (candidate.size() > proto::kMaxCandidateBytes || sdpMid.size() > 64 ||
        sdpMLineIndex > 1024) {
        error(ErrorCode::InvalidArgument, {TextId::LocalCandidateTooLarge}, out);
        return out;
    }
    if (!isValidUtf8(candidate) || !isValidUtf8(sdpMid)) {
        error(ErrorCode::InvalidArgument, {TextId::LocalCandidateNotUtf8}, out);
        return out;
    }
    // Without trickle the descriptions carry the candidates; the kinds left out by
    // `candidates` never leave this side.
    if (!config_.trickleIce || (!candidate.empty() && !candidateAllowed(candidate))) {
        return out;
    }
    proto::IceCandidate message;
    message.envelope = envelope(peer);
    if (!candidate.empty()) {
        message.candidate = candidate;
    }
    if (!sdpMid.empty()) {
        message.sdpMid = sdpMid;
    }
    if (sdpMLineIndex >= 0) {
        message.sdpMLineIndex = static_cast<std::uint32_t>(sdpMLineIndex);
    }
    out.push_back(signal(peer, message));
    return out;
}

Actions Engine::remoteStreamAdded(const std::string& peer, const std::string& streamid) {
    Actions out;
    if (!room_ || !sendsMediaToUs(peer)) {
        return out;
    }
    auto session = remoteStreamSessions_.find(streamid);
    const std::string sessionName = session != remoteStreamSessions_.end()
                                        ? session->second
                                        : toString(room_->policy().session);
    out.push_back(
        fireEvent(PageEvent::OnStream, json{{"type", "remote"},
                                            {"userid", peer},
                                            {"extra", memberExtra(peer)},
                                            {"streamid", streamid},
                                            {"session", sessionName},
                                            {"direction", toString(room_->policy().direction)},
                                            {"isInitiator", room_->owner() == peer}}));
    return out;
}

Actions Engine::remoteStreamRemoved(const std::string& peer, const std::string& streamid) {
    Actions out;
    if (!room_ || !sendsMediaToUs(peer)) {
        return out;
    }
    out.push_back(fireEvent(PageEvent::OnStreamEnded, json{{"type", "remote"},
                                                           {"userid", peer},
                                                           {"extra", memberExtra(peer)},
                                                           {"streamid", streamid}}));
    return out;
}

} // namespace rtcmc
