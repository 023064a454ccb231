// Settings of the v1.8 notes that the engine decides on: sdpConstraints, candidates,
// trickleIce, open({captureUserMediaOnDemand}), and the callbacks of a room its owner closes.
#include <gtest/gtest.h>

#include <optional>

#include "support/engine_rooms.hpp"

namespace rtcmc {
namespace {

using testing::FakeNetwork;

EngineConfig dataOnly() {
    EngineConfig config;
    config.session = parseSession("only data").value();
    return config;
}

// A copy, not a pointer: the vectors passed here are temporaries.
std::optional<Action> firstOf(const std::vector<Action>& actions) {
    if (actions.empty())
        return std::nullopt;
    return actions.front();
}

TEST(EngineSeedSettings, SdpConstraintsAskForMediaTheRoomDoesNotShareYet) {
    FakeNetwork net(true);
    EngineConfig asking = dataOnly();
    asking.offerToReceiveAudio = 1;
    asking.offerToReceiveVideo = 1;
    net.add("a", dataOnly());
    net.add("b", asking);
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").connect("room", net.now()));
    std::optional<Action> created = firstOf(net.actions("b", ActionKind::CreatePeer));
    ASSERT_TRUE(created.has_value());
    EXPECT_TRUE(created->offerer);
    EXPECT_TRUE(created->receive.audio);
    EXPECT_TRUE(created->receive.video);
    // ... and can refuse what it shares.
    FakeNetwork refusing(true);
    EngineConfig audioVideo;
    EngineConfig declining = audioVideo;
    declining.offerToReceiveVideo = 0;
    refusing.add("a", audioVideo);
    refusing.add("b", declining);
    refusing.run("a", refusing.engine("a").open("room", refusing.now()));
    refusing.run("b", refusing.engine("b").connect("room", refusing.now()));
    std::optional<Action> plan = firstOf(refusing.actions("b", ActionKind::CreatePeer));
    ASSERT_TRUE(plan.has_value());
    EXPECT_TRUE(plan->receive.audio);
    EXPECT_FALSE(plan->receive.video);
}

TEST(EngineSeedSettings, CandidatesOfUnwantedKindsNeverLeave) {
    EngineConfig config = dataOnly();
    config.candidateHost = false;
    FakeNetwork net(true);
    net.add("a", config);
    net.add("b", config);
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").connect("room", net.now()));
    ASSERT_EQ(net.engine("b").state(), SessionState::Joined);
    Engine& b = net.engine("b");
    EXPECT_TRUE(
        b.localCandidate("a", "candidate:1 1 udp 2122 198.18.0.1 5000 typ host", "0", 0).empty());
    const Actions relay = b.localCandidate(
        "a", "candidate:2 1 udp 41 203.0.113.9 3478 typ relay raddr 0.0.0.0 rport 0", "0", 0);
    ASSERT_EQ(relay.size(), 1u);
    EXPECT_EQ(relay[0].kind, ActionKind::SendSignal);
    const Actions reflexive = b.localCandidate(
        "a", "candidate:3 1 udp 1686 203.0.113.7 5000 typ srflx raddr 10.0.0.2 rport 5000", "0", 0);
    EXPECT_EQ(reflexive.size(), 1u);
    // Relay alone: the browser is told to gather nothing else.
    EngineConfig relayOnly = dataOnly();
    relayOnly.candidateHost = false;
    relayOnly.candidateReflexive = false;
    FakeNetwork relayed(true);
    relayed.add("a", relayOnly);
    relayed.add("b", relayOnly);
    relayed.run("a", relayed.engine("a").open("room", relayed.now()));
    relayed.run("b", relayed.engine("b").connect("room", relayed.now()));
    for (const char* id : {"a", "b"}) {
        std::optional<Action> created = firstOf(relayed.actions(id, ActionKind::CreatePeer));
        ASSERT_TRUE(created.has_value()) << id;
        EXPECT_EQ(created->name, "relay") << id;
    }
    EXPECT_EQ(firstOf(net.actions("b", ActionKind::CreatePeer))->name, "all");
}

TEST(EngineSeedSettings, WithoutTrickleNoCandidateIsSignaled) {
    EngineConfig config = dataOnly();
    config.trickleIce = false;
    FakeNetwork net(true);
    net.add("a", config);
    net.add("b", config);
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").connect("room", net.now()));
    ASSERT_EQ(net.engine("b").state(), SessionState::Joined);
    EXPECT_FALSE(firstOf(net.actions("b", ActionKind::CreatePeer))->trickle);
    for (const char* id : {"a", "b"}) {
        for (const Action& signal : net.actions(id, ActionKind::SendSignal)) {
            EXPECT_EQ(signal.text.find("\"type\":\"candidate\""), std::string::npos) << id;
        }
    }
}

TEST(EngineSeedSettings, CaptureOnDemandWaitsForTheFirstParticipant) {
    EngineConfig owner;
    owner.captureMediaOnDemand = true;
    for (const bool server : {true, false}) {
        FakeNetwork net(server);
        net.add("a", owner);
        net.add("b");
        net.run("a", net.engine("a").open("room", net.now()));
        EXPECT_EQ(net.engine("a").state(), SessionState::Open) << server;
        EXPECT_TRUE(net.actions("a", ActionKind::CaptureMedia).empty()) << server;
        net.run("b", net.engine("b").connect("room", net.now()));
        auto captures = net.actions("a", ActionKind::CaptureMedia);
        ASSERT_EQ(captures.size(), 1u) << server;
        EXPECT_EQ(captures[0].name, "add");
        EXPECT_TRUE(captures[0].media.audio);
        EXPECT_TRUE(captures[0].media.video);
        EXPECT_EQ(net.engine("b").state(), SessionState::Joined) << server;
    }
}

TEST(EngineSeedSettings, MembersHearBothCallbacksWhenTheOwnerClosesTheRoom) {
    for (const bool server : {true, false}) {
        FakeNetwork net(server);
        EngineConfig config = dataOnly();
        config.autoCloseEntireSession = true;
        for (const char* id : {"a", "b"}) {
            net.add(id, config);
        }
        net.run("a", net.engine("a").open("room", net.now()));
        net.run("b", net.engine("b").connect("room", net.now()));
        net.run("a", net.engine("a").leave());
        const auto closed = net.events("b", "onSessionClosed");
        const auto entire = net.events("b", "onEntireSessionClosed");
        ASSERT_EQ(closed.size(), 1u) << server;
        ASSERT_EQ(entire.size(), 1u) << server;
        EXPECT_EQ(closed[0].payload["sessionid"], "room");
        EXPECT_EQ(closed[0].payload["userid"], "a");
        EXPECT_EQ(entire[0].payload, closed[0].payload);
    }
}

} // namespace
} // namespace rtcmc

