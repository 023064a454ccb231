// Who gets what the page sends to everyone, and when (src/dataplane/data_plane.hpp).

#include "support/data_plane_harness.hpp"

namespace rtcmc::dataplane {
namespace {

using testing::Net;
using transfer::TransferKind;
using transfer::testing::patternBytes;

// Issue 13, defect 1: a broadcast send() queued before any data channel was open reached only
// the first peer whose channel opened (the old web/data/data-channels.js flushed the whole
// queue into that one channel). Every member present when the message was sent must get it,
// once. The orderings below are those of the Jest test the JS fix had
// (tests/js/web/data-plane-driver.test.js runs them through the driver);
// tests/e2e/data-early-broadcast.test.js proves it with real pages.
TEST(DataPlaneBroadcast, QueuedBeforeAnyChannelOpensReachesEveryMemberOnce) {
    Net net;
    net.link("alice", "bob");
    net.link("alice", "carol");
    auto& alice = net.page("alice");
    const JobId hello = alice.sendFrame("", "{\"m\":\"hello\"}");
    const JobId file = alice.sendBytes("", TransferKind::File, "early.bin", patternBytes(5000));
    EXPECT_TRUE(alice.log.empty()); // no channel is open: nothing leaves

    net.open("alice", "bob");
    net.deliver();
    net.open("alice", "carol");
    net.deliver();

    for (const char* member : {"bob", "carol"}) {
        auto& page = net.page(member);
        EXPECT_EQ(page.framesFrom["alice"], std::vector<std::string>{"{\"m\":\"hello\"}"})
            << member;
        ASSERT_EQ(page.received.size(), 1u) << member;
        EXPECT_EQ(page.assembled(page.received[0]), patternBytes(5000)) << member;
    }
    EXPECT_EQ(alice.count("frame:" + std::to_string(hello) + ">bob"), 1u);
    EXPECT_EQ(alice.count("frame:" + std::to_string(hello) + ">carol"), 1u);
    EXPECT_EQ(alice.delivered.size(), 2u);
    // Both sends are finished with: the driver may drop the values.
    EXPECT_EQ(std::count(alice.released.begin(), alice.released.end(), hello), 1);
    EXPECT_EQ(std::count(alice.released.begin(), alice.released.end(), file), 1);
    EXPECT_EQ(alice.plane.queuedJobs(), 0u);
}

TEST(DataPlaneBroadcast, SentWhileAloneGoesToEveryPeerLinkedWhenTheFirstChannelOpens) {
    Net net;
    auto& alice = net.page("alice");
    alice.sendFrame("", "{\"m\":\"anyone?\"}");
    alice.sendBytes("", TransferKind::Text, "", patternBytes(40000));
    net.link("alice", "bob");
    net.link("alice", "carol");
    net.open("alice", "carol");
    net.deliver();
    net.open("alice", "bob");
    net.deliver();
    // dave links after the first channel opened: the early messages are not his.
    net.link("alice", "dave");
    net.open("alice", "dave");
    net.deliver();
    for (const char* member : {"bob", "carol"}) {
        EXPECT_EQ(net.page(member).framesFrom["alice"].size(), 1u) << member;
        EXPECT_EQ(net.page(member).received.size(), 1u) << member;
    }
    EXPECT_TRUE(net.page("dave").framesFrom["alice"].empty());
    EXPECT_TRUE(net.page("dave").received.empty());
}

TEST(DataPlaneBroadcast, GoesToThoseLinkedAtSendTimeNotToLaterOnes) {
    Net net;
    net.link("alice", "bob");
    net.open("alice", "bob");
    auto& alice = net.page("alice");
    alice.sendFrame("", "{\"m\":1}");
    net.link("alice", "carol");
    net.open("alice", "carol");
    net.deliver();
    EXPECT_EQ(net.page("bob").framesFrom["alice"].size(), 1u);
    EXPECT_TRUE(net.page("carol").framesFrom["alice"].empty());
}

TEST(DataPlaneBroadcast, ToOnePeerWaitsForThatPeersChannelOnly) {
    Net net;
    net.link("alice", "bob");
    net.link("alice", "carol");
    net.open("alice", "carol");
    auto& alice = net.page("alice");
    alice.sendFrame("bob", "{\"m\":\"for bob\"}");
    alice.sendBytes("bob", TransferKind::File, "for-bob.bin", patternBytes(1000));
    net.deliver();
    EXPECT_TRUE(net.page("carol").framesFrom["alice"].empty());
    EXPECT_TRUE(net.page("carol").received.empty());
    net.open("alice", "bob");
    net.deliver();
    EXPECT_EQ(net.page("bob").framesFrom["alice"].size(), 1u);
    EXPECT_EQ(net.page("bob").received.size(), 1u);
}

std::vector<std::string> texts(const std::vector<std::string>& frames) {
    std::vector<std::string> values;
    for (const std::string& frame : frames) {
        values.push_back(testing::json::parse(frame)["m"].get<std::string>());
    }
    return values;
}

std::string frameOf(const std::string& text) {
    return testing::json{{"m", text}}.dump();
}

TEST(DataPlaneBroadcast, EarlyMessagesGoAheadOfLaterOnesWhateverTheOrderChannelsOpenIn) {
    Net net;
    auto& alice = net.page("alice");
    alice.sendFrame("", frameOf("early")); // right after join(): no member known yet
    for (const char* member : {"ann", "ben", "cid"}) {
        net.link("alice", member);
    }
    alice.sendFrame("", frameOf("second")); // members known, no channel open yet
    net.open("alice", "ben");
    net.open("alice", "cid");
    alice.sendFrame("", frameOf("third"));
    net.open("alice", "ann");
    net.deliver();
    const std::vector<std::string> expected{"early", "second", "third"};
    for (const char* member : {"ann", "ben", "cid"}) {
        EXPECT_EQ(texts(net.page(member).framesFrom["alice"]), expected) << member;
    }
    EXPECT_EQ(alice.plane.queuedJobs(), 0u);
    EXPECT_EQ(alice.released.size(), 3u);
}

TEST(DataPlaneBroadcast, EarlyTransfersGoAheadOfLaterOnesToo) {
    Net net;
    auto& alice = net.page("alice");
    alice.sendBytes("", TransferKind::Text, "", patternBytes(30000));
    net.link("alice", "ann");
    net.link("alice", "ben");
    alice.sendBytes("", TransferKind::Text, "", patternBytes(20000));
    net.open("alice", "ben");
    net.open("alice", "ann");
    net.deliver();
    for (const char* member : {"ann", "ben"}) {
        auto& page = net.page(member);
        ASSERT_EQ(page.received.size(), 2u) << member;
        EXPECT_EQ(page.assembled(page.received[0]).size(), 30000u) << member;
        EXPECT_EQ(page.assembled(page.received[1]).size(), 20000u) << member;
    }
}

TEST(DataPlaneBroadcast, AMemberWhoseChannelIsLateGetsWhatWasSentWhileOthersWereOpen) {
    Net net;
    net.link("alice", "ann");
    net.link("alice", "ben");
    net.open("alice", "ann");
    auto& alice = net.page("alice");
    alice.sendFrame("", frameOf("while ben connects"));
    alice.sendFrame("ben", frameOf("for ben only"));
    net.open("alice", "ben");
    net.deliver();
    EXPECT_EQ(texts(net.page("ann").framesFrom["alice"]),
              std::vector<std::string>{"while ben connects"});
    EXPECT_EQ(texts(net.page("ben").framesFrom["alice"]),
              (std::vector<std::string>{"while ben connects", "for ben only"}));
}

TEST(DataPlaneBroadcast, AMemberWhoLeftBeforeItsChannelOpenedIsNotWaitedFor) {
    Net net;
    net.link("alice", "ann");
    auto& alice = net.page("alice");
    const JobId hello = alice.sendFrame("", frameOf("hello"));
    const JobId file = alice.sendBytes("", TransferKind::File, "a.bin", patternBytes(100));
    net.detach("alice", "ann");
    EXPECT_EQ(alice.plane.queuedJobs(), 0u);
    EXPECT_EQ(std::count(alice.released.begin(), alice.released.end(), hello), 1);
    EXPECT_EQ(std::count(alice.released.begin(), alice.released.end(), file), 1);
    // The file that never started is reported, naming it and the peer.
    const auto notSent = alice.noticesOf("not-sent");
    ASSERT_EQ(notSent.size(), 1u);
    EXPECT_EQ(notSent[0]["userid"], "ann");
    EXPECT_NE(notSent[0]["text"].dump().find("a.bin"), std::string::npos);
}

TEST(DataPlaneBroadcast, EarlyMessagesGoToTheMembersKnownAtTheNextSendIfThatComesFirst) {
    Net net;
    auto& alice = net.page("alice");
    alice.sendFrame("", frameOf("early"));
    net.link("alice", "ann");
    alice.sendFrame("ann", frameOf("for ann")); // ann is known now: early is hers, first
    net.link("alice", "ben");                   // ben came later: not his
    net.open("alice", "ben");
    net.open("alice", "ann");
    net.deliver();
    EXPECT_EQ(texts(net.page("ann").framesFrom["alice"]),
              (std::vector<std::string>{"early", "for ann"}));
    EXPECT_TRUE(net.page("ben").framesFrom["alice"].empty());
}

} // namespace
} // namespace rtcmc::dataplane
