// The receiving side: out-of-order and duplicate delivery, every invalid packet of the issue's
// list refused with its code and no state change, checksum mismatches in both directions.
#include "transfer/transfer_manager.hpp"

#include "transfer_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>

namespace rtcmc::transfer {
namespace {

using testing::Bytes;
using testing::bytesOf;
using testing::checksumPayload;
using testing::describe;
using testing::metadataJson;
using testing::patternBytes;
using testing::Peer;
using testing::rawPacket;
using testing::view;

constexpr std::uint8_t kStart = 1;
constexpr std::uint8_t kChunk = 2;
constexpr std::uint8_t kEnd = 3;
constexpr std::uint8_t kComplete = 4;
constexpr std::uint8_t kFailed = 5;
constexpr std::uint8_t kAbort = 6;
constexpr std::uint8_t kCancel = 7;

// Everything observable about a manager's transfers with the given peers and ids.
std::string snapshot(const TransferManager& manager,
                     const std::vector<std::pair<std::string, std::uint32_t>>& keys) {
    std::ostringstream out;
    out << manager.incomingCount() << "/" << manager.outgoingCount();
    for (const auto& [userid, id] : keys) {
        auto progress = manager.incomingProgress(userid, id);
        if (progress.ok()) {
            const auto& counts = progress.value().counts;
            out << " in:" << userid << "#" << id << "=" << counts.received << "/" << counts.length
                << "/" << counts.bytesDone;
        }
        auto sent = manager.outgoingProgress(id);
        if (sent.ok()) {
            out << " out:" << id << "=" << sent.value().counts.sent;
        }
    }
    return out.str();
}

// Bob receiving alice's transfer 5: size 10 in chunks of 4 (4 + 4 + 2 bytes).
struct Started {
    Peer bob{"bob"};
    Started() {
        const Bytes start =
            rawPacket(kStart, 5, 0, 3, bytesOf(metadataJson("file", "a.bin", "", 10, 4, 3)));
        auto update = bob.receive("alice", start);
        EXPECT_TRUE(update.ok()) << describe(update.error().text);
    }
    std::string state() { return snapshot(bob.manager, {{"alice", 5}, {"alice", 6}}); }
};

TEST(TransferReceiver, ReassemblesChunksDeliveredInAnyOrder) {
    std::mt19937 random(7);
    for (int round = 0; round < 6; ++round) {
        Peer alice("alice");
        Peer bob("bob");
        const Bytes source = patternBytes(100 * 37 + 5, round);
        std::uint32_t id = 0;
        auto packets = alice.packetise("bob", describe(source.size(), 37), source, &id);
        // Start first (nothing can be placed before it), then chunks and End in any order.
        if (round == 0) {
            std::reverse(packets.begin() + 1, packets.end());
        } else {
            std::shuffle(packets.begin() + 1, packets.end(), random);
        }
        for (std::size_t i = 0; i < packets.size(); ++i) {
            auto update = bob.receive("alice", packets[i]);
            ASSERT_TRUE(update.ok()) << describe(update.error().text);
            EXPECT_EQ(update.value().event == TransferEvent::Received, i + 1 == packets.size());
        }
        EXPECT_EQ((bob.reassembled[{"alice", id}]), source);
    }
}

TEST(TransferReceiver, AnEndBeforeTheLastChunkWaitsForItThenVerifies) {
    Peer alice("alice");
    Peer bob("bob");
    const Bytes source = patternBytes(10);
    std::uint32_t id = 0;
    const auto packets = alice.packetise("bob", describe(10, 4), source, &id);
    ASSERT_EQ(packets.size(), 5U); // Start, 3 chunks, End
    ASSERT_TRUE(bob.receive("alice", packets[0]).ok());
    ASSERT_TRUE(bob.receive("alice", packets[1]).ok());
    auto end = bob.receive("alice", packets[4]);
    ASSERT_TRUE(end.ok());
    EXPECT_EQ(end.value().event, TransferEvent::End);
    EXPECT_EQ(end.value().packetLength, 0U) << "nothing to confirm yet";
    ASSERT_TRUE(bob.receive("alice", packets[3]).ok());
    auto last = bob.receive("alice", packets[2]);
    ASSERT_TRUE(last.ok());
    EXPECT_EQ(last.value().event, TransferEvent::Received);
    EXPECT_EQ(last.value().index, 1U);
    EXPECT_EQ(last.value().payloadLength, 4U) << "the completing chunk's payload is reported";
    EXPECT_GT(last.value().packetLength, 0U);
    EXPECT_EQ((bob.reassembled[{"alice", id}]), source);
}

TEST(TransferReceiver, RefusesDuplicateChunksEndsAndStartsWithoutChangingState) {
    Peer alice("alice");
    Started started;
    Peer& bob = started.bob;
    ASSERT_TRUE(bob.receive("alice", rawPacket(kChunk, 5, 1, 3, Bytes(4, 1))).ok());
    ASSERT_TRUE(bob.receive("alice", rawPacket(kEnd, 5, 0, 3, checksumPayload(1))).ok());
    const std::string before = started.state();

    auto chunk = bob.receive("alice", rawPacket(kChunk, 5, 1, 3, Bytes(4, 1)));
    ASSERT_FALSE(chunk.ok());
    EXPECT_EQ(chunk.error().code, ErrorCode::DuplicatePacket);
    EXPECT_EQ(describe(chunk.error().text),
              "transfer 5 from 'alice': chunk 1 was already received");
    auto end = bob.receive("alice", rawPacket(kEnd, 5, 0, 3, checksumPayload(2)));
    ASSERT_FALSE(end.ok());
    EXPECT_EQ(end.error().code, ErrorCode::DuplicatePacket);
    auto start = bob.receive(
        "alice", rawPacket(kStart, 5, 0, 3, bytesOf(metadataJson("file", "b", "", 10, 4, 3))));
    ASSERT_FALSE(start.ok());
    EXPECT_EQ(start.error().code, ErrorCode::DuplicatePacket);
    EXPECT_NE(describe(start.error().text).find("already started"), std::string::npos);
    EXPECT_EQ(started.state(), before);
}

struct RefusedRow {
    const char* name;
    std::string from;
    Bytes packet;
    ErrorCode code;
    const char* messagePart;
};

TEST(TransferReceiver, RefusesEveryInvalidPacketWithItsCodeAndChangesNothing) {
    const RefusedRow rows[] = {
        {"garbage bytes", "alice", patternBytes(64, 3), ErrorCode::UnsupportedVersion,
         "packet from 'alice': packet version"},
        {"a truncated header", "alice", Bytes{1, 2, 0, 0, 5, 0}, ErrorCode::MalformedPacket,
         "shorter than the 16-byte header"},
        {"a huge count", "alice", rawPacket(kChunk, 5, 0, 0xFFFFFFFF, Bytes(4)),
         ErrorCode::TransferMismatch, "packet count changed from 3 to 4294967295"},
        {"a negative-looking index", "alice", rawPacket(kChunk, 5, 0xFFFFFFFF, 3, Bytes(4)),
         ErrorCode::PacketOutOfRange, "index 4294967295 is past the packet count 3"},
        {"an index past the count", "alice", rawPacket(kChunk, 5, 3, 3, Bytes(2)),
         ErrorCode::PacketOutOfRange, "Chunk index 3 is past the packet count 3"},
        {"a chunk of an unknown transfer", "alice", rawPacket(kChunk, 6, 0, 3, Bytes(4)),
         ErrorCode::UnknownTransfer, "Chunk for unknown transfer 6 from 'alice'"},
        {"a chunk from a peer with no transfers", "carol", rawPacket(kChunk, 5, 0, 3, Bytes(4)),
         ErrorCode::UnknownTransfer, "unknown transfer 5 from 'carol'"},
        {"a count that changes mid-transfer", "alice", rawPacket(kChunk, 5, 0, 4, Bytes(4)),
         ErrorCode::TransferMismatch, "packet count changed from 3 to 4"},
        {"a truncated chunk", "alice", rawPacket(kChunk, 5, 0, 3, Bytes(3)),
         ErrorCode::TransferMismatch, "chunk 0 carries 3 bytes, expected 4 (the chunk size)"},
        {"an oversize chunk", "alice", rawPacket(kChunk, 5, 1, 3, Bytes(5)),
         ErrorCode::TransferMismatch, "chunk 1 carries 5 bytes, expected 4"},
        {"a last chunk longer than the remainder", "alice", rawPacket(kChunk, 5, 2, 3, Bytes(4)),
         ErrorCode::TransferMismatch, "expected 2 (the last chunk is exactly the remainder"},
        {"a truncated last chunk", "alice", rawPacket(kChunk, 5, 2, 3, Bytes(1)),
         ErrorCode::TransferMismatch, "chunk 2 carries 1 bytes, expected 2"},
        {"an End whose count changed", "alice", rawPacket(kEnd, 5, 0, 2, checksumPayload(0)),
         ErrorCode::TransferMismatch, "End counts 2 packets, the Start said 3"},
        {"an End before its Start", "alice", rawPacket(kEnd, 6, 0, 3, checksumPayload(0)),
         ErrorCode::UnknownTransfer, "End for unknown transfer 6"},
        {"an Abort of an unknown transfer", "alice", rawPacket(kAbort, 6, 0, 0, bytesOf("bye")),
         ErrorCode::UnknownTransfer, "Abort for unknown transfer 6 from 'alice'"},
        {"a Complete for nothing we sent", "alice", rawPacket(kComplete, 5, 0, 3, Bytes(8)),
         ErrorCode::UnknownTransfer, "Complete for unknown transfer 5 to 'alice'"},
        {"a Failed for nothing we sent", "alice", rawPacket(kFailed, 5, 0, 0),
         ErrorCode::UnknownTransfer, "Failed for unknown transfer 5 to 'alice'"},
        {"a Cancel for nothing we sent", "alice", rawPacket(kCancel, 5, 0, 0),
         ErrorCode::UnknownTransfer, "Cancel for unknown transfer 5 to 'alice'"},
        {"a Start with invalid JSON", "alice", rawPacket(kStart, 6, 0, 3, bytesOf("{kind:file}")),
         ErrorCode::MalformedPacket, "Start of transfer 6 from 'alice': Start metadata is not"},
        {"a Start with oversize metadata", "alice", rawPacket(kStart, 6, 0, 3, Bytes(9000, ' ')),
         ErrorCode::MalformedPacket, "Start metadata of 9000 bytes exceeds 8192"},
        {"a Start with a wrongly typed field", "alice",
         rawPacket(kStart, 6, 0, 3,
                   bytesOf(R"({"kind":"file","name":"a","type":"","size":"10","chunkSize":4,)"
                           R"("count":3})")),
         ErrorCode::InvalidField, "'size' must be an integer"},
        {"a Start whose size and count disagree", "alice",
         rawPacket(kStart, 6, 0, 2, bytesOf(metadataJson("file", "a", "", 10, 4, 2))),
         ErrorCode::InvalidField, "'count' 2 disagrees with size 10 and chunkSize 4"},
        {"a Start whose header and metadata counts disagree", "alice",
         rawPacket(kStart, 6, 0, 4, bytesOf(metadataJson("file", "a", "", 10, 4, 3))),
         ErrorCode::TransferMismatch, "the header counts 4 packets, the metadata 3"},
    };
    for (const auto& row : rows) {
        Started started;
        const std::string before = started.state();
        auto update = started.bob.receive(row.from, row.packet);
        ASSERT_FALSE(update.ok()) << row.name;
        EXPECT_EQ(update.error().code, row.code)
            << row.name << ": " << errorCodeName(update.error().code) << " "
            << describe(update.error().text);
        EXPECT_NE(describe(update.error().text).find(row.messagePart), std::string::npos)
            << row.name << ": \"" << describe(update.error().text) << "\"";
        EXPECT_EQ(started.state(), before) << row.name;
    }
}

TEST(TransferReceiver, RefusesAChunkAfterCompletion) {
    Peer alice("alice");
    Peer bob("bob");
    std::uint32_t id = 0;
    const auto packets = alice.packetise("bob", describe(10, 4), patternBytes(10), &id);
    for (const auto& packet : packets) {
        ASSERT_TRUE(bob.receive("alice", packet).ok());
    }
    auto late = bob.receive("alice", packets[1]);
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, ErrorCode::UnknownTransfer);
    EXPECT_NE(describe(late.error().text).find("already finished"), std::string::npos);
    auto lateEnd = bob.receive("alice", packets.back());
    ASSERT_FALSE(lateEnd.ok());
    EXPECT_EQ(lateEnd.error().code, ErrorCode::UnknownTransfer);
}

TEST(TransferReceiver, AcceptsTheSameIdFromTwoPeers) {
    Peer alice("alice");
    Peer carol("carol");
    Peer bob("bob");
    const Bytes fromAlice = patternBytes(300, 1);
    const Bytes fromCarol = patternBytes(500, 2);
    std::uint32_t aliceId = 0;
    std::uint32_t carolId = 0;
    const auto a = alice.packetise("bob", describe(fromAlice.size(), 64), fromAlice, &aliceId);
    const auto c = carol.packetise("bob", describe(fromCarol.size(), 64), fromCarol, &carolId);
    ASSERT_EQ(aliceId, carolId) << "both senders start counting at 1";
    for (std::size_t i = 0; i < std::max(a.size(), c.size()); ++i) {
        if (i < a.size()) {
            ASSERT_TRUE(bob.receive("alice", a[i]).ok());
        }
        if (i < c.size()) {
            ASSERT_TRUE(bob.receive("carol", c[i]).ok());
        }
    }
    EXPECT_EQ((bob.reassembled[{"alice", aliceId}]), fromAlice);
    EXPECT_EQ((bob.reassembled[{"carol", carolId}]), fromCarol);
}

TEST(TransferReceiver, AcceptsAHugeCountWithoutAllocatingForIt) {
    // 2^32 - 1 one-byte chunks: legal, and a Start alone must not allocate a 512 MiB bitmap.
    Peer bob("bob");
    const Bytes start =
        rawPacket(kStart, 9, 0, 0xFFFFFFFF,
                  bytesOf(metadataJson("binary", "", "", 0xFFFFFFFFULL, 1, 0xFFFFFFFFULL)));
    ASSERT_TRUE(bob.receive("alice", start).ok());
    ASSERT_TRUE(bob.receive("alice", rawPacket(kChunk, 9, 0, 0xFFFFFFFF, Bytes(1, 7))).ok());
    // An index far ahead of the first gap is refused rather than remembered.
    auto farAhead = bob.receive("alice", rawPacket(kChunk, 9, 0xFFFFFFFE, 0xFFFFFFFF, Bytes(1)));
    ASSERT_FALSE(farAhead.ok());
    EXPECT_EQ(farAhead.error().code, ErrorCode::PacketOutOfRange);
    EXPECT_NE(describe(farAhead.error().text).find("ahead of the first missing chunk 1"),
              std::string::npos)
        << describe(farAhead.error().text);
    // Within the window it is accepted and remembered by its digest alone.
    const std::uint32_t lastInWindow = IncomingTransfer::kMaxPacketsAheadOfGap;
    ASSERT_TRUE(
        bob.receive("alice", rawPacket(kChunk, 9, lastInWindow, 0xFFFFFFFF, Bytes(1))).ok());
    auto beyond =
        bob.receive("alice", rawPacket(kChunk, 9, lastInWindow + 1, 0xFFFFFFFF, Bytes(1)));
    ASSERT_FALSE(beyond.ok());
    EXPECT_EQ(beyond.error().code, ErrorCode::PacketOutOfRange);
    auto progress = bob.manager.incomingProgress("alice", 9);
    ASSERT_TRUE(progress.ok());
    EXPECT_EQ(progress.value().counts.received, 2U);
    EXPECT_EQ(progress.value().counts.remaining, 0xFFFFFFFFU - 2);
}

TEST(TransferReceiver, LimitsHowManyTransfersOnePeerMayOpen) {
    Peer bob("bob");
    const Bytes metadata = bytesOf(metadataJson("text", "", "", 1, 1, 1));
    for (std::uint32_t id = 0; id < TransferManager::kMaxIncomingTransfersPerPeer; ++id) {
        ASSERT_TRUE(bob.receive("alice", rawPacket(kStart, id, 0, 1, metadata)).ok());
    }
    auto refused = bob.receive("alice", rawPacket(kStart, 1000, 0, 1, metadata));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::InvalidState);
    EXPECT_NE(describe(refused.error().text).find("already has 256 transfers open"),
              std::string::npos);
    EXPECT_TRUE(bob.receive("carol", rawPacket(kStart, 1000, 0, 1, metadata)).ok())
        << "the limit is per peer";
}

