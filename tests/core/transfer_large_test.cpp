// A multi-gigabyte transfer tracked without holding its bytes: 5 GiB in 262128-byte chunks
// (256 KiB packets), fed from one reused payload buffer. Sizes, offsets and byte counts pass
// 2^32, which 32-bit wasm's size_t cannot hold: the same test runs there (core_tests.js).
#include "transfer/transfer_manager.hpp"

#include "transfer_test_support.hpp"

#include <gtest/gtest.h>

namespace rtcmc::transfer {
namespace {

using testing::Bytes;
using testing::describe;
using testing::patternBytes;
using testing::view;

TEST(TransferLarge, FiveGibibytesInQuarterMebibytePacketsWithBookkeepingOnly) {
    constexpr std::uint64_t kSize = 5ULL << 30; // bytes
    constexpr std::uint32_t kChunkSize = kMaxChunkSize;
    const auto metadata = describe(kSize, kChunkSize, TransferKind::File, "five.bin");
    ASSERT_EQ(metadata.count, 20482U);

    TransferManager sender;
    TransferManager receiver;
    Bytes packet(kMaxPacketBytes);
    Bytes reply(kMaxReplyPacketBytes);
    const MutableBytes packetBuffer(packet.data(), packet.size());
    const MutableBytes replyBuffer(reply.data(), reply.size());
    const Bytes payload = patternBytes(kChunkSize, 5);

    auto start = sender.startOutgoing("bob", metadata, packetBuffer);
    ASSERT_TRUE(start.ok());
    const std::uint32_t id = start.value().transferId;
    auto started =
        receiver.receive("ann", ConstBytes(packet.data(), start.value().packetLength), replyBuffer);
    ASSERT_TRUE(started.ok());

    std::uint64_t offsetSeen = 0;
    for (std::uint32_t index = 0; index < metadata.count; ++index) {
        const auto range = sender.nextChunk(id);
        ASSERT_TRUE(range.ok());
        ASSERT_EQ(range.value().offset, offsetSeen);
        offsetSeen += range.value().length;
        auto written =
            sender.writeChunk(id, ConstBytes(payload.data(), range.value().length), packetBuffer);
        ASSERT_TRUE(written.ok()) << describe(written.error().text);
        auto update = receiver.receive(
            "ann", ConstBytes(packet.data(), written.value().packetLength), replyBuffer);
        ASSERT_TRUE(update.ok()) << describe(update.error().text);
        ASSERT_EQ(update.value().payloadLength, range.value().length);
    }
    EXPECT_EQ(offsetSeen, kSize);

    auto progress = receiver.incomingProgress("ann", id);
    ASSERT_TRUE(progress.ok());
    EXPECT_EQ(progress.value().counts.bytesDone, kSize);
    EXPECT_EQ(progress.value().counts.received, 20482U);
    EXPECT_EQ(progress.value().counts.remaining, 0U);
    EXPECT_EQ(progress.value().counts.size, kSize);
    EXPECT_EQ(sender.outgoingProgress(id).value().counts.bytesDone, kSize);

    auto end = sender.writeEnd(id, packetBuffer);
    ASSERT_TRUE(end.ok());
    auto received =
        receiver.receive("ann", ConstBytes(packet.data(), end.value().packetLength), replyBuffer);
    ASSERT_TRUE(received.ok());
    EXPECT_EQ(received.value().event, TransferEvent::Received);
    EXPECT_EQ(received.value().progress.bytesDone, kSize);
    auto delivered = sender.receive("bob", ConstBytes(reply.data(), received.value().packetLength),
                                    packetBuffer);
    ASSERT_TRUE(delivered.ok()) << describe(delivered.error().text);
    EXPECT_EQ(delivered.value().event, TransferEvent::Delivered);
    EXPECT_EQ(delivered.value().progress.bytesDone, kSize);
}

TEST(TransferLarge, BookkeepingIsOneBitPerPacketInOrderAndOneDigestPerEarlyPacket) {
    // 1-byte chunks make the packet count large while the test stays fast.
    constexpr std::uint32_t kCount = 200000;
    const auto metadata = describe(kCount, 1);
    IncomingTransfer inOrder(1, "ann", metadata);
    const std::uint8_t byte = 7;
    for (std::uint32_t index = 0; index < kCount; ++index) {
        ASSERT_TRUE(
            inOrder.acceptChunk({PacketKind::Chunk, 1, index, kCount}, ConstBytes(&byte, 1)).ok());
    }
    // The bitmap's vector may keep up to twice what it needs after growing.
    EXPECT_LE(inOrder.bytesHeld(), 2 * (kCount / 8 + 8));
    EXPECT_TRUE(inOrder.allChunksArrived());

    // 1000 packets arriving ahead of a gap cost one remembered digest each, no payload.
    IncomingTransfer reordered(2, "ann", metadata);
    for (std::uint32_t index = 1000; index >= 1; --index) {
        ASSERT_TRUE(
            reordered.acceptChunk({PacketKind::Chunk, 2, index, kCount}, ConstBytes(&byte, 1))
                .ok());
    }
    const std::size_t heldWithGap = reordered.bytesHeld();
    EXPECT_GE(heldWithGap, 1000U * 8);
    EXPECT_LE(heldWithGap, 1000U * 64 + IncomingTransfer::kMaxPacketsAheadOfGap / 8 + 64);
    ASSERT_TRUE(
        reordered.acceptChunk({PacketKind::Chunk, 2, 0, kCount}, ConstBytes(&byte, 1)).ok());
    EXPECT_LT(reordered.bytesHeld(), heldWithGap) << "the gap closed, the digests were folded";
}

} // namespace
} // namespace rtcmc::transfer
