// Four engines joined by an in-memory pub/sub bus reach the mesh each direction calls for, and
// the session survives (or closes) when the initiator leaves.
#include <gtest/gtest.h>

#include "support/engine_rooms.hpp"
#include "support/texts.hpp"

namespace rtcmc {
namespace {

using testing::FakeNetwork;

using testing::configFor;
using testing::openAndJoinFour;
using testing::pairs;

TEST(EngineMesh, ManyToManyConnectsEveryone) {
    FakeNetwork net;
    openAndJoinFour(net, configFor(Direction::ManyToMany));
    EXPECT_EQ(net.mesh(), pairs({"a|b", "a|c", "a|d", "b|c", "b|d", "c|d"}));
    for (const char* id : {"b", "c", "d"}) {
        EXPECT_EQ(net.engine(id).state(), SessionState::Joined) << id;
        EXPECT_EQ(net.engine(id).room()->owner(), "a");
    }
    EXPECT_EQ(net.engine("a").room()->members().size(), 4u);
    // Every member holds the same member list, in join order.
    for (const char* id : {"b", "c", "d"}) {
        std::vector<std::string> order;
        for (const Member& member : net.engine(id).room()->members()) {
            order.push_back(member.userid);
        }
        EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c", "d"})) << id;
    }
}

TEST(EngineMesh, OneToManyIsAStarAroundTheOwner) {
    FakeNetwork net;
    openAndJoinFour(net, configFor(Direction::OneToMany));
    EXPECT_EQ(net.mesh(), pairs({"a|b", "a|c", "a|d"}));
    // Participants send media to the owner (two-way star).
    for (const Action& create : net.actions("b", ActionKind::CreatePeer)) {
        EXPECT_TRUE(create.media.audio);
        EXPECT_TRUE(create.media.video);
    }
}

TEST(EngineMesh, OneWayViewersCaptureNothingSendNothingAndNeverMeet) {
    FakeNetwork net;
    openAndJoinFour(net, configFor(Direction::OneWay));
    EXPECT_EQ(net.mesh(), pairs({"a|b", "a|c", "a|d"}));
    EXPECT_EQ(net.actions("a", ActionKind::CaptureMedia).size(), 1u) << "the broadcaster captures";
    for (const char* viewer : {"b", "c", "d"}) {
        EXPECT_TRUE(net.actions(viewer, ActionKind::CaptureMedia).empty()) << viewer;
        auto created = net.actions(viewer, ActionKind::CreatePeer);
        ASSERT_EQ(created.size(), 1u) << viewer;
        EXPECT_FALSE(created[0].media.audio);
        EXPECT_FALSE(created[0].media.video);
        EXPECT_TRUE(created[0].receive.video);
    }
    auto ownerLinks = net.actions("a", ActionKind::CreatePeer);
    for (const Action& link : ownerLinks) {
        EXPECT_TRUE(link.media.video);
        EXPECT_FALSE(link.receive.video);
    }
}

TEST(EngineMesh, OneWayFromTheSessionObjectToo) {
    FakeNetwork net;
    SessionType session = defaultSession();
    session.oneway = true;
    openAndJoinFour(net, configFor(Direction::ManyToMany, session));
    EXPECT_EQ(net.mesh(), pairs({"a|b", "a|c", "a|d"}));
}

TEST(EngineMesh, OneToOneRefusesTheThirdUserClearly) {
    FakeNetwork net;
    openAndJoinFour(net, configFor(Direction::OneToOne));
    EXPECT_EQ(net.mesh(), pairs({"a|b"}));
    for (const char* refused : {"c", "d"}) {
        EXPECT_EQ(net.engine(refused).state(), SessionState::Idle) << refused;
        auto errors = net.events(refused, "onerror");
        ASSERT_FALSE(errors.empty()) << refused;
        EXPECT_EQ(errors.back().payload["code"], "ROOM_FULL");
        auto states = net.events(refused, "onstatechange");
        ASSERT_FALSE(states.empty());
        EXPECT_EQ(states.back().payload["state"], "request-rejected");
        EXPECT_FALSE(net.actions(refused, ActionKind::StopLocalMedia).empty())
            << "media captured for the attempt is released";
    }
}

TEST(EngineMesh, InitiatorLeavesAndTheRestStayConnected) {
    FakeNetwork net;
    openAndJoinFour(net, configFor(Direction::ManyToMany));
    net.run("a", net.engine("a").leave());
    EXPECT_EQ(net.engine("a").state(), SessionState::Left);
    EXPECT_EQ(net.mesh(), pairs({"b|c", "b|d", "c|d"}));
    EXPECT_EQ(net.engine("b").state(), SessionState::Open) << "the longest-present member owns it";
    for (const char* id : {"c", "d"}) {
        EXPECT_EQ(net.engine(id).state(), SessionState::Joined);
        EXPECT_EQ(net.engine(id).room()->owner(), "b");
        auto left = net.events(id, "onleave");
        ASSERT_EQ(left.size(), 1u);
        EXPECT_EQ(left[0].payload["userid"], "a");
    }
    // A newcomer can still join the room, now announced by b.
    net.add("e", configFor(Direction::ManyToMany));
    net.run("e", net.engine("e").connect("room", net.now()));
    EXPECT_EQ(net.engine("e").state(), SessionState::Joined);
    EXPECT_EQ(net.mesh(), pairs({"b|c", "b|d", "c|d", "b|e", "c|e", "d|e"}));
}

TEST(EngineMesh, StarReformsAroundTheNewOwner) {
    FakeNetwork net;
    openAndJoinFour(net, configFor(Direction::OneToMany));
    net.run("a", net.engine("a").leave());
    EXPECT_EQ(net.engine("b").state(), SessionState::Open);
    EXPECT_EQ(net.mesh(), pairs({"b|c", "b|d"}));
}

TEST(EngineMesh, InitiatorCrashHandsOverToo) {
    FakeNetwork net;
    openAndJoinFour(net, configFor(Direction::ManyToMany));
    net.crash("a");
    // Over pub/sub a silent link may only have lost its path: each member tries ICE restarts
    // (engine_recovery.cpp) before it counts the owner gone.
    EXPECT_EQ(net.engine("b").room()->owner(), "a");
    const EngineConfig& config = net.engine("b").config();
    net.advanceBy(config.iceRestartTimeoutMs * config.maxIceRestarts, 1000);
    EXPECT_EQ(net.engine("b").state(), SessionState::Open);
    EXPECT_EQ(net.mesh(), pairs({"b|c", "b|d", "c|d"}));
    for (const char* id : {"c", "d"}) {
        EXPECT_EQ(net.engine(id).room()->owner(), "b");
    }
}

TEST(EngineMesh, AutoCloseEntireSessionClosesItForEveryone) {
    FakeNetwork net;
    EngineConfig config = configFor(Direction::ManyToMany);
    config.autoCloseEntireSession = true;
    openAndJoinFour(net, config);
    net.run("a", net.engine("a").leave());
    EXPECT_TRUE(net.mesh().empty());
    for (const char* id : {"b", "c", "d"}) {
        EXPECT_EQ(net.engine(id).state(), SessionState::Closed) << id;
        auto closed = net.events(id, "onEntireSessionClosed");
        ASSERT_EQ(closed.size(), 1u) << id;
        EXPECT_EQ(closed[0].payload["sessionid"], "room");
        EXPECT_EQ(closed[0].payload["userid"], "a");
    }
}

TEST(EngineMesh, ParticipantLeavingIsSeenByEveryone) {
    FakeNetwork net;
    openAndJoinFour(net, configFor(Direction::ManyToMany));
    net.run("c", net.engine("c").leave());
    EXPECT_EQ(net.mesh(), pairs({"a|b", "a|d", "b|d"}));
    for (const char* id : {"a", "b", "d"}) {
        auto left = net.events(id, "onleave");
        ASSERT_EQ(left.size(), 1u) << id;
        EXPECT_EQ(left[0].payload["userid"], "c");
        EXPECT_EQ(left[0].payload["reason"], "left");
        EXPECT_FALSE(net.engine(id).room()->contains("c"));
    }
}

TEST(EngineEjection, OwnerEjectsAndEveryoneSeesIt) {
    FakeNetwork net;
    openAndJoinFour(net, configFor(Direction::ManyToMany));
    net.run("a", net.engine("a").eject("c"));
    EXPECT_EQ(net.engine("c").state(), SessionState::Ejected);
    EXPECT_EQ(net.mesh(), pairs({"a|b", "a|d", "b|d"})) << "the ejected user keeps no link";
    auto told = net.events("c", "onstatechange");
    ASSERT_FALSE(told.empty());
    EXPECT_EQ(told.back().payload["state"], "ejected");
    for (const char* id : {"a", "b", "d"}) {
        auto left = net.events(id, "onleave");
        ASSERT_EQ(left.size(), 1u) << id;
        EXPECT_EQ(left[0].payload["userid"], "c");
        EXPECT_TRUE(left[0].payload["ejected"].get<bool>());
    }
}

TEST(EngineEjection, NonOwnerEjectIsRefusedAndChangesNothing) {
    FakeNetwork net;
    openAndJoinFour(net, configFor(Direction::ManyToMany));
    const std::size_t signalsBefore = net.signalsSent();
    net.run("b", net.engine("b").eject("c"));
    auto errors = net.events("b", "onerror");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].payload["code"], "NOT_OWNER");
    EXPECT_EQ(net.signalsSent(), signalsBefore) << "nothing went on the wire";
    EXPECT_EQ(net.mesh().size(), 6u);
}

