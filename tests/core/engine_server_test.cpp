// The engine with the signaling server as room authority: the server (a fake following
// docs/server.md here) decides membership and ownership; the engines still build the mesh.
#include <gtest/gtest.h>

#include "support/engine_rooms.hpp"

namespace rtcmc {
namespace {

using testing::FakeNetwork;

using testing::configFor;
using testing::openAndJoinFour;
using testing::pairs;

TEST(EngineServerMode, EachDirectionReachesItsMesh) {
    struct Row {
        Direction direction;
        std::set<std::string> mesh;
    };
    for (const Row& row :
         {Row{Direction::ManyToMany, pairs({"a|b", "a|c", "a|d", "b|c", "b|d", "c|d"})},
          Row{Direction::OneToMany, pairs({"a|b", "a|c", "a|d"})},
          Row{Direction::OneWay, pairs({"a|b", "a|c", "a|d"})},
          Row{Direction::OneToOne, pairs({"a|b"})}}) {
        FakeNetwork net(true);
        openAndJoinFour(net, configFor(row.direction));
        EXPECT_EQ(net.mesh(), row.mesh) << toString(row.direction);
        EXPECT_EQ(net.engine("a").state(), SessionState::Open);
        EXPECT_EQ(net.signalsSent() > 0, true);
    }
}

TEST(EngineServerMode, RoomFullIsAClearRefusal) {
    FakeNetwork net(true);
    openAndJoinFour(net, configFor(Direction::OneToOne));
    for (const char* refused : {"c", "d"}) {
        EXPECT_EQ(net.engine(refused).state(), SessionState::Idle);
        auto errors = net.events(refused, "onerror");
        ASSERT_FALSE(errors.empty());
        EXPECT_EQ(errors.back().payload["code"], "ROOM_FULL");
        EXPECT_EQ(net.events(refused, "onstatechange").back().payload["state"], "request-rejected");
    }
    EXPECT_EQ(net.serverMembers("room"), (std::vector<std::string>{"a", "b"}));
}

TEST(EngineServerMode, OwnerLeavesAndTheServerHandsOver) {
    FakeNetwork net(true);
    openAndJoinFour(net, configFor(Direction::ManyToMany));
    net.run("a", net.engine("a").leave());
    EXPECT_EQ(net.serverOwner("room"), "b");
    EXPECT_EQ(net.engine("b").state(), SessionState::Open);
    EXPECT_TRUE(net.engine("b").isOwner());
    EXPECT_EQ(net.mesh(), pairs({"b|c", "b|d", "c|d"}));
    for (const char* id : {"c", "d"}) {
        EXPECT_EQ(net.engine(id).room()->owner(), "b");
        ASSERT_EQ(net.events(id, "onleave").size(), 1u) << id;
    }
    // A newcomer can still join.
    net.add("e", configFor(Direction::ManyToMany));
    net.run("e", net.engine("e").connect("room", net.now()));
    EXPECT_EQ(net.mesh().size(), 6u);
}

TEST(EngineServerMode, StarReformsAroundTheNewOwner) {
    FakeNetwork net(true);
    openAndJoinFour(net, configFor(Direction::OneWay));
    net.run("a", net.engine("a").leave());
    EXPECT_EQ(net.mesh(), pairs({"b|c", "b|d"}));
}

TEST(EngineServerMode, OwnerCrashIsHandledByTheServer) {
    FakeNetwork net(true);
    openAndJoinFour(net, configFor(Direction::ManyToMany));
    net.crash("a");
    EXPECT_EQ(net.engine("b").state(), SessionState::Open);
    EXPECT_EQ(net.mesh(), pairs({"b|c", "b|d", "c|d"}));
}

// The server names a new owner (owner-changed) before the old one's member-left. A view that
// missed that (an owner-changed naming someone never seen, the owner's member-left alone) is
// behind: the engine asks for the server's view instead of promoting by its own member list,
// which made a member the owner of a room it had only joined (engine_json fuzzer,
// regressions/engine_json/owner-left-without-owner-changed).
TEST(EngineServerMode, AnOwnerChangeTheViewMissedIsSettledByTheServersView) {
    FakeNetwork net(true);
    openAndJoinFour(net, configFor(Direction::ManyToMany));
    const auto getRoomsAsked = [&net] {
        std::size_t count = 0;
        for (const Action& action : net.actions("b", ActionKind::ServerRequest)) {
            count += action.name == "get-room";
        }
        return count;
    };

    net.serverSays("b", "owner-changed", R"({"roomid":"room","owner":"zed"})");
    EXPECT_EQ(getRoomsAsked(), 1u);
    net.serverSays("b", "member-left", R"({"roomid":"room","userid":"a","reason":"left"})");
    EXPECT_EQ(getRoomsAsked(), 2u);
    // The server still has a as owner: b stays a member of a's room, a stays linked.
    EXPECT_EQ(net.engine("b").state(), SessionState::Joined);
    EXPECT_EQ(net.engine("b").room()->owner(), "a");
    EXPECT_EQ(net.engine("b").room()->members().size(), 4u);
    EXPECT_TRUE(net.events("b", "onleave").empty());
    EXPECT_TRUE(net.events("b", "onerror").empty());
    EXPECT_EQ(net.mesh().size(), 6u);

    // When a really left, the server's view makes the owner it chose, and a is gone once.
    net.run("a", net.engine("a").leave());
    EXPECT_EQ(net.engine("b").state(), SessionState::Open);
    EXPECT_EQ(net.events("b", "onleave").size(), 1u);

    // A view whose owner is not among its members is an error and changes nothing.
    const Actions odd = net.engine("c").serverReply(
        "get-room", R"({"roomid":"room"})",
        R"({"ok":true,"room":{"roomid":"room","owner":"zed","members":[{"userid":"c","extra":{}}]}})",
        net.now());
    bool reported = false;
    for (const Action& action : odd) {
        reported |= action.kind == ActionKind::FireEvent &&
                    action.text.find("INVALID_FIELD") != std::string::npos;
    }
    EXPECT_TRUE(reported);
    EXPECT_EQ(net.engine("c").room()->owner(), "b");
    EXPECT_EQ(net.engine("c").room()->members().size(), 3u);
}

TEST(EngineServerMode, AutoCloseEntireSession) {
    FakeNetwork net(true);
    EngineConfig config = configFor(Direction::ManyToMany);
    config.autoCloseEntireSession = true;
    openAndJoinFour(net, config);
    net.run("a", net.engine("a").leave());
    EXPECT_TRUE(net.mesh().empty());
    for (const char* id : {"b", "c", "d"}) {
        EXPECT_EQ(net.engine(id).state(), SessionState::Closed) << id;
        EXPECT_EQ(net.events(id, "onEntireSessionClosed").size(), 1u);
    }
}

TEST(EngineServerMode, EjectionGoesThroughTheServer) {
    FakeNetwork net(true);
    openAndJoinFour(net, configFor(Direction::ManyToMany));
    net.run("b", net.engine("b").eject("c"));
    EXPECT_EQ(net.events("b", "onerror").back().payload["code"], "NOT_OWNER");
    EXPECT_EQ(net.serverMembers("room").size(), 4u);
    net.run("a", net.engine("a").eject("c"));
    EXPECT_EQ(net.engine("c").state(), SessionState::Ejected);
    EXPECT_EQ(net.serverMembers("room"), (std::vector<std::string>{"a", "b", "d"}));
    EXPECT_EQ(net.mesh(), pairs({"a|b", "a|d", "b|d"}));
    for (const char* id : {"a", "b", "d"}) {
        auto left = net.events(id, "onleave");
        ASSERT_EQ(left.size(), 1u) << id;
        EXPECT_TRUE(left[0].payload["ejected"].get<bool>());
    }
}

TEST(EngineServerMode, PeersCannotSendRoomControl) {
    FakeNetwork net(true);
    openAndJoinFour(net, configFor(Direction::ManyToMany));
    const std::string forged = R"({"v":1,"type":"eject","room":"room","from":"a","to":"c"})";
    net.run("c", net.engine("c").receiveSignal(forged, "a", net.now()));
    EXPECT_EQ(net.engine("c").state(), SessionState::Joined);
    EXPECT_EQ(net.events("c", "onerror").back().payload["code"], "NOT_OWNER");
}

TEST(EngineServerMode, WrongPasswordAndPresence) {
    FakeNetwork net(true);
    EngineConfig owner;
    owner.password = "pw";
    net.add("a", owner);
    EngineConfig guest;
    guest.password = "nope";
    net.add("b", guest);
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").checkPresence("room", net.now()));
    net.run("b", net.engine("b").checkPresence("elsewhere", net.now()));
    auto presence = net.events("b", "presence");
    ASSERT_EQ(presence.size(), 2u);
    EXPECT_TRUE(presence[0].payload["exists"].get<bool>());
    EXPECT_TRUE(presence[0].payload["isPasswordProtected"].get<bool>());
    EXPECT_FALSE(presence[1].payload["exists"].get<bool>());
    net.run("b", net.engine("b").connect("room", net.now()));
    EXPECT_EQ(net.events("b", "onerror").back().payload["code"], "WRONG_PASSWORD");
    EXPECT_TRUE(net.mesh().empty());
}

TEST(EngineServerMode, OpenRefusedWhenTheRoomExists) {
    FakeNetwork net(true);
    net.add("a");
    net.add("b");
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").open("room", net.now()));
    EXPECT_EQ(net.engine("b").state(), SessionState::Idle);
    EXPECT_EQ(net.events("b", "onerror").back().payload["code"], "ROOM_EXISTS");
    EXPECT_FALSE(net.actions("b", ActionKind::StopLocalMedia).empty());
}

TEST(EngineServerMode, MalformedServerPayloadsAreErrorsNotCrashes) {
    FakeNetwork net(true);
    openAndJoinFour(net, configFor(Direction::ManyToMany));
    const std::pair<std::string, std::string> bad[] = {
        {"member-joined", "not json"},
        {"member-joined", "[]"},
        {"member-joined", R"({"roomid":5})"},
        {"member-left", R"({"roomid":"room","userid":""})"},
        {"owner-changed", R"({"roomid":"room"})"},
        {"extra-updated",
         R"({"roomid":"room","userid":"b","extra":")" + std::string(20000, 'x') + "\"}"},
        {"room-list", R"({"rooms":"nope"})"},
        {"room-list", R"({"rooms":[{"roomid":1}]})"},
    };
    for (const auto& [event, payload] : bad) {
        net.serverSays("d", event, payload);
    }
    EXPECT_EQ(net.engine("d").state(), SessionState::Joined);
    EXPECT_EQ(net.engine("d").room()->members().size(), 4u);
    EXPECT_EQ(net.events("d", "onerror").size(), std::size(bad)) << "one error per bad payload";
    EXPECT_EQ(net.mesh().size(), 6u);
}

// The server's error-event (a refused request or relay without an ack): the core decides what
// the page hears. A relay refused as NOT_IN_ROOM is news only to a member that still holds the
// room; a request's refusal came with its ack; the rest is passed on with the server's code
// and words.
TEST(EngineServerMode, ErrorEventsReachThePageThroughTheCore) {
    FakeNetwork net(true);
    openAndJoinFour(net, configFor(Direction::ManyToMany));
    const auto errorsOf = [&net](const char* id) { return net.events(id, "onerror"); };

    net.serverSays(
        "d", "error-event",
        R"({"code":"NOT_IN_ROOM","message":"you are not in room \"room\"","event":"relay"})");
    ASSERT_EQ(errorsOf("d").size(), 1u);
    EXPECT_EQ(errorsOf("d").back().payload["code"], "NOT_IN_ROOM");
    EXPECT_EQ(errorsOf("d").back().payload["request"], "relay");

