#include "engine_prelude.hpp"

#include <nlohmann/json.hpp>

#include "protocol/codec.hpp"

namespace rtcmc::fuzz {

using nlohmann::json;
namespace proto = protocol;

namespace {

constexpr Direction kDirections[] = {Direction::ManyToMany, Direction::OneToMany,
                                     Direction::OneToOne, Direction::OneWay};

EngineConfig configFor(std::uint8_t selector) {
    EngineConfig config;
    config.userid = "me";
    config.authority = (selector & 1) ? RoomAuthority::Server : RoomAuthority::Owner;
    config.direction = kDirections[(selector >> 4) & 3];
    config.autoCloseEntireSession = (selector & 0x40) != 0;
    config.password = (selector & 0x80) ? "pw" : "";
    return config;
}

proto::Envelope from(const std::string& sender, const std::optional<std::string>& to = "me") {
    return proto::Envelope{"room", sender, to};
}

// A room as the server shows it (docs/server.md, RoomView and PublicRoomView in one).
json serverRoom(const std::string& owner, const std::vector<std::string>& members,
                const EngineConfig& config) {
    json list = json::array();
    for (const std::string& member : members) {
        list.push_back({{"userid", member}, {"extra", json::object()}, {"joinedAt", 0}});
    }
    return {{"roomid", "room"},
            {"owner", owner},
            {"members", list},
            {"participants", members.size()},
            {"maxParticipantsAllowed", 1000},
            {"autoCloseEntireSession", config.autoCloseEntireSession},
            {"session", proto::sessionToJson(config.session)},
            {"direction", toString(config.direction)},
            {"isPasswordProtected", !config.password.empty()},
            {"extra", json::object()}};
}

} // namespace

PreludeWorld::PreludeWorld(std::uint8_t selector) : engine_(configFor(selector)) {
    switch ((selector >> 1) & 7) {
    case 0: // idle
        break;
    case 1: // opening: the capture is never answered
        engine_.open("room", now_);
        break;
    case 2:
        toOpen();
        break;
    case 3: // searching: the room is never found
        engine_.connect("room", now_);
        break;
    case 4:
        toJoining();
        break;
    case 5:
        toJoined();
        break;
    case 6:
        toOpen();
        follow(engine_.leave());
        break;
    default:
        toJoined();
        if (serverMode()) {
            follow(engine_.serverEvent("ejected", R"({"roomid":"room","by":"alice"})", now_));
        } else {
            signal("alice", proto::encode(proto::Eject{from("alice")}));
        }
        break;
    }
}

// Owner of "room", with bob admitted and linked.
void PreludeWorld::toOpen() {
    follow(engine_.open("room", now_));
    if (serverMode()) {
        follow(engine_.serverEvent("member-joined", R"({"roomid":"room","userid":"bob"})", now_));
    } else {
        proto::JoinRequest request{from("bob"), json::object(), defaultSession(), std::nullopt,
                                   std::nullopt};
        if (!engine_.config().password.empty()) {
            request.password = engine_.config().password;
        }
        signal("bob", proto::encode(request));
    }
    signal("bob", proto::encode(proto::SessionDescription{
                      from("bob"), proto::SdpType::Offer, "v=0 offer bob", {}, {}}));
    follow(engine_.peerStateChanged("bob", PeerState::Connected, now_));
    follow(engine_.dataChannelOpened("bob"));
}

// Asked alice, the owner of "room", to be admitted.
void PreludeWorld::toJoining() {
    follow(engine_.connect("room", now_));
    if (!serverMode()) {
        proto::Announce announce;
        announce.envelope = from("alice", std::nullopt);
        announce.direction = engine_.config().direction;
        announce.participants = 2;
        announce.passwordProtected = !engine_.config().password.empty();
        signal("alice", proto::encode(announce));
    }
}

// A member of alice's room (with bob unless the room is one-to-one), linked to whom the
// direction says.
void PreludeWorld::toJoined() {
    toJoining();
    std::vector<std::string> members{"alice", "bob", "me"};
    if (engine_.config().direction == Direction::OneToOne) {
        members = {"alice", "me"};
    }
    if (serverMode()) {
        follow(engine_.serverReply(
            "join-room", R"({"roomid":"room"})",
            json{{"ok", true}, {"room", serverRoom("alice", members, engine_.config())}}.dump(),
            now_));
    } else {
        proto::JoinAccept accept;
        accept.envelope = from("alice");
        accept.owner = "alice";
        for (const std::string& member : members) {
            accept.members.push_back(proto::MemberInfo{member, json::object(), defaultSession()});
        }
        accept.direction = engine_.config().direction;
        accept.autoCloseEntireSession = engine_.config().autoCloseEntireSession;
        signal("alice", proto::encode(accept));
    }
    for (const std::string& peer : engine_.linkedPeers()) {
        follow(engine_.peerStateChanged(peer, PeerState::Connected, now_));
        follow(engine_.dataChannelOpened(peer));
    }
}

void PreludeWorld::signal(const std::string& sender, const std::string& text) {
    follow(engine_.receiveSignal(text, serverMode() ? sender : "", now_));
}

void PreludeWorld::follow(const Actions& actions) {
    for (const Action& action : actions) {
        if (action.kind == ActionKind::CaptureMedia) {
            engine_.localStreamAdded("me-" + action.name, action.media);
            follow(engine_.localMediaReady(now_));
        } else if (action.kind == ActionKind::ServerRequest && action.name == "open-room") {
            const json reply{{"ok", true}, {"room", serverRoom("me", {"me"}, engine_.config())}};
            follow(engine_.serverReply(action.name, action.text, reply.dump(), now_));
        } else if (action.kind == ActionKind::ServerRequest && action.name == "check-presence") {
            const json reply{{"ok", true},
                             {"exists", true},
                             {"room", serverRoom("alice", {"alice"}, engine_.config())}};
            follow(engine_.serverReply(action.name, action.text, reply.dump(), now_));
        }
        // join-room stays unanswered here: toJoined() answers it, toJoining() does not.
    }
}

} // namespace rtcmc::fuzz