TEST(EngineEjection, ForgedEjectFromANonOwnerIsIgnored) {
    FakeNetwork net;
    openAndJoinFour(net, configFor(Direction::ManyToMany));
    // b forges an eject addressed to c (as a hostile page could over pub/sub).
    const std::string forged = R"({"v":1,"type":"eject","room":"room","from":"b","to":"c"})";
    net.run("c", net.engine("c").receiveSignal(forged, "", net.now()));
    EXPECT_EQ(net.engine("c").state(), SessionState::Joined);
    auto errors = net.events("c", "onerror");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].payload["code"], "NOT_OWNER");
    EXPECT_EQ(net.mesh().size(), 6u);
}

TEST(EngineSignals, SpoofedSenderIsRejectedWhenTheChannelVouches) {
    FakeNetwork net;
    openAndJoinFour(net, configFor(Direction::ManyToMany));
    const std::string claimsOwner = R"({"v":1,"type":"eject","room":"room","from":"a","to":"c"})";
    net.run("c", net.engine("c").receiveSignal(claimsOwner, "b", net.now()));
    EXPECT_EQ(net.engine("c").state(), SessionState::Joined);
    EXPECT_EQ(net.events("c", "onerror").back().payload["code"], "INVALID_FIELD");
}

TEST(EngineSignals, GarbageIsReportedAndChangesNoState) {
    FakeNetwork net;
    openAndJoinFour(net, configFor(Direction::ManyToMany));
    const char* garbage[] = {"",
                             "nonsense",
                             "{}",
                             "[]",
                             R"({"v":1})",
                             R"({"v":1,"type":"join-accept","room":"room","from":"a"})",
                             R"({"v":9,"type":"leave","room":"room","from":"a"})"};
    for (const char* text : garbage) {
        net.run("d", net.engine("d").receiveSignal(text, "", net.now()));
    }
    EXPECT_EQ(net.events("d", "onerror").size(), std::size(garbage));
    EXPECT_EQ(net.engine("d").state(), SessionState::Joined);
    EXPECT_EQ(net.mesh().size(), 6u);
}

