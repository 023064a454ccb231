// The order and pace of what one page sends to a peer, and what becomes of transfers when a
// peer goes, a file cannot be read or the page leaves (src/dataplane/).

#include "support/data_plane_harness.hpp"

#include "room/room.hpp"

namespace rtcmc::dataplane {
namespace {

using testing::Net;
using testing::Page;
using transfer::TransferKind;
using transfer::testing::patternBytes;

constexpr std::size_t MiB = 1024 * 1024;

Net& linkedPair(Net& net) {
    net.link("alice", "bob");
    net.open("alice", "bob");
    return net;
}

TEST(DataPlaneSending, FilesArriveWholeWithProgressAndAreConfirmed) {
    Net net;
    linkedPair(net);
    Page& alice = net.page("alice");
    const testing::Bytes large = patternBytes(3 * MiB + 123, 2);
    alice.sendBytes("bob", TransferKind::File, "small.bin", patternBytes(1024, 1));
    alice.sendBytes("bob", TransferKind::File, "large.bin", large);
    net.deliver();

    Page& bob = net.page("bob");
    ASSERT_EQ(bob.received.size(), 2u);
    std::map<std::string, testing::Bytes> byName;
    for (auto handle : bob.received) {
        byName[bob.incoming.at(handle)["name"]] = bob.assembled(handle);
    }
    EXPECT_EQ(byName["small.bin"], patternBytes(1024, 1));
    EXPECT_EQ(byName["large.bin"], large);
    EXPECT_EQ(alice.delivered.size(), 2u);
    // One progress command per chunk on both sides (128 KiB packets: 25 chunks).
    const std::size_t chunks =
        (large.size() + alice.plane.policy().chunkSize - 1) / alice.plane.policy().chunkSize;
    EXPECT_EQ(alice.noticesOf("started").size(), 2u);
    EXPECT_EQ(alice.count("sent:" +
                          std::to_string(alice.noticesOf("started")[1]["handle"].get<Handle>())),
              chunks);
    EXPECT_TRUE(alice.noticesOf("ended").empty());
    EXPECT_TRUE(bob.noticesOf("refused").empty());
    EXPECT_EQ(alice.plane.transfers().outgoingCount(), 0u);
    EXPECT_EQ(bob.plane.transfers().incomingCount(), 0u);
}

TEST(DataPlaneSending, TheWindowBoundsWhatTheChannelHolds) {
    Net net;
    linkedPair(net);
    Page& alice = net.page("alice");
    alice.sendBytes("bob", TransferKind::File, "big.bin", patternBytes(8 * MiB, 3));
    auto& wire = net.wire("alice", "bob");
    // Nothing is delivered yet: the plane stops at the window (one packet past 128 KiB).
    EXPECT_LE(wire.buffered, 128 * 1024 + 128 * 1024 + 8192);
    EXPECT_GT(wire.buffered, 0);
    net.deliver();
    EXPECT_LE(wire.maxBuffered, 128 * 1024 + 128 * 1024 + 8192);
    EXPECT_EQ(net.page("bob").received.size(), 1u);
}

TEST(DataPlaneSending, ASmallMessageOvertakesALargeFile) {
    Net net;
    linkedPair(net);
    Page& alice = net.page("alice");
    alice.sendBytes("bob", TransferKind::File, "big.bin", patternBytes(8 * MiB, 3));
    net.deliver(6);
    alice.sendBytes("bob", TransferKind::Text, "", patternBytes(50000, 4));
    alice.sendFrame("bob", "{\"m\":\"chat\"}");
    net.deliver();
    Page& bob = net.page("bob");
    ASSERT_EQ(bob.received.size(), 2u);
    EXPECT_EQ(bob.incoming.at(bob.received[0])["kind"], "text");
    EXPECT_EQ(bob.incoming.at(bob.received[1])["kind"], "file");
    EXPECT_EQ(bob.framesFrom["alice"].size(), 1u);
}

TEST(DataPlaneSending, LargeFilesShareTheChannelChunkByChunk) {
    Net net;
    linkedPair(net);
    Page& alice = net.page("alice");
    for (int i = 0; i < 6; ++i) {
        alice.sendBytes("bob", TransferKind::File, "f" + std::to_string(i),
                        patternBytes(2 * MiB, i));
    }
    net.deliver(40);
    // Four large transfers at a time, in turn; the fifth and sixth wait.
    Page& bob = net.page("bob");
    EXPECT_EQ(bob.incoming.size(), 4u);
    std::map<Handle, std::size_t> progress;
    for (const auto& [handle, chunks] : bob.chunks) {
        progress[handle] = chunks.size();
    }
    for (const auto& entry : progress) {
        EXPECT_GE(entry.second, 6u);
    }
    net.deliver();
    EXPECT_EQ(bob.received.size(), 6u);
    EXPECT_EQ(alice.delivered.size(), 6u);
}

TEST(DataPlaneSending, ReadsStayAheadOfTheChannelWithinTheSlots) {
    Net net;
    linkedPair(net);
    Page& alice = net.page("alice");
    alice.fillAtOnce = false;
    for (int i = 0; i < 5; ++i) {
        alice.sendBytes("bob", TransferKind::File, "f" + std::to_string(i),
                        patternBytes(4 * MiB, i));
    }
    std::size_t asked = 0;
    for (const auto& entry : alice.reads) {
        EXPECT_LE(entry.second.size(), kReadAheadChunks);
        asked += entry.second.size();
    }
    EXPECT_LE(asked, kSlotCount);
    EXPECT_EQ(alice.reads.size(), 3u); // 24 slots: three transfers read 8 chunks ahead
    alice.fillAtOnce = true;
    alice.fillReads();
    net.deliver();
    EXPECT_EQ(net.page("bob").received.size(), 5u);
}

TEST(DataPlaneSending, APeerThatLeavesMidTransferEndsItOnBothSidesNamingTheFile) {
    Net net;
    linkedPair(net);
    Page& alice = net.page("alice");
    alice.sendBytes("bob", TransferKind::File, "cut.bin", patternBytes(6 * MiB, 5));
    alice.sendBytes("bob", TransferKind::File, "a.bin", patternBytes(2 * MiB, 6));
    alice.sendBytes("bob", TransferKind::File, "b.bin", patternBytes(2 * MiB, 7));
    alice.sendBytes("bob", TransferKind::File, "c.bin", patternBytes(2 * MiB, 8));
    alice.sendBytes("bob", TransferKind::File, "never.bin", patternBytes(2 * MiB, 9));
    net.deliver(10);
    net.close("alice", "bob");
    net.detach("alice", "bob");
    net.detach("bob", "alice");

    auto ended = alice.noticesOf("ended");
    ASSERT_EQ(ended.size(), 4u);
    for (const auto& notice : ended) {
        EXPECT_EQ(notice["code"], "TRANSFER_ABORTED");
        EXPECT_EQ(notice["sending"], true);
    }
    auto notSent = alice.noticesOf("not-sent");
    ASSERT_EQ(notSent.size(), 1u);
    EXPECT_EQ(notSent[0]["code"], "TRANSFER_ABORTED");
    EXPECT_NE(notSent[0]["text"].dump().find("never.bin"), std::string::npos);
    Page& bob = net.page("bob");
    EXPECT_EQ(bob.noticesOf("ended").size(), 4u);
    EXPECT_TRUE(bob.received.empty());
    EXPECT_TRUE(alice.delivered.empty());
    EXPECT_EQ(alice.plane.transfers().outgoingCount(), 0u);
    EXPECT_EQ(bob.plane.transfers().incomingCount(), 0u);
    EXPECT_EQ(alice.plane.queuedJobs(), 0u);
    // Every reader was closed and every value released.
    EXPECT_TRUE(alice.reads.empty());
    EXPECT_EQ(alice.released.size(), 5u);
}

// Both directions at once: the peer vanishes (its link is closed by the engine, no close event
// first) while a file goes each way. Each side ends both transfers, each error naming its file.
TEST(DataPlaneSending, AVanishedPeerEndsTransfersInBothDirectionsNamingEachFile) {
    Net net;
    linkedPair(net);
    Page& alice = net.page("alice");
    Page& bob = net.page("bob");
    alice.sendBytes("bob", TransferKind::File, "to-bob.bin", patternBytes(4 * MiB, 1));
    bob.sendBytes("alice", TransferKind::File, "to-alice.bin", patternBytes(4 * MiB, 2));
    net.deliver(8);
    net.detach("alice", "bob");
    auto ended = alice.noticesOf("ended");
    ASSERT_EQ(ended.size(), 2u);
    std::map<bool, std::string> words;
    for (const auto& notice : ended) {
        EXPECT_EQ(notice["code"], "TRANSFER_ABORTED");
        words[notice["sending"].get<bool>()] = notice["text"].dump();
    }
    EXPECT_NE(words[true].find("to-bob.bin"), std::string::npos) << words[true];
    EXPECT_NE(words[false].find("to-alice.bin"), std::string::npos) << words[false];
    EXPECT_EQ(alice.plane.transfers().outgoingCount(), 0u);
    EXPECT_EQ(alice.plane.transfers().incomingCount(), 0u);
    EXPECT_TRUE(alice.reads.empty());
    EXPECT_TRUE(alice.received.empty());
    EXPECT_TRUE(alice.delivered.empty());
}

TEST(DataPlaneSending, WhatHasNotStartedWaitsForTheChannelToComeBack) {
    Net net;
    linkedPair(net);
    Page& alice = net.page("alice");
    net.close("alice", "bob");
    alice.sendBytes("bob", TransferKind::File, "later.bin", patternBytes(300000, 3));
    alice.sendFrame("bob", "{\"m\":\"later\"}");
    net.open("alice", "bob");
    net.deliver();
    EXPECT_EQ(net.page("bob").received.size(), 1u);
    EXPECT_EQ(net.page("bob").framesFrom["alice"].size(), 1u);
}

TEST(DataPlaneSending, AFileThatCannotBeReadEndsOnBothSides) {
    Net net;
    linkedPair(net);
    Page& alice = net.page("alice");
    alice.fillAtOnce = false;
    alice.sendBytes("bob", TransferKind::File, "vanishing.bin", patternBytes(3 * MiB, 9));
    const Handle handle = alice.noticesOf("started")[0]["handle"];
    alice.syncBuffered();
    alice.plane.readFailed(handle, "NotReadableError: the file could not be read");
    alice.run();
    net.deliver();
    auto ended = alice.noticesOf("ended");
    ASSERT_EQ(ended.size(), 1u);
    EXPECT_EQ(ended[0]["code"], "FILE_READ_FAILED");
    EXPECT_NE(ended[0]["text"].dump().find("vanishing.bin"), std::string::npos);
    EXPECT_NE(ended[0]["text"].dump().find("NotReadableError"), std::string::npos);
    auto bobEnded = net.page("bob").noticesOf("ended");
    ASSERT_EQ(bobEnded.size(), 1u);
    EXPECT_EQ(bobEnded[0]["code"], "TRANSFER_ABORTED");
    EXPECT_NE(bobEnded[0]["text"].dump().find("vanishing.bin"), std::string::npos);
    EXPECT_EQ(alice.count("close:" + std::to_string(handle)), 1u);
}

TEST(DataPlaneSending, LeavingEndsEverythingWithAnErrorEach) {
    Net net;
    linkedPair(net);
    Page& alice = net.page("alice");
    alice.sendBytes("bob", TransferKind::File, "going.bin", patternBytes(3 * MiB, 1));
    net.page("bob").sendBytes("alice", TransferKind::File, "coming.bin", patternBytes(3 * MiB, 2));
    net.deliver(6);
    alice.sendBytes("dave", TransferKind::File, "never.bin", patternBytes(10, 3));
    alice.plane.release();
    alice.run();
    auto ended = alice.noticesOf("ended");
    ASSERT_EQ(ended.size(), 2u);
    EXPECT_EQ(ended[0]["sending"], true);
    EXPECT_EQ(ended[1]["sending"], false);
    auto notSent = alice.noticesOf("not-sent");
    ASSERT_EQ(notSent.size(), 1u);
    EXPECT_NE(notSent[0]["text"].dump().find("never.bin"), std::string::npos);
    EXPECT_EQ(alice.plane.queuedJobs(), 0u);
    EXPECT_EQ(alice.plane.transfers().outgoingCount(), 0u);
    EXPECT_EQ(alice.plane.transfers().incomingCount(), 0u);
}

TEST(DataPlaneSending, IncomingNoticesCarryTheSendersExtraFromTheRoom) {
    Net net;
    linkedPair(net);
    Room room("room", Member{"alice", "{\"name\":\"Alice\"}", {}}, RoomPolicy{});
    ASSERT_TRUE(room.admit(Member{"bob", "{}", {}}).ok());
    net.page("bob").room = &room;
    net.page("alice").sendBytes("bob", TransferKind::Text, "", patternBytes(30000, 1));
    net.deliver();
    auto incoming = net.page("bob").noticesOf("incoming");
    ASSERT_EQ(incoming.size(), 1u);
    EXPECT_EQ(incoming[0]["extra"], nlohmann::json({{"name", "Alice"}}));
    EXPECT_EQ(DataPlane::extraOf(&room, "alice"), "{\"name\":\"Alice\"}");
    EXPECT_EQ(DataPlane::extraOf(nullptr, "alice"), "{}");
}

TEST(DataPlaneSending, RefusedPacketsAreNoticedAndChangeNothing) {
    Net net;
    linkedPair(net);
    Page& bob = net.page("bob");
    testing::Bytes tooShort = {1, 2, 3};
    std::memcpy(bob.plane.input(), tooShort.data(), tooShort.size());
    bob.plane.receive(bob.peerIndex.at("alice"), 3, nullptr);
    bob.run();
    bob.plane.receive(bob.peerIndex.at("alice"), 300000, nullptr);
    bob.run();
    auto refused = bob.noticesOf("refused");
    ASSERT_EQ(refused.size(), 2u);
    EXPECT_EQ(refused[0]["code"], "MALFORMED_PACKET");
    EXPECT_EQ(refused[0]["userid"], "alice");
    EXPECT_EQ(refused[1]["code"], "INVALID_ARGUMENT");
    net.page("alice").sendBytes("bob", TransferKind::File, "after.bin", patternBytes(200000, 4));
    net.deliver();
    EXPECT_EQ(bob.received.size(), 1u);
}

TEST(DataPlaneSending, AnInvalidRequestIsNotSentAndSaysWhy) {
    Net net;
    linkedPair(net);
    Page& alice = net.page("alice");
    alice.sendBytes("bob", TransferKind::File, std::string(2000, 'n'), patternBytes(10, 1));
    auto notSent = alice.noticesOf("not-sent");
    ASSERT_EQ(notSent.size(), 1u);
    EXPECT_EQ(notSent[0]["code"], "INVALID_ARGUMENT");
    EXPECT_EQ(alice.released.size(), 1u);
}

} // namespace
} // namespace rtcmc::dataplane