    net.serverSays("d", "error-event", R"({"code":"RATE_LIMITED","event":"relay"})");
    ASSERT_EQ(errorsOf("d").size(), 2u);
    EXPECT_EQ(errorsOf("d").back().payload["code"], "RATE_LIMITED");

    // A refused request's reply (its ack) already said why: its error-event is not told twice.
    net.serverSays("d", "error-event", R"({"code":"RATE_LIMITED","event":"update-extra"})");
    ASSERT_EQ(errorsOf("d").size(), 2u);

    // Fields of the wrong type or length are not trusted, and nothing breaks.
    net.serverSays("d", "error-event", R"({"code":7,"message":[],"event":"sfu"})");
    ASSERT_EQ(errorsOf("d").size(), 3u);
    EXPECT_EQ(errorsOf("d").back().payload["code"], "SERVER_ERROR");
    net.serverSays("d", "error-event", R"({"code":"X","event":null})");
    ASSERT_EQ(errorsOf("d").size(), 3u);
    net.serverSays("d", "error-event",
                   R"({"code":")" + std::string(500, 'C') + R"(","message":")" +
                       std::string(5000, 'm') + R"(","event":"relay"})");
    ASSERT_EQ(errorsOf("d").size(), 4u);
    EXPECT_EQ(errorsOf("d").back().payload["code"].get<std::string>().size(), 64u);
    EXPECT_EQ(net.engine("d").state(), SessionState::Joined);

    // Once the stay ended, a relay sent just before is refused: the page heard of the end.
    net.run("d", net.engine("d").leave());
    const std::size_t before = errorsOf("d").size();
    net.serverSays("d", "error-event", R"({"code":"NOT_IN_ROOM","event":"relay"})");
    EXPECT_EQ(errorsOf("d").size(), before);
}