TEST(EngineManualSessions, OnNewSessionFiresOncePerRoomWithTheOwnersExtra) {
    FakeNetwork net;
    EngineConfig owner = configFor(Direction::ManyToMany);
    owner.extra = R"({"username":"Alice","topic":"tests"})";
    owner.announceIntervalMs = 1000;
    net.add("a", owner);
    EngineConfig watcher;
    watcher.autoJoin = false;
    net.add("w", watcher);
    net.run("a", net.engine("a").open("room", net.now()));
    net.advance(1000);
    net.advance(1000);
    net.advance(1000);
    auto sessions = net.events("w", "onNewSession");
    ASSERT_EQ(sessions.size(), 1u) << "announced four times, reported once";
    EXPECT_EQ(sessions[0].payload["sessionid"], "room");
    EXPECT_EQ(sessions[0].payload["userid"], "a");
    EXPECT_EQ(sessions[0].payload["extra"]["username"], "Alice");
    EXPECT_EQ(sessions[0].payload["session"], "audiovideo");
    // Joining manually with extra data delivers each side's extra to the other.
    EngineConfig joiner = net.engine("w").config();
    joiner.extra = R"({"username":"Wes"})";
    net.engine("w").configure(joiner);
    SessionType audioOnly;
    audioOnly.audio = true;
    net.run("w", net.engine("w").join("room", audioOnly, net.now()));
    EXPECT_EQ(net.mesh(), pairs({"a|w"}));
    auto ownerOpen = net.events("a", "onopen");
    ASSERT_TRUE(ownerOpen.empty()) << "no data channel in an audio+video session";
    auto joined = net.events("a", "onUserStatusChanged");
    ASSERT_EQ(joined.size(), 1u);
    EXPECT_EQ(joined[0].payload["extra"]["username"], "Wes");
    EXPECT_EQ(net.engine("w").room()->find("a")->extra, R"({"topic":"tests","username":"Alice"})");
}

