// Round trips through two TransferManagers: every kind, sizes around the chunk boundaries,
// progress in upstream's vocabulary at each step, and the receiver's Complete turning into
// "delivered" on the sender's side.
#include "transfer/transfer_manager.hpp"

#include "transfer_test_support.hpp"

#include <gtest/gtest.h>

namespace rtcmc::transfer {
namespace {

using testing::Bytes;
using testing::describe;
using testing::patternBytes;
using testing::Peer;

struct RoundTrip {
    std::vector<TransferUpdate> receiverUpdates;
    TransferUpdate senderFinal;
    Bytes reassembled;
};

RoundTrip roundTrip(const TransferMetadata& metadata, const Bytes& source) {
    Peer alice("alice");
    Peer bob("bob");
    std::uint32_t transferId = 0;
    const auto packets = alice.packetise("bob", metadata, source, &transferId);
    EXPECT_EQ(packets.size(), metadata.count + 2U) << "Start, every chunk, End";

    RoundTrip result;
    Bytes reply;
    for (std::size_t i = 0; i < packets.size(); ++i) {
        auto update = bob.receive("alice", packets[i]);
        EXPECT_TRUE(update.ok()) << "packet " << i << ": " << describe(update.error().text);
        if (!update.ok()) {
            return result;
        }
        result.receiverUpdates.push_back(update.value());
        if (update.value().packetLength > 0) {
            EXPECT_EQ(i, packets.size() - 1) << "only the last packet gets a reply";
            reply = bob.lastPacket(update.value());
        }
    }
    result.reassembled = bob.reassembled[{"alice", transferId}];
    EXPECT_EQ(bob.manager.incomingCount(), 0U) << "a finished transfer is forgotten";

    auto delivered = alice.receive("bob", reply);
    EXPECT_TRUE(delivered.ok()) << describe(delivered.error().text);
    if (delivered.ok()) {
        result.senderFinal = delivered.value();
    }
    EXPECT_EQ(alice.manager.outgoingCount(), 0U);
    return result;
}

TEST(TransferRoundTrip, EveryKindAndSizeAroundTheChunkBoundaries) {
    for (const TransferKind kind :
         {TransferKind::File, TransferKind::Text, TransferKind::Object, TransferKind::Binary}) {
        for (const std::uint32_t chunkSize : {1U, 7U, 1000U, 65520U, 262128U}) {
            const std::uint64_t sizes[] = {0,
                                           1,
                                           chunkSize - 1U,
                                           chunkSize,
                                           chunkSize + 1ULL,
                                           3ULL * chunkSize + chunkSize / 2 + 1};
            for (const std::uint64_t size : sizes) {
                SCOPED_TRACE(std::string(transferKindName(kind)) + " size " + std::to_string(size) +
                             " chunkSize " + std::to_string(chunkSize));
                const auto metadata = describe(size, chunkSize, kind, "name", "type/x");
                const Bytes source = patternBytes(size, size + chunkSize);
                const RoundTrip result = roundTrip(metadata, source);
                ASSERT_FALSE(result.receiverUpdates.empty());
                EXPECT_EQ(result.reassembled, source);
                EXPECT_EQ(result.receiverUpdates.front().event, TransferEvent::Started);
                EXPECT_EQ(result.receiverUpdates.back().event, TransferEvent::Received);
                EXPECT_FALSE(result.receiverUpdates.back().error.has_value());
                EXPECT_EQ(result.senderFinal.event, TransferEvent::Delivered);
                EXPECT_EQ(result.senderFinal.progress.bytesDone, size);
                EXPECT_EQ(result.senderFinal.progress.sent, metadata.count);
            }
        }
    }
}

TEST(TransferRoundTrip, ReportsProgressInUpstreamsVocabularyAtEveryPacket) {
    Peer alice("alice");
    Peer bob("bob");
    const auto metadata = describe(10, 4, TransferKind::File, "notes.txt", "text/plain");
    const Bytes source = patternBytes(10);

    auto started = alice.manager.startOutgoing("bob", metadata, alice.output());
    ASSERT_TRUE(started.ok());
    const std::uint32_t id = started.value().transferId;
    EXPECT_EQ(started.value().event, TransferEvent::Started);
    EXPECT_EQ(started.value().direction, TransferDirection::Outgoing);
    EXPECT_EQ(started.value().progress.length, 3U);
    EXPECT_EQ(started.value().progress.sent, 0U);
    EXPECT_EQ(started.value().progress.remaining, 3U);
    auto incoming = bob.receive("alice", alice.lastPacket(started.value()));
    ASSERT_TRUE(incoming.ok());
    EXPECT_EQ(incoming.value().event, TransferEvent::Started);
    EXPECT_EQ(incoming.value().direction, TransferDirection::Incoming);
    EXPECT_EQ(incoming.value().transferId, id);
    EXPECT_EQ(incoming.value().progress.received, 0U);
    EXPECT_EQ(incoming.value().progress.size, 10U);

    auto metadataSeen = bob.manager.incomingMetadata("alice", id);
    ASSERT_TRUE(metadataSeen.ok());
    EXPECT_EQ(metadataSeen.value().name, "notes.txt");
    EXPECT_EQ(metadataSeen.value().type, "text/plain");

    for (std::uint32_t index = 0; index < 3; ++index) {
        auto range = alice.manager.nextChunk(id);
        ASSERT_TRUE(range.ok());
        EXPECT_EQ(range.value().index, index);
        EXPECT_EQ(range.value().offset, index * 4U);
        EXPECT_EQ(range.value().length, index < 2 ? 4U : 2U);
        auto written = alice.manager.writeChunk(
            id, ConstBytes(source.data() + range.value().offset, range.value().length),
            alice.output());
        ASSERT_TRUE(written.ok());
        EXPECT_EQ(written.value().event, TransferEvent::Chunk);
        EXPECT_EQ(written.value().index, index);
        EXPECT_EQ(written.value().progress.sent, index + 1);
        EXPECT_EQ(written.value().progress.remaining, 2 - index);
        EXPECT_EQ(written.value().progress.received, 0U) << "not the sender's count";
        EXPECT_EQ(written.value().packetLength, kPacketHeaderBytes + range.value().length);

        auto received = bob.receive("alice", alice.lastPacket(written.value()));
        ASSERT_TRUE(received.ok());
        EXPECT_EQ(received.value().event, TransferEvent::Chunk);
        EXPECT_EQ(received.value().index, index);
        EXPECT_EQ(received.value().payloadOffset, kPacketHeaderBytes);
        EXPECT_EQ(received.value().payloadLength, range.value().length);
        EXPECT_EQ(received.value().progress.received, index + 1);
        EXPECT_EQ(received.value().progress.remaining, 2 - index);
        EXPECT_EQ(received.value().progress.sent, 0U) << "not the receiver's count";
        EXPECT_EQ(received.value().progress.length, 3U);
        EXPECT_EQ(received.value().packetLength, 0U) << "no acknowledgement per chunk";

        auto progress = bob.manager.incomingProgress("alice", id);
        ASSERT_TRUE(progress.ok());
        EXPECT_EQ(progress.value().userid, "alice");
        EXPECT_EQ(progress.value().name, "notes.txt");
        EXPECT_EQ(progress.value().counts.bytesDone, std::min(10U, (index + 1) * 4U));
        auto sent = alice.manager.outgoingProgress(id);
        ASSERT_TRUE(sent.ok());
        EXPECT_EQ(sent.value().userid, "bob");
        EXPECT_EQ(sent.value().direction, TransferDirection::Outgoing);
    }
    auto end = alice.manager.writeEnd(id, alice.output());
    ASSERT_TRUE(end.ok());
    EXPECT_EQ(end.value().event, TransferEvent::End);
    EXPECT_EQ(end.value().packetLength, kPacketHeaderBytes + 8);
    auto received = bob.receive("alice", alice.lastPacket(end.value()));
    ASSERT_TRUE(received.ok());
    EXPECT_EQ(received.value().event, TransferEvent::Received);
    EXPECT_EQ(received.value().progress.remaining, 0U);
    EXPECT_EQ(received.value().progress.bytesDone, 10U);
    EXPECT_EQ(received.value().packetLength, kPacketHeaderBytes + 8) << "a Complete to send back";
    EXPECT_EQ(bob.out[1], static_cast<std::uint8_t>(PacketKind::Complete));

    // The sender does not report delivery until the receiver says so.
    EXPECT_EQ(alice.manager.outgoingCount(), 1U);
    auto delivered = alice.receive("bob", bob.lastPacket(received.value()));
    ASSERT_TRUE(delivered.ok());
    EXPECT_EQ(delivered.value().event, TransferEvent::Delivered);
    EXPECT_EQ(delivered.value().transferId, id);
    EXPECT_EQ(alice.manager.outgoingCount(), 0U);
}

TEST(TransferRoundTrip, WritesAChunkInPlaceWithoutCopying) {
    // The facade can put the payload straight behind the header in the output buffer.
    Peer alice("alice");
    Peer bob("bob");
    const Bytes source = patternBytes(5000);
    const auto metadata = describe(source.size(), 4096);
    auto [id, start] = alice.start("bob", metadata);
    ASSERT_TRUE(bob.receive("alice", start).ok());
    for (std::uint32_t index = 0; index < metadata.count; ++index) {
        const auto range = alice.manager.nextChunk(id).value();
        std::uint8_t* payload = alice.out.data() + kPacketHeaderBytes;
        std::memcpy(payload, source.data() + range.offset, range.length);
        auto written =
            alice.manager.writeChunk(id, ConstBytes(payload, range.length), alice.output());
        ASSERT_TRUE(written.ok());
        ASSERT_TRUE(bob.receive("alice", alice.lastPacket(written.value())).ok());
    }
    auto end = alice.manager.writeEnd(id, alice.output());
    ASSERT_TRUE(end.ok());
    auto received = bob.receive("alice", alice.lastPacket(end.value()));
    ASSERT_TRUE(received.ok());
    EXPECT_EQ(received.value().event, TransferEvent::Received);
    EXPECT_EQ((bob.reassembled[{"alice", id}]), source);
}

TEST(TransferRoundTrip, APayloadOverlappingTheOutputBufferIsMovedNotCorrupted) {
    Peer alice("alice");
    Peer bob("bob");
    const Bytes source = patternBytes(300);
    const auto metadata = describe(source.size(), 300);
    auto [id, start] = alice.start("bob", metadata);
    ASSERT_TRUE(bob.receive("alice", start).ok());
    // The payload sits 5 bytes past where the packet's payload goes: the regions overlap.
    std::memcpy(alice.out.data() + kPacketHeaderBytes + 5, source.data(), source.size());
    auto written = alice.manager.writeChunk(
        id, ConstBytes(alice.out.data() + kPacketHeaderBytes + 5, source.size()), alice.output());
    ASSERT_TRUE(written.ok());
    ASSERT_TRUE(bob.receive("alice", alice.lastPacket(written.value())).ok());
    auto end = alice.manager.writeEnd(id, alice.output());
    auto received = bob.receive("alice", alice.lastPacket(end.value()));
    ASSERT_TRUE(received.ok());
    EXPECT_EQ(received.value().event, TransferEvent::Received);
    EXPECT_EQ((bob.reassembled[{"alice", id}]), source);
}

} // namespace
} // namespace rtcmc::transfer