// After a signaling drop the channel hands the new connection's welcome to the engine
// (docs/server.md, "Resuming"): a room the server kept changes nothing; a room it did not keep
// is SESSION_LOST and the end of that session.
TEST(EngineServerMode, AWelcomeThatDidNotKeepTheRoomEndsTheSession) {
    FakeNetwork net(true);
    net.add("x", configFor(Direction::ManyToMany));
    net.serverSays("x", "welcome", R"({"userid":"x","resumed":false})"); // first connect
    EXPECT_TRUE(net.events("x", "onerror").empty());

    openAndJoinFour(net, configFor(Direction::ManyToMany));
    net.serverSays("b", "welcome", R"({"userid":"b","resumed":true,"rooms":["other","room"]})");
    EXPECT_EQ(net.engine("b").state(), SessionState::Joined);
    EXPECT_TRUE(net.events("b", "onerror").empty());

    const std::pair<std::string, std::string> lost[] = {
        {"a", R"({"userid":"a","resumed":true,"rooms":[]})"}, // owner, room gone
        {"c", R"({"userid":"c","resumed":false})"},           // departure already processed
        {"d", R"({"userid":"d","resumed":"yes","rooms":5})"}, // malformed: not resumed
    };
    for (const auto& [id, welcome] : lost) {
        net.serverSays(id, "welcome", welcome);
        auto errors = net.events(id, "onerror");
        ASSERT_EQ(errors.size(), 1u) << id;
        EXPECT_EQ(errors[0].payload["code"], "SESSION_LOST") << id;
        EXPECT_EQ(errors[0].payload["sessionid"], "room") << id;
        EXPECT_EQ(errors[0].payload["userid"], id) << id;
        EXPECT_NE(net.engine(id).state(), SessionState::Open) << id;
        EXPECT_NE(net.engine(id).state(), SessionState::Joined) << id;
        // Ended once: a second welcome finds no session to lose.
        net.serverSays(id, "welcome", welcome);
        EXPECT_EQ(net.events(id, "onerror").size(), 1u) << id;
    }
    EXPECT_EQ(net.engine("b").state(), SessionState::Joined);
}