TEST(EngineManualSessions, JoinerExtraReachesOnOpenInDataSessions) {
    FakeNetwork net;
    EngineConfig config;
    config.session = parseSession("only data").value();
    config.extra = R"({"name":"owner"})";
    net.add("a", config);
    config.extra = R"({"name":"guest"})";
    net.add("b", config);
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").connect("room", net.now()));
    ASSERT_EQ(net.events("a", "onopen").size(), 1u);
    EXPECT_EQ(net.events("a", "onopen")[0].payload["extra"]["name"], "guest");
    EXPECT_EQ(net.events("b", "onopen")[0].payload["extra"]["name"], "owner");
    EXPECT_TRUE(net.actions("a", ActionKind::CaptureMedia).empty()) << "data needs no camera";
}

TEST(EngineManualSessions, PasswordProtectedRooms) {
    FakeNetwork net;
    EngineConfig owner;
    owner.password = "s3cret";
    net.add("a", owner);
    EngineConfig wrong;
    wrong.password = "guess";
    net.add("b", wrong);
    EngineConfig right;
    right.password = "s3cret";
    net.add("c", right);
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").connect("room", net.now()));
    net.run("c", net.engine("c").connect("room", net.now()));
    EXPECT_EQ(net.events("b", "onerror").back().payload["code"], "WRONG_PASSWORD");
    EXPECT_EQ(net.engine("b").state(), SessionState::Idle);
    EXPECT_EQ(net.mesh(), pairs({"a|c"}));
}

TEST(EnginePresence, RoomNotAvailableAfterTheTimeoutThenJoinsWhenItOpens) {
    FakeNetwork net;
    net.add("a");
    net.add("b");
    net.run("b", net.engine("b").connect("room", net.now()));
    net.advance(3000);
    auto states = net.events("b", "onstatechange");
    ASSERT_FALSE(states.empty());
    EXPECT_EQ(states.back().payload["state"], "room-not-available");
    net.run("a", net.engine("a").open("room", net.now()));
    EXPECT_EQ(net.engine("b").state(), SessionState::Joined);
    EXPECT_EQ(net.mesh(), pairs({"a|b"}));
}

TEST(EnginePresence, CheckPresenceAnswersBothWays) {
    FakeNetwork net;
    net.add("a");
    net.add("b");
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").checkPresence("room", net.now()));
    net.run("b", net.engine("b").checkPresence("nowhere", net.now()));
    net.advance(3000);
    auto answers = net.events("b", "presence");
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[0].payload["sessionid"], "room");
    EXPECT_TRUE(answers[0].payload["exists"].get<bool>());
    EXPECT_EQ(answers[1].payload["sessionid"], "nowhere");
    EXPECT_FALSE(answers[1].payload["exists"].get<bool>());
}

TEST(EnginePresence, DonotJoinStopsAPendingJoin) {
    FakeNetwork net;
    net.add("b");
    net.run("b", net.engine("b").connect("room", net.now()));
    net.run("b", net.engine("b").donotJoin("room"));
    net.add("a");
    net.run("a", net.engine("a").open("room", net.now()));
    EXPECT_NE(net.engine("b").state(), SessionState::Joined);
    EXPECT_TRUE(net.mesh().empty());
}

TEST(EngineMedia, MuteAndStreamEndReachTheOthers) {
    FakeNetwork net;
    openAndJoinFour(net, configFor(Direction::ManyToMany));
    net.run("a", net.engine("a").setMuted("stream-a", true, false, true));
    net.run("a", net.engine("a").endStream("stream-a"));
    for (const char* id : {"b", "c", "d"}) {
        auto muted = net.events(id, "onmute");
        ASSERT_EQ(muted.size(), 1u) << id;
        EXPECT_EQ(muted[0].payload["muteType"], "audio");
        EXPECT_EQ(muted[0].payload["userid"], "a");
        ASSERT_EQ(net.events(id, "onstreamended").size(), 1u);
    }
}

