// Engine: what the browser reports about local media and peer connections.
#include "common/json_text.hpp"
#include "engine/engine.hpp"
#include "protocol/codec.hpp"
#include "protocol/field_reader.hpp"

namespace rtcmc {

using nlohmann::json;
namespace proto = protocol;

Actions Engine::localMediaReady(std::uint64_t nowMs) {
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
    Actions ended = endSession(state_);
    out.insert(out.end(), ended.begin(), ended.end());
    transition(SessionEvent::MediaFailed, out);
    stateChange("failed", out, {TextId::Verbatim, {reason}});
    return out;
}

Actions Engine::peerStateChanged(const std::string& peer, PeerState state, std::uint64_t nowMs) {
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
        break;
    case PeerState::Failed:
    case PeerState::Closed:
        if (serverMode()) {
            // The server says who left (member-left, owner-changed): a closed connection is no
            // departure, and handing the room over here would race the server's word.
            unlink(peer, out);
            break;
        }
        memberGone(peer, proto::LeaveReason::Disconnected, std::nullopt, nowMs, out);
        replayPendingSignals(nowMs, out); // the room may have a new owner
        break;
    case PeerState::Connecting:
    case PeerState::Disconnected: // transient: ICE may recover on its own
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
    out.push_back(fireEvent("onopen", json{{"userid", peer}, {"extra", memberExtra(peer)}}));
    return out;
}

Actions Engine::dataChannelClosed(const std::string& peer) {
    Actions out;
    auto link = links_.find(peer);
    if (link == links_.end() || !link->second.dataOpen) {
        return out;
    }
    link->second.dataOpen = false;
    out.push_back(fireEvent("onclose", json{{"userid", peer}, {"extra", memberExtra(peer)}}));
    return out;
}

Actions Engine::localDescription(const std::string& peer, const std::string& type,
                                 const std::string& sdp, const std::string& streamsJson) {
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
    message.sdp = sdp;
    json streams =
        parseJson(streamsJson.empty() ? std::string_view("[]") : std::string_view(streamsJson));
    if (streams.is_array()) {
        for (const json& value : streams) {
            if (!value.is_object() || message.streams.size() >= proto::kMaxStreams) {
                continue;
            }
            proto::FieldReader reader(value, "sdp");
            proto::StreamInfo info{reader.id("streamid"), reader.session("session", {})};
            if (reader.ok()) {
                message.streams.push_back(std::move(info));
            }
        }
    }
    out.push_back(sendSignal(peer, proto::encode(message)));
    return out;
}

Actions Engine::localCandidate(const std::string& peer, const std::string& candidateJson) {
    Actions out;
    if (!links_.count(peer)) {
        return out;
    }
    json value =
        parseJson(candidateJson.empty() ? std::string_view("{}") : std::string_view(candidateJson));
    if (!value.is_object()) {
        error(ErrorCode::InvalidArgument, {TextId::LocalCandidateNotObject}, out);
        return out;
    }
    proto::FieldReader reader(value, "candidate");
    proto::IceCandidate message;
    message.envelope = envelope(peer);
    message.candidate = reader.optionalText("candidate", proto::kMaxCandidateBytes);
    message.sdpMid = reader.optionalText("sdpMid", 64);
    message.sdpMLineIndex = reader.optionalCount("sdpMLineIndex", 1024);
    if (!reader.ok()) {
        error(ErrorCode::InvalidArgument, reader.error().text, out);
        return out;
    }
    out.push_back(sendSignal(peer, proto::encode(message)));
    return out;
}

Actions Engine::remoteStreamAdded(const std::string& peer, const std::string& streamid) {
    Actions out;
    if (!links_.count(peer) || !room_) {
        return out;
    }
    auto session = remoteStreamSessions_.find(streamid);
    const std::string sessionName = session != remoteStreamSessions_.end()
                                        ? session->second
                                        : toString(room_->policy().session);
    out.push_back(fireEvent("onstream", json{{"type", "remote"},
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
    if (!links_.count(peer)) {
        return out;
    }
    out.push_back(fireEvent("onstreamended", json{{"type", "remote"},
                                                  {"userid", peer},
                                                  {"extra", memberExtra(peer)},
                                                  {"streamid", streamid}}));
    return out;
}

} // namespace rtcmc