TEST(EngineServerMode, ManualSessionsFromTheRoomList) {
    FakeNetwork net(true);
    EngineConfig watcher;
    watcher.autoJoin = false;
    net.add("w", watcher);
    const std::string list =
        R"({"rooms":[{"roomid":"r1","owner":"o1","extra":{"topic":"cats"},"participants":1,)"
        R"("maxParticipantsAllowed":5,"isFull":false,"isPasswordProtected":false,)"
        R"("session":{"audio":true,"video":true},"direction":"many-to-many"}]})";
    net.serverSays("w", "room-list", list);
    net.serverSays("w", "room-list", list);
    auto sessions = net.events("w", "onNewSession");
    ASSERT_EQ(sessions.size(), 1u) << "once per room";
    EXPECT_EQ(sessions[0].payload["extra"]["topic"], "cats");
    EXPECT_EQ(sessions[0].payload["sessionid"], "r1");
}

} // namespace
} // namespace rtcmc

namespace rtcmc {
namespace {

TEST(EngineServerMode, OneToOneAsksTheServerForOneParticipant) {
    EngineConfig config;
    config.userid = "a";
    config.authority = RoomAuthority::Server;
    config.direction = Direction::OneToOne;
    config.session = parseSession("only data").value();
    Engine engine(config);
    Actions actions = engine.open("room", 0);
    ASSERT_FALSE(actions.empty());
    EXPECT_EQ(actions.back().name, "open-room");
    EXPECT_EQ(nlohmann::json::parse(actions.back().text)["maxParticipantsAllowed"], 1);
}

TEST(EngineServerMode, AutoCloseSetJustBeforeLeaveClosesTheRoom) {
    testing::FakeNetwork net(true);
    for (const char* id : {"a", "b"}) {
        net.add(id);
    }
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").connect("room", net.now()));
    EngineConfig late = net.engine("a").config();
    late.autoCloseEntireSession = true;
    net.engine("a").configure(late);
    net.run("a", net.engine("a").leave());
    EXPECT_EQ(net.engine("b").state(), SessionState::Closed);
    EXPECT_EQ(net.events("b", "onEntireSessionClosed").size(), 1u);
}

} // namespace
} // namespace rtcmc

