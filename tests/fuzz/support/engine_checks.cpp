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
    Result<protocol::Message> decoded = protocol::decode(action.text);
    if (!decoded) {
        return "the engine sent a signal its own decoder refuses (" +
               describe(decoded.error().text) + "): " + action.text;
    }
    const protocol::Envelope& envelope = protocol::envelopeOf(decoded.value());
    if (envelope.from != engine.config().userid) {
        return "a signal sent as '" + envelope.from + "': " + action.text;
    }
    if (!action.peer.empty() && envelope.to != action.peer) {
        return "a signal for '" + action.peer + "' addressed otherwise: " + action.text;
    }
    // Our server relays a signal inside the room the action names only.
    if (action.name != envelope.room) {
        return "a signal of room '" + envelope.room + "' relayed in '" + action.name +
               "': " + action.text;
    }
    return std::nullopt;
}

bool isOneOf(const std::string& value, std::initializer_list<const char*> names) {
    return std::any_of(names.begin(), names.end(), [&](const char* name) { return value == name; });
}

} // namespace

std::optional<std::string> actionProblem(const Engine& engine, const Actions& actions) {
    for (const Action& action : actions) {
        const std::string kind = toString(action.kind);
        switch (action.kind) {
        case ActionKind::SendSignal:
            if (auto problem = signalProblem(engine, action)) {
                return problem;
            }
            break;
        case ActionKind::ServerRequest:
            // The channel sends JSON.parse(text) as the request's body.
            if (action.name.empty() || !parsed(action.text).is_object()) {
                return kind + " without a name or an object body: " + action.name + " " +
                       action.text;
            }
            break;
        case ActionKind::FireEvent:
            // The facade fires JSON.parse(text) at the page callback the event names.
            if (action.event == PageEvent::None || !parsed(action.text).is_object()) {
                return kind + " without an event or an object argument: " + toString(action.event) +
                       " " + action.text;
            }
            break;
        case ActionKind::CaptureMedia:
            if (!isOneOf(action.name, {"open", "join", "add"})) {
                return kind + " for no known purpose: '" + action.name + "'";
            }
            break;
        case ActionKind::CreatePeer:
            if (action.peer.empty() || !isOneOf(action.name, {"all", "relay"})) {
                return kind + " the driver cannot carry out: peer '" + action.peer +
                       "', ICE transport policy '" + action.name + "'";
            }
            break;
        case ActionKind::SetRemoteDescription:
            if (action.peer.empty() || !isOneOf(action.name, {"offer", "answer"})) {
                return kind + " without a peer or type: '" + action.peer + "' '" + action.name +
                       "'";
            }
            break;
        case ActionKind::ClosePeer:
        case ActionKind::RestartIce:
        case ActionKind::AddIceCandidate:
            if (action.peer.empty()) {
                return kind + " without a peer";
            }
            break;
        case ActionKind::ScheduleTick:
            if (!(action.at >= 0)) {
                return kind + " without a time";
            }
            break;
        case ActionKind::StopLocalMedia:
        case ActionKind::LeaveSfu:
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
    case SessionState::Joining: {
        // Over our server the owner it knows is dialed together with join-room: that one link,
        // and no room yet.
        const std::optional<std::string> dialed = engine.dialedWithJoin();
        const bool onlyTheDialedOwner =
            links.empty() || (dialed && links == std::vector<std::string>{*dialed});
        if (room || !onlyTheDialedOwner) {
            return "joining yet holding a room or a peer link other than the owner it dialed "
                   "with join-room: " +
                   describeEngine(engine);
        }
        return std::nullopt;
    }
    case SessionState::Searching:
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
        if (action.kind != ActionKind::FireEvent || action.event != PageEvent::OnError) {
            continue;
        }
        const json payload = parsed(action.text);
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
