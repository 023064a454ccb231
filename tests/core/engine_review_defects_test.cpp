// Defects found in a review of the engine (issue 13), each reproduced here first: the tests
// failed before the fixes and hold the line since.
#include <gtest/gtest.h>

#include "support/engine_rooms.hpp"
#include "support/texts.hpp"

namespace rtcmc {
namespace {

using testing::FakeNetwork;

EngineConfig withUser(EngineConfig config, const char* userid) {
    config.userid = userid;
    return config;
}

// A leave() while the open-room request is still unanswered must still reach the server: the
// server handles a socket's requests in order, so the leave-room that follows removes the room
// it has just made. Without it the room stayed owned by a user who had left.
TEST(EngineReviewDefects, LeaveWhileOpeningStillLeavesTheServerRoom) {
    FakeNetwork net(true);
    EngineConfig config;
    config.session = parseSession("only data").value();
    net.add("a", config);
    net.act("a", net.engine("a").open("room", net.now()));
    EXPECT_EQ(net.engine("a").state(), SessionState::Opening);
    net.act("a", net.engine("a").leave());
    net.deliver();
    EXPECT_TRUE(net.serverMembers("room").empty());
    EXPECT_EQ(net.engine("a").state(), SessionState::Left);
}

// An answer to open-room that is not a valid room view must not make this side the owner.
TEST(EngineReviewDefects, AnInvalidOpenReplyDoesNotOpen) {
    EngineConfig config = withUser({}, "a");
    config.authority = RoomAuthority::Server;
    config.session = parseSession("only data").value();
    Engine engine(config);
    Actions opening = engine.open("room", 0);
    ASSERT_EQ(engine.state(), SessionState::Opening);
    ASSERT_FALSE(opening.empty());
    const std::string asked = opening.back().text;
    Actions replied =
        engine.serverReply("open-room", asked, R"({"ok":true,"room":{"owner":7}})", 10);
    EXPECT_NE(engine.state(), SessionState::Open);
    bool opened = false;
    bool reported = false;
    for (const Action& action : replied) {
        opened |= action.event == PageEvent::Opened;
        reported |= action.event == PageEvent::OnError;
    }
    EXPECT_FALSE(opened);
    EXPECT_TRUE(reported);
}

// A join-accept that fails the checks (here: its member list lacks the owner) must not make
// this side a member.
TEST(EngineReviewDefects, AJoinAcceptIsCheckedBeforeTheJoinCounts) {
    FakeNetwork net;
    EngineConfig config;
    config.session = parseSession("only data").value();
    net.add("a", config);
    net.add("b", config);
    net.run("a", net.engine("a").open("room", net.now()));
    net.act("b", net.engine("b").join("room", std::nullopt, net.now()));
    ASSERT_EQ(net.engine("b").state(), SessionState::Joining);
    // The owner's accept, forged without the owner among the members.
    const std::string forged =
        R"({"v":1,"type":"join-accept","room":"room","from":"a","to":"b","owner":"a",)"
        R"("members":[{"userid":"b","extra":{},"joinedAs":{"data":true}}],)"
        R"("session":{"data":true},"direction":"many-to-many","maxParticipantsAllowed":10})";
    Actions answered = net.engine("b").receiveSignal(forged, "", net.now());
    EXPECT_EQ(net.engine("b").state(), SessionState::Joining);
    for (const Action& action : answered) {
        EXPECT_NE(action.event, PageEvent::Joined);
    }
}

// With the room's owner as authority (openSignalingChannel), an ejected user must not get
// back in by asking again.
TEST(EngineReviewDefects, AnEjectedUserCannotJoinAgainOverPubSub) {
    FakeNetwork net;
    EngineConfig config;
    config.session = parseSession("only data").value();
    for (const char* id : {"a", "b"}) {
        net.add(id, config);
    }
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").connect("room", net.now()));
    ASSERT_EQ(net.engine("b").state(), SessionState::Joined);
    net.run("a", net.engine("a").eject("b"));
    ASSERT_EQ(net.engine("b").state(), SessionState::Ejected);
    net.run("b", net.engine("b").join("room", std::nullopt, net.now()));
    EXPECT_NE(net.engine("b").state(), SessionState::Joined);
    EXPECT_FALSE(net.engine("a").room()->contains("b"));
    auto errors = net.events("b", "onerror");
    ASSERT_FALSE(errors.empty());
    EXPECT_EQ(errors.back().payload["code"], "EJECTED");
}

// A member-left from the owner hands the room over with the real time: the new owner's next
// announcement is one interval from now, not one interval after the epoch.
TEST(EngineReviewDefects, AHandoverAfterMemberLeftSchedulesFromNow) {
    FakeNetwork net;
    EngineConfig config;
    config.session = parseSession("only data").value();
    config.announceIntervalMs = 3000;
    for (const char* id : {"a", "b", "c"}) {
        net.add(id, config);
    }
    net.advance(1'000'000);
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").connect("room", net.now()));
    net.run("c", net.engine("c").connect("room", net.now()));
    // The owner reports itself gone (as a member-left): the longest-present member, b, takes
    // the room over.
    const std::string leave =
        R"({"v":1,"type":"member-left","room":"room","from":"a","userid":"a","reason":"disconnected"})";
    Actions handed = net.engine("b").receiveSignal(leave, "", net.now());
    ASSERT_TRUE(net.engine("b").isOwner());
    bool scheduled = false;
    for (const Action& action : handed) {
        if (action.kind == ActionKind::ScheduleTick) {
            scheduled = true;
            EXPECT_GE(action.at, static_cast<double>(net.now()));
        }
    }
    EXPECT_TRUE(scheduled);
}

// Every signal names the room of the message it carries: the channel relays it there, not
// wherever the page's sessionid points by now.
TEST(EngineReviewDefects, SignalsNameTheirRoom) {
    FakeNetwork net(true);
    EngineConfig config;
    config.session = parseSession("only data").value();
    for (const char* id : {"a", "b"}) {
        net.add(id, config);
    }
    net.run("a", net.engine("a").open("room-1", net.now()));
    net.run("b", net.engine("b").connect("room-1", net.now()));
    std::size_t signals = 0;
    for (const char* id : {"a", "b"}) {
        for (const Action& action : net.actions(id, ActionKind::SendSignal)) {
            EXPECT_EQ(action.name, "room-1");
            ++signals;
        }
    }
    EXPECT_GT(signals, 0u);
}

} // namespace
} // namespace rtcmc
