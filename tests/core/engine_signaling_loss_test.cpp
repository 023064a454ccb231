// Issue 15, "Signaling loss": the signaling server goes away during a call (its process died)
// and the members come back one by one with their resume tokens, while the peer links carry
// the media on. What was sent to a member while it was away was refused, so the engines
// make the room whole again when it is back (docs/server.md, "Resuming"): the server tells the
// room (member-resumed), the member that comes back asks for the room as it is now (get-room),
// and the offerer of a link that never connected dials it again.
#include <algorithm>

#include <gtest/gtest.h>

#include "support/engine_rooms.hpp"

namespace rtcmc {
namespace {

using testing::configFor;
using testing::FakeNetwork;
using testing::pairs;

std::size_t count(const FakeNetwork& net, const std::string& userid, ActionKind kind,
                  const std::string& peer) {
    std::size_t found = 0;
    for (const Action& action : net.actions(userid, kind)) {
        found += action.peer == peer ? 1 : 0;
    }
    return found;
}

// The statuses the page of `userid` heard about `other`, in order.
std::vector<std::string> statuses(const FakeNetwork& net, const std::string& userid,
                                  const std::string& other) {
    std::vector<std::string> seen;
    for (const auto& event : net.events(userid, "onUserStatusChanged")) {
        if (event.payload["userid"] == other) {
            seen.push_back(event.payload["status"].get<std::string>());
        }
    }
    return seen;
}

// "a" opens, "b" joins: a call in progress.
void callOfTwo(FakeNetwork& net) {
    for (const char* id : {"a", "b", "c"}) {
        net.add(id, configFor(Direction::ManyToMany));
    }
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").connect("room", net.now()));
    ASSERT_EQ(net.mesh(), pairs({"a|b"}));
}

void expectQuietPages(const FakeNetwork& net) {
    for (const char* id : {"a", "b", "c"}) {
        EXPECT_TRUE(net.events(id, "onleave").empty()) << id;
        EXPECT_TRUE(net.events(id, "onerror").empty()) << id;
    }
}

// The reported bug: the server restarts, a newcomer joins before the members resumed, its
// offers are refused, and nobody tried again.
TEST(EngineSignalingLoss, ANewcomerMeetsMembersThatResumeAfterItJoined) {
    FakeNetwork net(true);
    callOfTwo(net);
    net.signalingDown("a");
    net.signalingDown("b");
    net.run("c", net.engine("c").connect("room", net.now()));
    EXPECT_EQ(net.engine("c").state(), SessionState::Joined);
    EXPECT_EQ(net.mesh(), pairs({"a|b"})) << "its offers reached nobody";

    net.signalingBack("a"); // the owner first
    EXPECT_EQ(net.mesh(), pairs({"a|b", "a|c"}));
    net.signalingBack("b");
    EXPECT_EQ(net.mesh(), pairs({"a|b", "a|c", "b|c"}));

    // One link each way: the newcomer dialed each member twice, each member answered once.
    for (const char* member : {"a", "b"}) {
        EXPECT_EQ(count(net, "c", ActionKind::CreatePeer, member), 2u) << member;
        EXPECT_EQ(count(net, member, ActionKind::CreatePeer, "c"), 1u) << member;
        EXPECT_EQ(count(net, member, ActionKind::ClosePeer, "c"), 0u) << member;
        // Its join reached the page once, from the room as the server holds it.
        EXPECT_EQ(statuses(net, member, "c"), std::vector<std::string>{"online"}) << member;
        EXPECT_TRUE(net.engine(member).room()->contains("c")) << member;
    }
    // The link between the two members kept its connection.
    EXPECT_EQ(count(net, "a", ActionKind::CreatePeer, "b"), 1u);
    EXPECT_EQ(count(net, "b", ActionKind::CreatePeer, "a"), 1u);
    EXPECT_TRUE(net.engine("a").isOwner());
    expectQuietPages(net);
}

TEST(EngineSignalingLoss, TheOwnerResumesAfterANewcomerJoined) {
    FakeNetwork net(true);
    callOfTwo(net);
    net.signalingDown("a");
    net.run("c", net.engine("c").connect("room", net.now()));
    EXPECT_EQ(net.mesh(), pairs({"a|b", "b|c"}));
    net.signalingBack("a");
    EXPECT_EQ(net.mesh(), pairs({"a|b", "a|c", "b|c"}));
    // b heard nothing new: its links are up, and it knew c already.
    EXPECT_EQ(count(net, "b", ActionKind::CreatePeer, "c"), 1u);
    EXPECT_EQ(statuses(net, "b", "c"), std::vector<std::string>{"online"});
    EXPECT_EQ(statuses(net, "a", "c"), std::vector<std::string>{"online"});
    EXPECT_EQ(count(net, "c", ActionKind::CreatePeer, "b"), 1u);
    expectQuietPages(net);
}

// The newcomer's own connection drops before the owner is back: nobody can tell it the owner
// returned, so it dials again when it resumes itself.
TEST(EngineSignalingLoss, AnOffererThatWasAwayItselfDialsAgainWhenItResumes) {
    FakeNetwork net(true);
    callOfTwo(net);
    net.signalingDown("a");
    net.run("c", net.engine("c").connect("room", net.now()));
    net.signalingDown("c");
    net.signalingBack("a");
    EXPECT_TRUE(net.engine("a").room()->contains("c")) << "the owner caught up with the room";
    EXPECT_EQ(net.mesh(), pairs({"a|b", "b|c"}));
    net.signalingBack("c");
    EXPECT_EQ(net.mesh(), pairs({"a|b", "a|c", "b|c"}));
    EXPECT_EQ(count(net, "c", ActionKind::CreatePeer, "b"), 1u) << "a connected link stays";
    expectQuietPages(net);
}

// The first offer did reach the owner after all (late), and the newcomer dialed again anyway:
// the owner answers both, the newcomer drops the answer to the connection it closed, and the
// owner replaces the half that answered the old connection. One link in the end.
TEST(EngineSignalingLoss, AnAnswerToAReplacedConnectionIsDropped) {
    FakeNetwork net(true);
    callOfTwo(net);
    net.signalingDown("a");
    net.run("c", net.engine("c").connect("room", net.now()));
    std::string firstOffer;
    for (const Action& action : net.actions("c", ActionKind::SendSignal)) {
        if (action.peer == "a" && action.text.find("\"sdp\"") != std::string::npos) {
            firstOffer = action.text;
        }
    }
    ASSERT_FALSE(firstOffer.empty());
    // It reaches the owner's engine before the owner knows the newcomer: kept for later.
    net.run("a", net.engine("a").receiveSignal(firstOffer, "c", net.now()));
    net.signalingBack("a");
    EXPECT_EQ(net.mesh(), pairs({"a|b", "a|c", "b|c"}));
    EXPECT_EQ(count(net, "a", ActionKind::CreatePeer, "c"), 2u);
    EXPECT_EQ(count(net, "a", ActionKind::ClosePeer, "c"), 1u);
    EXPECT_EQ(count(net, "c", ActionKind::SetRemoteDescription, "a"), 1u)
        << "only the answer to the connection it holds";
    expectQuietPages(net);
}

// A member that never comes back is removed by the server (member-left, disconnected): its
// room-mates report it gone once, even when they had caught up with the room before.
TEST(EngineSignalingLoss, AMemberThatNeverComesBackIsReportedGoneOnce) {
    FakeNetwork net(true);
    callOfTwo(net);
    net.signalingDown("a");
    net.signalingDown("b");
    net.run("c", net.engine("c").connect("room", net.now()));
    net.signalingBack("a");
    net.crash("b"); // its resume window passes: the server removes it
    EXPECT_EQ(net.mesh(), pairs({"a|c"}));
    for (const char* id : {"a", "c"}) {
        auto left = net.events(id, "onleave");
        ASSERT_EQ(left.size(), 1u) << id;
        EXPECT_EQ(left[0].payload["userid"], "b") << id;
        const std::vector<std::string> heard = statuses(net, id, "b");
        EXPECT_EQ(std::count(heard.begin(), heard.end(), "offline"), 1) << id;
        EXPECT_EQ(heard.back(), "offline") << id;
        EXPECT_FALSE(net.engine(id).room()->contains("b")) << id;
    }
    // A late member-left of the same departure reports nothing more.
    net.serverSays("c", "member-left",
                   R"({"roomid":"room","userid":"b","extra":{},"reason":"disconnected"})");
    EXPECT_EQ(net.events("c", "onleave").size(), 1u);
}

// What happened in the room while a member was away reaches its page when it is back, once:
// a member that joined, a member that left, an owner that changed.
TEST(EngineSignalingLoss, TheRoomAsTheServerHoldsItReplacesWhatWasMissed) {
    FakeNetwork net(true);
    callOfTwo(net);
    net.add("d", configFor(Direction::ManyToMany));
    net.run("d", net.engine("d").connect("room", net.now()));
    ASSERT_EQ(net.mesh().size(), 3u);
    net.signalingDown("d");
    net.run("a", net.engine("a").leave()); // the owner leaves: b owns the room now
    net.run("c", net.engine("c").connect("room", net.now()));
    EXPECT_EQ(net.engine("d").room()->owner(), "a") << "d heard nothing";
    net.signalingBack("d");
    EXPECT_EQ(net.engine("d").room()->owner(), "b");
    EXPECT_FALSE(net.engine("d").room()->contains("a"));
    EXPECT_TRUE(net.engine("d").room()->contains("c"));
    EXPECT_EQ(net.events("d", "onleave").size(), 1u);
    EXPECT_EQ(net.events("d", "onleave")[0].payload["userid"], "a");
    EXPECT_EQ(statuses(net, "d", "c"), std::vector<std::string>{"online"});
    EXPECT_EQ(net.events("d", "owner-changed").size(), 1u);
    EXPECT_EQ(net.mesh(), pairs({"b|c", "b|d", "c|d"}));
    EXPECT_TRUE(net.events("d", "onerror").empty());
}

// member-resumed names a member this side never heard of (it joined while we were away, and
// our get-room answer is not back): it is admitted, and its offer, kept until then, is answered.
TEST(EngineSignalingLoss, AResumedMemberWeDidNotKnowIsAdmitted) {
    FakeNetwork net(true);
    callOfTwo(net);
    net.serverSays("a", "member-resumed", R"({"roomid":"room","userid":"z","extra":{"n":1}})");
    EXPECT_TRUE(net.engine("a").room()->contains("z"));
    EXPECT_EQ(statuses(net, "a", "z"), std::vector<std::string>{"online"});
    // Again: known now, no link to dial again, nothing to report.
    net.serverSays("a", "member-resumed", R"({"roomid":"room","userid":"z","extra":{"n":1}})");
    EXPECT_EQ(statuses(net, "a", "z").size(), 1u);
    EXPECT_EQ(count(net, "a", ActionKind::CreatePeer, "z"), 0u);
    // A connected link is never dialed again: its media go on.
    net.serverSays("b", "member-resumed", R"({"roomid":"room","userid":"a","extra":{}})");
    net.serverSays("a", "member-resumed", R"({"roomid":"room","userid":"b","extra":{}})");
    EXPECT_EQ(count(net, "b", ActionKind::CreatePeer, "a"), 1u);
    EXPECT_EQ(count(net, "a", ActionKind::CreatePeer, "b"), 1u);
    EXPECT_EQ(net.mesh(), pairs({"a|b"}));
    // Of another room, or malformed: ignored, or an error.
    net.serverSays("a", "member-resumed", R"({"roomid":"elsewhere","userid":"y","extra":{}})");
    EXPECT_FALSE(net.engine("a").room()->contains("y"));
    net.serverSays("a", "member-resumed", R"({"roomid":"room","userid":5})");
    EXPECT_EQ(net.events("a", "onerror").size(), 1u);
}

} // namespace
} // namespace rtcmc