namespace rtcmc {
namespace {

// v1.8 pages call sharePartOfScreen() (an addStream) right after open(): the stream waits for
// the session instead of failing, and is dropped if the session never starts.
TEST(EngineSeedSettings, AddStreamWhileOpeningWaitsForTheSession) {
    FakeNetwork net(true);
    net.add("a", dataOnly());
    Engine& a = net.engine("a");
    Actions opening = a.open("room", net.now());
    ASSERT_EQ(a.state(), SessionState::Opening);
    EXPECT_TRUE(a.addStream(parseSession("screen").value()).empty());
    net.run("a", opening);
    ASSERT_EQ(a.state(), SessionState::Open);
    std::optional<Action> capture = firstOf(net.actions("a", ActionKind::CaptureMedia));
    ASSERT_TRUE(capture.has_value());
    EXPECT_EQ(capture->name, "add");
    EXPECT_TRUE(capture->media.screen);
}

TEST(EngineSeedSettings, AddStreamWhileOpeningIsDroppedWithTheSession) {
    FakeNetwork net(true);
    net.add("a", dataOnly());
    Engine& a = net.engine("a");
    a.open("room", net.now()); // the server does not answer in time: the page leaves first
    EXPECT_TRUE(a.addStream(parseSession("screen").value()).empty());
    a.leave();
    // Every request gets one answer: the channel turns the missing one into a TIMEOUT error
    // (web/signaling/socketio-channel.js), and only then does the next open-room's count.
    a.serverReply("open-room", R"({"roomid":"room"})",
                  R"({"ok":false,"error":{"code":"TIMEOUT","message":"no answer"}})", net.now());
    net.run("a", a.open("another-room", net.now()));
    EXPECT_EQ(a.state(), SessionState::Open);
    EXPECT_FALSE(firstOf(net.actions("a", ActionKind::CaptureMedia)).has_value());
}

} // namespace
} // namespace rtcmc