namespace rtcmc {
namespace {

TEST(EngineServerMode, OnNewSessionOnlyOffersRoomsOfTheOwnChannel) {
    testing::FakeNetwork net(true);
    EngineConfig watcher;
    watcher.autoJoin = false;
    watcher.channel = "lobby";
    net.add("w", watcher);
    const std::string list =
        R"({"rooms":[{"roomid":"here","owner":"o1","channel":"lobby","participants":1},)"
        R"({"roomid":"there","owner":"o2","channel":"elsewhere","participants":1},)"
        R"({"roomid":"untagged","owner":"o3","participants":1}]})";
    net.serverSays("w", "room-list", list);
    std::set<std::string> offered;
    for (const auto& event : net.events("w", "onNewSession")) {
        offered.insert(event.payload["sessionid"].get<std::string>());
    }
    EXPECT_EQ(offered, (std::set<std::string>{"here", "untagged"}));
    // A room of another channel can still be joined by its id.
    net.add("o2");
    net.run("o2", net.engine("o2").open("there", net.now()));
    net.run("w", net.engine("w").join("there", std::nullopt, net.now()));
    EXPECT_EQ(net.engine("w").state(), SessionState::Joined);
}

} // namespace
} // namespace rtcmc

namespace rtcmc {
namespace {

TEST(EngineServerMode, OnSessionClosedWhenAnOfferedRoomLeavesTheList) {
    testing::FakeNetwork net(true);
    EngineConfig watcher;
    watcher.autoJoin = false;
    net.add("w", watcher);
    net.serverSays("w", "room-list", R"({"rooms":[{"roomid":"r1","owner":"o1","extra":{"t":1}}]})");
    net.serverSays("w", "room-list", R"({"rooms":[]})");
    auto closed = net.events("w", "onSessionClosed");
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].payload["sessionid"], "r1");
    EXPECT_EQ(closed[0].payload["extra"]["t"], 1);
    // Reopened later, it is a new session and offered again.
    net.serverSays("w", "room-list", R"({"rooms":[{"roomid":"r1","owner":"o2"}]})");
    EXPECT_EQ(net.events("w", "onNewSession").size(), 2u);
}

} // namespace
} // namespace rtcmc

namespace rtcmc {
namespace {

// A page that lists sessions (onNewSession) and opens one is not offered its own room.
TEST(EngineServerMode, OnNewSessionNeverOffersTheOwnRoom) {
    testing::FakeNetwork net(true);
    EngineConfig lister;
    lister.autoJoin = false;
    net.add("a", lister);
    net.add("w", lister);
    net.run("w", net.engine("w").connect("lobby", net.now()));
    net.run("a", net.engine("a").connect("lobby", net.now()));
    net.run("a", net.engine("a").open("mine", net.now()));
    const std::string list = R"({"rooms":[{"roomid":"mine","owner":"a","participants":1}]})";
    net.serverSays("a", "room-list", list);
    net.serverSays("w", "room-list", list);
    EXPECT_TRUE(net.events("a", "onNewSession").empty());
    ASSERT_EQ(net.events("w", "onNewSession").size(), 1u);
}

} // namespace
} // namespace rtcmc
