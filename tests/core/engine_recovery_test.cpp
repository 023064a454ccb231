// A link whose network path breaks is restarted by the core (ICE restart through the same
// signaling), and given up with a reason only after maxIceRestarts restarts that did not
// reconnect (engine/engine_recovery.cpp).
#include <gtest/gtest.h>

#include "support/engine_rooms.hpp"

namespace rtcmc {
namespace {

using testing::configFor;
using testing::FakeNetwork;
using testing::pairs;

// Two members in a room; "a" owns it and "b" dialed it (b is the offerer of the link).
void openAndJoinTwo(FakeNetwork& net, EngineConfig config = configFor(Direction::ManyToMany)) {
    net.add("a", config);
    net.add("b", config);
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").connect("room", net.now()));
    ASSERT_EQ(net.mesh(), pairs({"a|b"}));
}

std::vector<std::string> states(const FakeNetwork& net, const std::string& userid) {
    std::vector<std::string> out;
    for (const auto& event : net.events(userid, "onPeerStateChanged")) {
        out.push_back(event.payload["state"].get<std::string>());
    }
    return out;
}

TEST(EngineRecovery, AFailedLinkIsRestartedByItsOffererAndComesBack) {
    for (bool server : {false, true}) {
        FakeNetwork net(server);
        openAndJoinTwo(net);
        net.breakPath("a", "b", PeerState::Failed);
        // Only the offerer restarts at first: two offers would collide.
        EXPECT_EQ(net.actions("b", ActionKind::RestartIce).size(), 1u) << server;
        EXPECT_TRUE(net.actions("a", ActionKind::RestartIce).empty()) << server;
        EXPECT_TRUE(net.mesh().empty());
        net.restorePath("a", "b");
        // The next restart (after the timeout) goes through the restored path.
        net.advance(net.engine("b").config().iceRestartTimeoutMs);
        EXPECT_EQ(net.mesh(), pairs({"a|b"})) << server;
        for (const char* id : {"a", "b"}) {
            EXPECT_EQ(states(net, id).back(), "reconnected") << id << server;
            EXPECT_TRUE(net.events(id, "onleave").empty()) << id << server;
            EXPECT_TRUE(net.events(id, "onerror").empty()) << id << server;
            EXPECT_TRUE(net.hasLink(id, id[0] == 'a' ? "b" : "a"));
        }
        EXPECT_EQ(net.engine("a").room()->members().size(), 2u);
        // A later outage starts counting from one again.
        net.breakPath("a", "b", PeerState::Failed);
        const nlohmann::json reconnecting = net.events("b", "onPeerStateChanged").back().payload;
        EXPECT_EQ(reconnecting["state"], "reconnecting");
        EXPECT_EQ(reconnecting["attempt"], 1);
        EXPECT_EQ(reconnecting["iceConnectionState"], "failed");
    }
}

TEST(EngineRecovery, AShortDisconnectionHealsWithoutARestart) {
    FakeNetwork net;
    openAndJoinTwo(net);
    net.breakPath("a", "b", PeerState::Disconnected);
    net.advance(net.engine("a").config().iceRestartDelayMs / 2);
    net.restorePath("a", "b", true);
    net.advanceBy(20000, 500);
    for (const char* id : {"a", "b"}) {
        EXPECT_TRUE(net.actions(id, ActionKind::RestartIce).empty()) << id;
        EXPECT_TRUE(states(net, id).empty()) << id; // nothing to report: it never went away
    }
    EXPECT_EQ(net.mesh(), pairs({"a|b"}));
}

TEST(EngineRecovery, ALinkDisconnectedPastTheDelayIsRestarted) {
    FakeNetwork net;
    openAndJoinTwo(net);
    const EngineConfig& config = net.engine("b").config();
    net.breakPath("a", "b", PeerState::Disconnected);
    net.advance(config.iceRestartDelayMs - 1);
    EXPECT_TRUE(net.actions("b", ActionKind::RestartIce).empty());
    net.advance(1);
    EXPECT_EQ(net.actions("b", ActionKind::RestartIce).size(), 1u);
    EXPECT_EQ(net.events("b", "onPeerStateChanged").back().payload["iceConnectionState"],
              "disconnected");
    net.restorePath("a", "b");
    net.advance(config.iceRestartTimeoutMs);
    EXPECT_EQ(net.mesh(), pairs({"a|b"}));
}

TEST(EngineRecovery, BothSidesRestartFromTheSecondAttempt) {
    FakeNetwork net;
    openAndJoinTwo(net);
    net.breakPath("a", "b", PeerState::Failed);
    net.advance(net.engine("a").config().iceRestartTimeoutMs);
    EXPECT_EQ(net.actions("b", ActionKind::RestartIce).size(), 2u);
    EXPECT_EQ(net.actions("a", ActionKind::RestartIce).size(), 1u);
}

TEST(EngineRecovery, APathThatNeverComesBackIsGivenUpWithAReason) {
    for (bool server : {false, true}) {
        FakeNetwork net(server);
        EngineConfig config = configFor(Direction::ManyToMany);
        config.maxIceRestarts = 3;
        config.iceRestartTimeoutMs = 1000;
        openAndJoinTwo(net, config);
        net.breakPath("a", "b", PeerState::Failed);
        net.advanceBy(2000, 1000); // two restarts each, not the end yet
        EXPECT_TRUE(net.events("b", "onerror").empty()) << server;
        net.advance(1000);
        for (const char* id : {"a", "b"}) {
            const std::string peer = id[0] == 'a' ? "b" : "a";
            EXPECT_EQ(states(net, id), (std::vector<std::string>{"reconnecting", "reconnecting",
                                                                 "reconnecting", "failed"}))
                << id << server;
            const auto errors = net.events(id, "onerror");
            ASSERT_EQ(errors.size(), 1u) << id << server;
            EXPECT_EQ(errors[0].payload["code"], "PEER_CONNECTION_FAILED");
            EXPECT_EQ(errors[0].payload["remoteUserId"], peer);
            EXPECT_FALSE(net.hasLink(id, peer)) << id << server;
        }
        EXPECT_LE(net.actions("b", ActionKind::RestartIce).size(), 3u);
        if (!server) {
            // Over pub/sub nobody else can tell: the member is gone, and said so once.
            ASSERT_EQ(net.events("a", "onleave").size(), 1u);
            EXPECT_EQ(net.events("a", "onleave")[0].payload["reason"], "disconnected");
        }
        net.advanceBy(20000, 1000); // nothing more happens
        EXPECT_EQ(net.events("b", "onerror").size(), 1u) << server;
    }
}

TEST(EngineRecovery, WithoutAutoRedialAFailedLinkIsGivenUpAtOnce) {
    FakeNetwork net;
    EngineConfig config = configFor(Direction::ManyToMany);
    config.autoRedialOnFailure = false;
    openAndJoinTwo(net, config);
    net.breakPath("a", "b", PeerState::Failed);
    EXPECT_TRUE(net.actions("b", ActionKind::RestartIce).empty());
    EXPECT_EQ(net.events("a", "onleave").size(), 1u);
    EXPECT_TRUE(net.events("a", "onPeerStateChanged").empty());
}

TEST(EngineRecovery, AMemberLeavingDuringARestartEndsIt) {
    FakeNetwork net(true);
    openAndJoinTwo(net);
    net.breakPath("a", "b", PeerState::Failed);
    net.run("b", net.engine("b").leave());
    net.advanceBy(60000, 1000);
    EXPECT_TRUE(net.events("a", "onerror").empty());
    EXPECT_EQ(net.events("a", "onleave").size(), 1u);
    EXPECT_EQ(net.actions("a", ActionKind::RestartIce).size(), 0u);
}

TEST(EngineRecovery, FailuresOfUnknownOrClosedLinksAreIgnored) {
    FakeNetwork net;
    openAndJoinTwo(net);
    EXPECT_TRUE(net.engine("a").peerStateChanged("ghost", PeerState::Failed, net.now()).empty());
    EXPECT_TRUE(
        net.engine("a").peerStateChanged("ghost", PeerState::Disconnected, net.now()).empty());
}

} // namespace
} // namespace rtcmc