TEST(EngineExtra, UpdatesFanOut) {
    FakeNetwork net;
    openAndJoinFour(net, configFor(Direction::ManyToMany));
    net.run("c", net.engine("c").updateExtra(R"({"status":"away"})"));
    for (const char* id : {"a", "b", "d"}) {
        auto updates = net.events(id, "onExtraDataUpdated");
        ASSERT_EQ(updates.size(), 1u) << id;
        EXPECT_EQ(updates[0].payload["extra"]["status"], "away");
        EXPECT_EQ(net.engine(id).room()->find("c")->extra, R"({"status":"away"})");
    }
    net.run("c", net.engine("c").updateExtra("{broken"));
    EXPECT_EQ(net.events("c", "onerror").back().payload["code"], "INVALID_ARGUMENT");
}

} // namespace
} // namespace rtcmc

namespace rtcmc {
namespace {

TEST(EngineCalls, RefuseToStartWithoutAValidUseridOrSessionId) {
    Engine engine(EngineConfig{});
    for (const Actions& actions :
         {engine.open("room", 0), engine.connect("room", 0), engine.join("room", {}, 0)}) {
        ASSERT_EQ(actions.size(), 1u);
        EXPECT_EQ(actions[0].event, PageEvent::OnError);
        EXPECT_NE(testing::wordsOf(actions[0]).find("userid must not be empty"), std::string::npos);
    }
    EngineConfig config;
    config.userid = "me";
    engine.configure(config);
    Actions bad = engine.open(std::string(300, 'r'), 0);
    ASSERT_EQ(bad.size(), 1u);
    EXPECT_NE(testing::wordsOf(bad[0]).find("session id is longer"), std::string::npos);
    EXPECT_EQ(engine.state(), SessionState::Idle);
}

TEST(EngineCalls, LateBrowserAnswersForAnEndedSessionAreIgnored) {
    EngineConfig config;
    config.userid = "me";
    Engine engine(config);
    engine.open("room", 0); // asks for media
    engine.leave();
    EXPECT_TRUE(engine.localMediaReady(5).empty());
    EXPECT_TRUE(engine.peerStateChanged("ghost", PeerState::Connected, 5).empty());
    EXPECT_TRUE(engine.localDescription("ghost", "offer", "v=0").empty());
    EXPECT_EQ(engine.state(), SessionState::Left);
}

} // namespace
} // namespace rtcmc

namespace rtcmc {
namespace {

TEST(EngineMedia, AddStreamGoesToTheLinksTheDirectionAllows) {
    testing::FakeNetwork net;
    EngineConfig config;
    config.session = parseSession("only data").value();
    for (const char* id : {"a", "b", "c"}) {
        net.add(id, config);
    }
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").connect("room", net.now()));
    net.run("c", net.engine("c").connect("room", net.now()));
    Actions added = net.engine("b").addStream(parseSession("audio + video").value());
    ASSERT_EQ(added.size(), 1u);
    EXPECT_EQ(added[0].kind, ActionKind::CaptureMedia);
    EXPECT_EQ(added[0].name, "add");
    EXPECT_TRUE(added[0].media.video);
    EXPECT_EQ(net.engine("b").addStream(SessionType{})[0].event, PageEvent::OnError);
}

TEST(EngineMedia, OneWayViewersCannotAddStreams) {
    testing::FakeNetwork net;
    EngineConfig config;
    config.direction = Direction::OneWay;
    net.add("a", config);
    net.add("b", config);
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").connect("room", net.now()));
    Actions refused = net.engine("b").addStream(defaultSession());
    ASSERT_EQ(refused.size(), 1u);
    EXPECT_NE(testing::wordsOf(refused[0]).find("only the owner sends"), std::string::npos);
    EXPECT_EQ(net.engine("a").addStream(parseSession("screen").value())[0].kind,
              ActionKind::CaptureMedia);
}

TEST(EngineCalls, OpenWhileSearchingOpensTheRoom) {
    testing::FakeNetwork net;
    net.add("a");
    net.run("a", net.engine("a").connect("room", net.now()));
    net.run("a", net.engine("a").open("room", net.now()));
    EXPECT_EQ(net.engine("a").state(), SessionState::Open);
}

} // namespace
} // namespace rtcmc

namespace rtcmc {
namespace {

TEST(EngineManualSessions, OnSessionClosedWhenTheOwnerClosesIt) {
    testing::FakeNetwork net;
    EngineConfig owner;
    owner.autoCloseEntireSession = true;
    net.add("a", owner);
    EngineConfig watcher;
    watcher.autoJoin = false;
    net.add("w", watcher);
    net.run("a", net.engine("a").open("room", net.now()));
    ASSERT_EQ(net.events("w", "onNewSession").size(), 1u);
    net.run("a", net.engine("a").leave());
    auto closed = net.events("w", "onSessionClosed");
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].payload["userid"], "a");
}

} // namespace
} // namespace rtcmc
