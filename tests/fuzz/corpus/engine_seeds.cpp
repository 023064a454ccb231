// Seeds of engine_json_fuzzer: for each prelude (authority, state, direction), each valid input
// the engine may meet next: a signal of every type from alice (the owner), bob or carol, every
// server event and reply with the payload our server sends (docs/server.md), browser reports and
// page calls; plus a few sessions' worth of inputs in a row.
#include "protocol/codec.hpp"
#include "seeds.hpp"
#include "support/engine_inputs.hpp"

namespace rtcmc::fuzz::seeds {

namespace {

using nlohmann::json;

struct Input {
    std::uint8_t op;
    std::uint8_t selector;
    std::string bytes;
};

// The selector whose bits pick what `wanted` asks for (the fuzzer reads several fields from it).
template <typename Wanted> std::uint8_t selectorWhere(Wanted wanted) {
    for (unsigned s = 0; s < 256; ++s) {
        if (wanted(static_cast<std::uint8_t>(s))) {
            return static_cast<std::uint8_t>(s);
        }
    }
    return 0;
}

// browserReport(): kind = s % 11, peer = kSenders[(s >> 4) % 5], peer state = (s >> 1) % 5.
Input report(int kind, const char* peer, int peerState = 0, std::string bytes = "") {
    const std::uint8_t peerIndex = selectorOf(kSenders, peer);
    return {kBrowserReportOp, selectorWhere([&](std::uint8_t s) {
                return s % 11 == kind && (s >> 4) % 5 == peerIndex &&
                       (kind != 0 || (s >> 1) % 5 == peerState);
            }),
            std::move(bytes)};
}

// userCall(): call = s % 11, room (or eject target) from the bytes when s & 0x80 (0x40).
Input call(int which, std::string bytes = "") {
    return {kUserCallOp,
            selectorWhere([&](std::uint8_t s) { return s % 11 == which && (s & 0x80) == 0; }),
            std::move(bytes)};
}

Input signal(const protocol::Message& message) {
    return {kSignalOp, selectorOf(kSenders, protocol::envelopeOf(message).from),
            protocol::encode(message)};
}

Input event(const char* name, const json& payload) {
    return {kServerEventOp, selectorOf(kServerEvents, name), payload.dump()};
}

Input reply(const char* request, int asked, const json& payload) {
    return {kServerReplyOp, static_cast<std::uint8_t>(selectorOf(kRequests, request) + 16 * asked),
            payload.dump()};
}

json serverRoom(const std::string& owner, const std::vector<std::string>& members) {
    json list = json::array();
    for (const std::string& member : members) {
        list.push_back({{"userid", member}, {"extra", json::object()}, {"joinedAt", 0}});
    }
    return {{"roomid", "room"},
            {"owner", owner},
            {"members", list},
            {"participants", members.size()},
            {"maxParticipantsAllowed", 1000},
            {"autoCloseEntireSession", false},
            {"session", {{"audio", true}, {"video", true}}},
            {"direction", "many-to-many"},
            {"isPasswordProtected", false},
            {"isFull", false},
            {"extra", json::object()}};
}

std::vector<Input> singleInputs() {
    std::vector<Input> inputs;
    for (const protocol::Message& message : sampleMessages()) {
        inputs.push_back(signal(message));
    }
    const json error{{"ok", false}, {"error", {{"code", "ROOM_FULL"}, {"message", "full"}}}};
    for (const Input& input : {
             event("member-joined", {{"roomid", "room"}, {"userid", "carol"}, {"extra", {}}}),
             event("member-left", {{"roomid", "room"}, {"userid", "bob"}, {"reason", "left"}}),
             event("member-left",
                   {{"roomid", "room"}, {"userid", "alice"}, {"reason", "disconnected"}}),
             event("owner-changed", {{"roomid", "room"}, {"owner", "me"}}),
             event("owner-changed", {{"roomid", "room"}, {"owner", "bob"}}),
             event("ejected", {{"roomid", "room"}, {"by", "alice"}}),
             event("room-closed", {{"roomid", "room"}, {"reason", "owner-left"}}),
             event("extra-updated", {{"roomid", "room"}, {"userid", "bob"}, {"extra", {{"a", 1}}}}),
             event("user-status",
                   {{"roomid", "room"}, {"userid", "bob"}, {"status", "offline"}, {"extra", {}}}),
             event("room-list", {{"rooms", {serverRoom("alice", {"alice", "bob"})}}}),
             event("welcome", {{"resumed", true}, {"rooms", {"room"}}}),
             event("welcome", {{"resumed", false}}),
             reply("open-room", 0, {{"ok", true}, {"room", serverRoom("me", {"me"})}}),
             reply("open-room", 0, error),
             reply("join-room", 0,
                   {{"ok", true}, {"room", serverRoom("alice", {"alice", "bob", "me"})}}),
             reply("join-room", 0, error),
             reply("check-presence", 0,
                   {{"ok", true}, {"exists", true}, {"room", serverRoom("alice", {"alice"})}}),
             reply("check-presence", 0, {{"ok", true}, {"exists", false}}),
             reply("subscribe-rooms", 0,
                   {{"ok", true}, {"rooms", {serverRoom("alice", {"alice"})}}}),
             reply("eject", 1, {{"ok", true}}),
             reply("leave-room", 0, {{"ok", true}}),
             report(0, "bob", 1),
             report(0, "alice", 3),
             report(0, "bob", 4),
             report(1, "bob"),
             report(2, "alice"),
             report(3, "", 0, "stream-me"),
             report(4, "", 0, "camera busy"),
             report(5, "bob", 0, "v=0 local"),
             report(6, "bob", 0, "candidate:1 1 udp 1 198.18.0.1 9 typ host"),
             report(7, "bob", 0, "stream-9"),
             report(9, "", 0, "stream-screen"),
             report(10, "", 0, "12345"),
         }) {
        inputs.push_back(input);
    }
    for (int which = 0; which < 11; ++which) {
        inputs.push_back(call(which, which == 5 ? R"({"name":"Me"})" : "stream-1"));
    }
    return inputs;
}

// A few inputs in a row: an owner admitting carol, a member seeing the owner hand over.
std::vector<std::vector<Input>> sessions() {
    const protocol::Envelope carolToMe{"room", "carol", std::string("me")};
    const protocol::Envelope aliceToAll{"room", "alice", std::nullopt};
    return {
        {signal(protocol::JoinRequest{carolToMe, json::object(), defaultSession(), std::nullopt,
                                      12345u}),
         signal(protocol::SessionDescription{carolToMe, protocol::SdpType::Offer, "v=0", {}, {}}),
         report(0, "carol", 1), report(1, "carol"), call(4, "carol"), call(3)},
        {signal(protocol::MemberJoined{
             aliceToAll, protocol::MemberInfo{"carol", json::object(), defaultSession()}}),
         signal(protocol::SessionDescription{carolToMe, protocol::SdpType::Offer, "v=0", {}, {}}),
         signal(protocol::Leave{aliceToAll, false, std::string("bob")}), report(0, "alice", 4),
         report(10, "", 0, "999999")},
        {event("member-joined", {{"roomid", "room"}, {"userid", "carol"}}),
         event("owner-changed", {{"roomid", "room"}, {"owner", "bob"}}),
         event("member-left", {{"roomid", "room"}, {"userid", "alice"}, {"reason", "left"}}),
         event("owner-changed", {{"roomid", "room"}, {"owner", "me"}}), call(4, "carol"),
         reply("eject", 1, {{"ok", true}})},
    };
}

} // namespace

std::vector<Seed> engineJsonSeeds() {
    std::vector<Seed> seeds;
    const std::vector<Input> inputs = singleInputs();
    const std::vector<std::vector<Input>> rows = sessions();
    for (int server = 0; server < 2; ++server) {
        for (int state = 0; state < 8; ++state) {
            for (int direction : {0, 3}) { // many-to-many, one-way
                const auto prelude = static_cast<char>(server | state << 1 | direction << 4);
                const std::string tag = std::to_string(static_cast<unsigned char>(prelude));
                auto write = [&](const std::string& name, const std::vector<Input>& list) {
                    std::string bytes(1, prelude);
                    for (const Input& input : list) {
                        addRecord(bytes, input.op, input.selector, input.bytes);
                    }
                    seeds.push_back(Seed{"prelude-" + tag + "-" + name, std::move(bytes)});
                };
                for (std::size_t i = 0; i < inputs.size(); ++i) {
                    write(std::to_string(i), {inputs[i]});
                }
                for (std::size_t i = 0; i < rows.size(); ++i) {
                    write("session-" + std::to_string(i), rows[i]);
                }
            }
        }
    }
    return seeds;
}

} // namespace rtcmc::fuzz::seeds