TEST(TransferReceiver, ReportsAFlippedByteAsAChecksumMismatchOnBothSides) {
    for (const bool flipChecksum : {false, true}) {
        Peer alice("alice");
        Peer bob("bob");
        std::uint32_t id = 0;
        auto packets = alice.packetise("bob", describe(1000, 100), patternBytes(1000), &id);
        if (flipChecksum) {
            packets.back()[kPacketHeaderBytes + 3] ^= 0x10; // the End's checksum
        } else {
            packets[4][kPacketHeaderBytes + 57] ^= 0x01; // one byte of chunk 3
        }
        Result<TransferUpdate> last =
            makeError(ErrorCode::InvalidState, {TextId::Verbatim, {"no packet"}});
        for (const auto& packet : packets) {
            last = bob.receive("alice", packet);
            ASSERT_TRUE(last.ok()) << describe(last.error().text);
        }
        const TransferUpdate& failed = last.value();
        EXPECT_EQ(failed.event, TransferEvent::Failed);
        ASSERT_TRUE(failed.error.has_value());
        EXPECT_EQ(failed.error->code, ErrorCode::ChecksumMismatch);
        EXPECT_NE(describe(failed.error->text)
                      .find("transfer 1 (\"file.bin\") from 'alice' failed "
                            "verification"),
                  std::string::npos)
            << describe(failed.error->text);
        EXPECT_EQ(bob.manager.incomingCount(), 0U);
        ASSERT_GT(failed.packetLength, kPacketHeaderBytes);
        EXPECT_EQ(bob.out[1], static_cast<std::uint8_t>(PacketKind::Failed));

        auto senderSide = alice.receive("bob", bob.lastPacket(failed));
        ASSERT_TRUE(senderSide.ok()) << describe(senderSide.error().text);
        EXPECT_EQ(senderSide.value().event, TransferEvent::Failed);
        EXPECT_EQ(senderSide.value().transferId, id);
        ASSERT_TRUE(senderSide.value().error.has_value());
        EXPECT_EQ(senderSide.value().error->code, ErrorCode::ChecksumMismatch);
        EXPECT_NE(
            describe(senderSide.value().error->text).find("'bob' could not verify transfer 1"),
            std::string::npos)
            << describe(senderSide.value().error->text);
        EXPECT_EQ(alice.manager.outgoingCount(), 0U);
    }
}

TEST(TransferReceiver, NeedsAUseridAndRoomForAReply) {
    Started started;
    Bytes small(kMaxReplyPacketBytes - 1);
    auto noRoom = started.bob.manager.receive("alice", view(rawPacket(kChunk, 5, 0, 3, Bytes(4))),
                                              MutableBytes(small.data(), small.size()));
    ASSERT_FALSE(noRoom.ok());
    EXPECT_EQ(noRoom.error().code, ErrorCode::InvalidArgument);
    auto noUser = started.bob.receive("", rawPacket(kChunk, 5, 0, 3, Bytes(4)));
    ASSERT_FALSE(noUser.ok());
    EXPECT_EQ(noUser.error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(started.state(), Started().state());
}

} // namespace
} // namespace rtcmc::transfer
