#include "engine_checks.hpp"

#include <algorithm>

#include "common/text.hpp"
#include "protocol/codec.hpp"

namespace rtcmc::fuzz {

using nlohmann::json;

namespace {

json parsed(const std::string& text) {
    return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

std::optional<std::string> signalProblem(const Engine& engine, const Action& action) {
    Result<protocol::Message> decoded = protocol::decode(action.payload);
    if (!decoded) {
        return "the engine sent a signal its own decoder refuses (" +
               describe(decoded.error().text) + "): " + action.payload;
    }
    const protocol::Envelope& envelope = protocol::envelopeOf(decoded.value());
    if (envelope.from != engine.config().userid) {
        return "a signal sent as '" + envelope.from + "': " + action.payload;
    }
    if (!action.peer.empty() && envelope.to != action.peer) {
        return "a signal for '" + action.peer + "' addressed otherwise: " + action.payload;
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> actionProblem(const Engine& engine, const Actions& actions) {
    for (const Action& action : actions) {
        const json payload = parsed(action.payload);
        const std::string kind = toString(action.kind);
        if (payload.is_discarded()) {
            return kind + " with a payload that is not JSON: " + action.payload;
        }
        switch (action.kind) {
        case ActionKind::SendSignal:
            if (auto problem = signalProblem(engine, action)) {
                return problem;
            }
            break;
        case ActionKind::ScheduleTick:
            if (!payload.is_object() || !payload.contains("at") ||
                !payload["at"].is_number_unsigned()) {
                return "schedule-tick without a time: " + action.payload;
            }
            break;
        case ActionKind::CreatePeer:
            if (action.peer.empty() || !payload.is_object() || !payload.contains("offerer") ||
                !payload["offerer"].is_boolean() || !payload.contains("data") ||
                !payload["data"].is_boolean()) {
                return "create-peer the driver cannot carry out: " + action.payload;
            }
            break;
        case ActionKind::ClosePeer:
        case ActionKind::SetRemoteDescription:
        case ActionKind::AddIceCandidate:
            if (action.peer.empty() || !payload.is_object()) {
                return kind + " without a peer or object: " + action.payload;
            }
            break;
        case ActionKind::FireEvent:
        case ActionKind::ServerRequest:
            if (action.name.empty() || !payload.is_object()) {
                return kind + " without a name or object payload: " + action.payload;
            }
            break;
        case ActionKind::CaptureMedia:
        case ActionKind::StopLocalMedia:
            if (!payload.is_object()) {
                return kind + " with a payload that is not an object: " + action.payload;
            }
            break;
        }
    }
    return std::nullopt;
}

std::optional<std::string> coherenceProblem(const Engine& engine) {
    const std::string& self = engine.config().userid;
    const std::optional<Room>& room = engine.room();
    const std::vector<std::string> links = engine.linkedPeers();
    switch (engine.state()) {
    case SessionState::Open:
        if (!room || room->owner() != self || !room->contains(self)) {
            return "open, but not the owner of a room it is in: " + describeEngine(engine);
        }
        break;
    case SessionState::Opening:
        if (!room || room->owner() != self || !links.empty()) {
            return "opening without its own room, or already linked: " + describeEngine(engine);
        }
        break;
    case SessionState::Joined:
        if (!room || !room->contains(self) || room->owner() == self) {
            return "joined, but not a member of someone else's room: " + describeEngine(engine);
        }
        break;
    case SessionState::Searching:
    case SessionState::Joining:
    case SessionState::Idle:
    case SessionState::Left:
    case SessionState::Ejected:
    case SessionState::Closed:
        if (room || !links.empty()) {
            return std::string(toString(engine.state())) +
                   " yet holding a room or a peer link: " + describeEngine(engine);
        }
        break;
    }
    for (const std::string& peer : links) {
        if (peer == self || !room || !room->contains(peer)) {
            return "a link to '" + peer + "', who is not a member: " + describeEngine(engine);
        }
    }
    return std::nullopt;
}

std::optional<std::string> illegalTransition(const Actions& actions) {
    for (const Action& action : actions) {
        if (action.kind != ActionKind::FireEvent || action.name != "onerror") {
            continue;
        }
        const json payload = parsed(action.payload);
        if (!payload.is_object() || !payload.contains("text") || !payload["text"].is_array()) {
            continue;
        }
        for (const json& part : payload["text"]) {
            if (part.is_array() && part.size() == 3 && part[0].is_number_unsigned() &&
                part[0].get<unsigned>() == static_cast<unsigned>(TextId::IllegalTransition)) {
                return part[1].get<std::string>() + " --" + part[2].get<std::string>() + "-->";
            }
        }
    }
    return std::nullopt;
}

std::string describeEngine(const Engine& engine) {
    std::string out = engine.config().userid + " " + toString(engine.state());
    if (const std::optional<Room>& room = engine.room()) {
        out += " room " + room->id() + " owner " + room->owner() + " members [";
        for (const Member& member : room->members()) {
            out += (out.back() == '[' ? "" : ",") + member.userid;
        }
        out += "]";
    }
    out += " links [";
    for (const std::string& peer : engine.linkedPeers()) {
        out += (out.back() == '[' ? "" : ",") + peer;
    }
    return out + "]";
}

} // namespace rtcmc::fuzz