namespace rtcmc {
namespace {

// An offer whose answer never comes (its peer crashed first), or checks that never succeed:
// the new link is restarted past its first-connection window, then given up; never a wait
// without end.
TEST(EngineRecovery, ALinkThatNeverConnectsIsRestartedThenGivenUp) {
    for (bool restored : {true, false}) {
        testing::FakeNetwork net;
        const EngineConfig config = testing::configFor(Direction::ManyToMany);
        net.add("a", config);
        net.add("b", config);
        net.breakPath("a", "b", PeerState::Failed); // no link yet: nothing to report
        net.run("a", net.engine("a").open("room", net.now()));
        net.run("b", net.engine("b").connect("room", net.now()));
        ASSERT_EQ(net.engine("b").state(), SessionState::Joined);
        EXPECT_TRUE(net.mesh().empty());
        const std::uint64_t window = config.iceRestartDelayMs + 2ull * config.iceRestartTimeoutMs;
        net.advance(window - 1);
        EXPECT_TRUE(net.actions("b", ActionKind::RestartIce).empty());
        net.advance(1);
        EXPECT_EQ(net.actions("b", ActionKind::RestartIce).size(), 1u);
        EXPECT_EQ(net.events("b", "onPeerStateChanged").back().payload["iceConnectionState"],
                  "connecting");
        if (restored) {
            net.restorePath("a", "b");
            net.advance(config.iceRestartTimeoutMs);
            EXPECT_EQ(net.mesh(), testing::pairs({"a|b"}));
            EXPECT_TRUE(net.events("a", "onleave").empty());
        } else {
            net.advanceBy(config.iceRestartTimeoutMs * config.maxIceRestarts, 1000);
            EXPECT_EQ(net.events("a", "onleave").size(), 1u);
            EXPECT_EQ(net.events("b", "onerror").back().payload["code"], "PEER_CONNECTION_FAILED");
            EXPECT_FALSE(net.hasLink("b", "a"));
        }
    }
}

} // namespace
} // namespace rtcmc

namespace rtcmc {
namespace {

// The page's settings are whatever it typed: the core keeps them within its bounds.
TEST(EngineRecovery, RestartSettingsAreKeptWithinBounds) {
    EngineConfig wild;
    wild.iceRestartDelayMs = 4000000000u;
    wild.iceRestartTimeoutMs = 0;
    wild.maxIceRestarts = 1000000;
    const Engine engine(wild);
    EXPECT_EQ(engine.config().iceRestartDelayMs, kMaxIceRestartDelayMs);
    EXPECT_EQ(engine.config().iceRestartTimeoutMs, kMinIceRestartTimeoutMs);
    EXPECT_EQ(engine.config().maxIceRestarts, kMaxIceRestarts);
    EngineConfig slow;
    slow.iceRestartTimeoutMs = 4000000000u;
    EXPECT_EQ(Engine(slow).config().iceRestartTimeoutMs, kMaxIceRestartTimeoutMs);
    const EngineConfig defaults;
    EXPECT_EQ(Engine(defaults).config().iceRestartTimeoutMs, 6000u);
}

} // namespace
} // namespace rtcmc
