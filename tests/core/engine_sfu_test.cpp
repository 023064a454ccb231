// The engine in a room whose media goes through the server's SFU (engine_sfu.cpp): the
// opener asks for it, the server decides, every member gets a plan from the direction's
// rules, peer links carry data only, and remote streams come from members, not links.
#include <gtest/gtest.h>

#include "support/engine_rooms.hpp"

namespace rtcmc {
namespace {

using nlohmann::json;
using testing::configFor;
using testing::FakeNetwork;
using testing::openAndJoinFour;
using testing::pairs;

EngineConfig sfuConfig(Direction direction, const char* session = "audio+video+data") {
    EngineConfig config = configFor(direction, parseSession(session).value());
    config.sfu = true;
    return config;
}

// The plan the page got when its open() or join() went through ("opened" / "joined").
json planOf(const FakeNetwork& net, const std::string& userid) {
    const char* notice = userid == "a" ? "opened" : "joined";
    const auto events = net.events(userid, notice);
    return events.empty() ? json("no " + std::string(notice)) : events.back().payload["sfu"];
}

TEST(EngineSfu, LinksCarryDataOnlyAndEveryoneGetsThePlan) {
    FakeNetwork net(true);
    openAndJoinFour(net, sfuConfig(Direction::ManyToMany));
    EXPECT_EQ(net.mesh(), pairs({"a|b", "a|c", "a|d", "b|c", "b|d", "c|d"}));
    for (const char* id : {"a", "b", "c", "d"}) {
        EXPECT_TRUE(net.mediaLinks(id).empty()) << id;
        EXPECT_EQ(planOf(net, id),
                  (json{{"publish", true}, {"receiveFrom", "everyone"}, {"owner", "a"}}))
            << id;
    }
}

// Every way a session in an SFU room ends tells the page to leave Janus; no other member's
// session, and no mesh room, does.
TEST(EngineSfu, TheSessionsEndLeavesTheSfu) {
    FakeNetwork net(true);
    EngineConfig config = sfuConfig(Direction::ManyToMany, "audio+video");
    config.autoCloseEntireSession = true;
    openAndJoinFour(net, config);
    net.run("a", net.engine("a").eject("c"));
    EXPECT_EQ(net.engine("c").state(), SessionState::Ejected);
    EXPECT_EQ(net.actions("c", ActionKind::LeaveSfu).size(), 1u) << "ejected";
    net.run("d", net.engine("d").leave());
    EXPECT_EQ(net.actions("d", ActionKind::LeaveSfu).size(), 1u) << "left";
    for (const char* id : {"a", "b"}) {
        EXPECT_TRUE(net.actions(id, ActionKind::LeaveSfu).empty()) << id << " is still in the room";
    }
    net.run("a", net.engine("a").leave());
    for (const char* id : {"a", "b"}) {
        EXPECT_EQ(net.actions(id, ActionKind::LeaveSfu).size(), 1u)
            << id << ": the owner closed it";
    }

    FakeNetwork mesh(true);
    openAndJoinFour(mesh, configFor(Direction::ManyToMany, parseSession("audio+video").value()));
    mesh.run("a", mesh.engine("a").eject("c"));
    EXPECT_TRUE(mesh.actions("c", ActionKind::LeaveSfu).empty()) << "a mesh room has no SFU";
}

TEST(EngineSfu, ARoomWithoutDataNeedsNoLinks) {
    FakeNetwork net(true);
    openAndJoinFour(net, sfuConfig(Direction::ManyToMany, "audio+video"));
    EXPECT_TRUE(net.mesh().empty());
    EXPECT_EQ(net.engine("a").state(), SessionState::Open);
    for (const char* id : {"b", "c", "d"}) {
        EXPECT_EQ(net.engine(id).state(), SessionState::Joined) << id;
        EXPECT_EQ(planOf(net, id)["publish"], true) << id;
    }
}

TEST(EngineSfu, ThePlanFollowsTheDirection) {
    struct Row {
        Direction direction;
        json owner;
        json participant;
    };
    for (const Row& row : {
             // A broadcast: participants send to the owner only, and see the owner only.
             Row{Direction::OneToMany,
                 {{"publish", true}, {"receiveFrom", "everyone"}, {"owner", "a"}},
                 {{"publish", true}, {"receiveFrom", "owner"}, {"owner", "a"}}},
             // One-way: the owner sends and receives nothing; the others only watch.
             Row{Direction::OneWay,
                 {{"publish", true}, {"receiveFrom", "nobody"}, {"owner", "a"}},
                 {{"publish", false}, {"receiveFrom", "owner"}, {"owner", "a"}}},
         }) {
        FakeNetwork net(true);
        openAndJoinFour(net, sfuConfig(row.direction));
        EXPECT_EQ(planOf(net, "a"), row.owner) << toString(row.direction);
        for (const char* id : {"b", "c", "d"}) {
            EXPECT_EQ(planOf(net, id), row.participant) << toString(row.direction) << " " << id;
        }
    }
}

TEST(EngineSfu, AJoinerWithoutMediaOnlyWatches) {
    FakeNetwork net(true);
    net.add("a", sfuConfig(Direction::ManyToMany));
    EngineConfig viewer = sfuConfig(Direction::ManyToMany);
    viewer.dontAttachStream = true;
    net.add("b", viewer);
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").connect("room", net.now()));
    EXPECT_EQ(planOf(net, "b"),
              (json{{"publish", false}, {"receiveFrom", "everyone"}, {"owner", "a"}}));
}

TEST(EngineSfu, TheOpenRequestCarriesTheBitrate) {
    FakeNetwork net(true);
    EngineConfig config = sfuConfig(Direction::ManyToMany);
    config.sfuBitrate = 512000;
    openAndJoinFour(net, config);
    EXPECT_EQ(net.serverSfuBitrate("room"), 512000u);
}

TEST(EngineSfu, ABitrateOutsideTheBoundsLeavesTheServersDefault) {
    for (std::uint32_t bitrate : {8000u, 20000000u}) {
        FakeNetwork net(true);
        EngineConfig config = sfuConfig(Direction::ManyToMany);
        config.sfuBitrate = bitrate;
        openAndJoinFour(net, config);
        EXPECT_EQ(net.serverSfuBitrate("room"), 0u) << bitrate;
        EXPECT_EQ(net.engine("a").state(), SessionState::Open);
    }
}

TEST(EngineSfu, AServerWithoutAnSfuKeepsTheMesh) {
    FakeNetwork net(true);
    net.setServerHasSfu(false);
    openAndJoinFour(net, sfuConfig(Direction::ManyToMany));
    EXPECT_EQ(net.mesh().size(), 6u);
    EXPECT_TRUE(planOf(net, "a").is_null());
    EXPECT_TRUE(planOf(net, "b").is_null());
    EXPECT_EQ(net.mediaLinks("b"), (std::set<std::string>{"a", "c", "d"}));
}

TEST(EngineSfu, AMeshRoomIsNotAnSfuRoomWhateverAJoinerSets) {
    FakeNetwork net(true);
    net.add("a", configFor(Direction::ManyToMany));
    net.add("b", sfuConfig(Direction::ManyToMany));
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").connect("room", net.now()));
    EXPECT_TRUE(planOf(net, "b").is_null());
    EXPECT_EQ(net.mediaLinks("b"), (std::set<std::string>{"a"}));
}

TEST(EngineSfu, RemoteStreamsComeFromMembersTheDirectionLetsThrough) {
    FakeNetwork net(true);
    openAndJoinFour(net, sfuConfig(Direction::OneToMany, "audio+video"));
    // c sees the owner's stream through the SFU, though no link joins them.
    Actions seen = net.engine("c").remoteStreamAdded("a", "stream-of-a");
    ASSERT_EQ(seen.size(), 1u);
    const json event = json::parse(seen[0].text);
    EXPECT_EQ(event["userid"], "a");
    EXPECT_EQ(event["streamid"], "stream-of-a");
    EXPECT_EQ(event["isInitiator"], true);
    // Another participant's stream is not c's to see in a broadcast; a stranger's never.
    EXPECT_TRUE(net.engine("c").remoteStreamAdded("d", "stream-of-d").empty());
    EXPECT_TRUE(net.engine("c").remoteStreamAdded("zz", "stranger").empty());
    EXPECT_TRUE(net.engine("c").remoteStreamAdded("c", "own").empty());
    // The owner sees everyone's.
    EXPECT_EQ(net.engine("a").remoteStreamAdded("d", "stream-of-d").size(), 1u);
    Actions ended = net.engine("c").remoteStreamRemoved("a", "stream-of-a");
    ASSERT_EQ(ended.size(), 1u);
    EXPECT_EQ(json::parse(ended[0].text)["streamid"], "stream-of-a");
}

} // namespace
} // namespace rtcmc
