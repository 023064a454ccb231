// Many transfers at once: both directions, several peers, interleaved; a peer leaving mid-way;
// either side giving up; and the sender-side calls refusing what they cannot do.
#include "transfer/transfer_manager.hpp"

#include "transfer_test_support.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <random>

namespace rtcmc::transfer {
namespace {

using testing::Bytes;
using testing::bytesOf;
using testing::describe;
using testing::patternBytes;
using testing::Peer;

// A packet in flight on the (ordered) channel from one peer to another.
struct InFlight {
    std::string from;
    std::string to;
    Bytes packet;
};

TEST(TransferManagerConcurrency, ThreePeersSendTwoFilesToEachOtherAtOnce) {
    std::map<std::string, Peer> peers;
    for (const char* name : {"ann", "ben", "cat"}) {
        peers.emplace(name, Peer(name));
    }
    struct Sending {
        std::string from;
        std::string to;
        std::uint32_t id;
        Bytes source;
        bool endWritten = false;
    };
    std::vector<Sending> sending;
    std::deque<InFlight> channel;
    std::uint64_t seed = 1;
    for (auto& [from, peer] : peers) {
        for (auto& [to, ignored] : peers) {
            if (from == to) {
                continue;
            }
            for (int file = 0; file < 2; ++file) {
                Bytes source = patternBytes(1000 + 777 * seed, seed);
                ++seed;
                auto [id, start] = peer.start(to, describe(source.size(), 256 + 100 * file));
                channel.push_back({from, to, start});
                sending.push_back({from, to, id, std::move(source)});
            }
        }
    }
    // Round-robin: each sender writes one chunk of each of its transfers per turn, and the
    // channel delivers packets as they were written (per-pair order is kept, pairs interleave).
    std::mt19937 random(3);
    std::size_t delivered = 0;
    std::size_t receivedEvents = 0;
    std::size_t deliveredEvents = 0;
    while (delivered < sending.size() || !channel.empty()) {
        for (auto& transfer : sending) {
            Peer& peer = peers.at(transfer.from);
            auto range = peer.manager.nextChunk(transfer.id);
            if (range.ok()) {
                auto update = peer.manager.writeChunk(
                    transfer.id,
                    ConstBytes(transfer.source.data() + range.value().offset, range.value().length),
                    peer.output());
                ASSERT_TRUE(update.ok()) << describe(update.error().text);
                channel.push_back({transfer.from, transfer.to, peer.lastPacket(update.value())});
            } else if (!transfer.endWritten) {
                auto update = peer.manager.writeEnd(transfer.id, peer.output());
                ASSERT_TRUE(update.ok()) << describe(update.error().text);
                channel.push_back({transfer.from, transfer.to, peer.lastPacket(update.value())});
                transfer.endWritten = true;
            }
        }
        // Deliver a random number of packets this turn.
        const std::size_t batch = std::uniform_int_distribution<std::size_t>(1, 20)(random);
        for (std::size_t i = 0; i < batch && !channel.empty(); ++i) {
            InFlight packet = std::move(channel.front());
            channel.pop_front();
            Peer& receiver = peers.at(packet.to);
            auto update = receiver.receive(packet.from, packet.packet);
            ASSERT_TRUE(update.ok()) << describe(update.error().text);
            if (update.value().event == TransferEvent::Received) {
                ++receivedEvents;
            }
            if (update.value().event == TransferEvent::Delivered) {
                ++deliveredEvents;
                ++delivered;
            }
            if (update.value().packetLength > 0) {
                channel.push_back({packet.to, packet.from, receiver.lastPacket(update.value())});
            }
        }
    }
    EXPECT_EQ(receivedEvents, 12U);
    EXPECT_EQ(deliveredEvents, 12U);
    for (const auto& transfer : sending) {
        EXPECT_EQ((peers.at(transfer.to).reassembled[{transfer.from, transfer.id}]),
                  transfer.source)
            << transfer.from << " -> " << transfer.to << " #" << transfer.id;
    }
    for (auto& [name, peer] : peers) {
        EXPECT_EQ(peer.manager.incomingCount(), 0U) << name;
        EXPECT_EQ(peer.manager.outgoingCount(), 0U) << name;
    }
}

TEST(TransferManagerPeers, APeerLeavingAbortsEveryTransferWithItInBothDirections) {
    Peer ann("ann");
    Peer ben("ben");
    Peer cat("cat");
    // ann -> ben (two), ben -> ann (one), ann -> cat (one, must survive).
    auto [toBen1, start1] = ann.start("ben", describe(1000, 100, TransferKind::File, "one.bin"));
    auto [toBen2, start2] = ann.start("ben", describe(1000, 100, TransferKind::Text, ""));
    auto [toCat, start3] = ann.start("cat", describe(1000, 100));
    auto [fromBen, start4] = ben.start("ann", describe(1000, 100, TransferKind::File, "b.txt"));
    ASSERT_TRUE(ann.receive("ben", start4).ok());
    ASSERT_TRUE(cat.receive("ann", start3).ok());
    // The last outgoing one is fully written and awaits Complete: still not delivered.
    const Bytes source = patternBytes(1000);
    for (int i = 0; i < 10; ++i) {
        ASSERT_TRUE(
            ann.manager.writeChunk(toBen2, ConstBytes(source.data() + i * 100, 100), ann.output())
                .ok());
    }
    ASSERT_TRUE(ann.manager.writeEnd(toBen2, ann.output()).ok());

    const auto updates = ann.manager.peerGone("ben");
    ASSERT_EQ(updates.size(), 3U);
    std::map<std::pair<TransferDirection, std::uint32_t>, TransferUpdate> byTransfer;
    for (const auto& update : updates) {
        EXPECT_EQ(update.event, TransferEvent::Aborted);
        ASSERT_TRUE(update.error.has_value());
        EXPECT_EQ(update.error->code, ErrorCode::TransferAborted);
        byTransfer[{update.direction, update.transferId}] = update;
    }
    ASSERT_EQ(byTransfer.count({TransferDirection::Outgoing, toBen1}), 1U);
    ASSERT_EQ(byTransfer.count({TransferDirection::Outgoing, toBen2}), 1U);
    ASSERT_EQ(byTransfer.count({TransferDirection::Incoming, fromBen}), 1U);
    const TransferUpdate& first = byTransfer[{TransferDirection::Outgoing, toBen1}];
    EXPECT_EQ(describe(first.error->text), "'ben' left during transfer 1 (\"one.bin\")");
    const TransferUpdate& second = byTransfer[{TransferDirection::Outgoing, toBen2}];
    EXPECT_EQ(second.progress.sent, 10U);
    EXPECT_EQ(ann.manager.outgoingCount(), 1U) << "the transfer to cat goes on";
    EXPECT_EQ(ann.manager.incomingCount(), 0U);
    EXPECT_TRUE(ann.manager.outgoingProgress(toCat).ok());
    EXPECT_TRUE(ann.manager.peerGone("ben").empty()) << "a second call finds nothing";

    // Late packets of the gone peer are refused, not resurrected.
    auto late = ann.receive("ben", ben.packetise("ann", describe(5, 5), patternBytes(5))[1]);
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, ErrorCode::UnknownTransfer);
}

TEST(TransferManagerPeers, EitherSideCanGiveUpAndTheOtherHearsWhy) {
    Peer ann("ann");
    Peer ben("ben");
    const Bytes source = patternBytes(1000);

    // The sender aborts: ben's incoming transfer ends with TransferAborted.
    auto [first, start1] = ann.start("ben", describe(1000, 100, TransferKind::File, "a.bin"));
    ASSERT_TRUE(ben.receive("ann", start1).ok());
    auto abort = ann.manager.abortOutgoing(first, "user pressed stop", ann.output());
    ASSERT_TRUE(abort.ok());
    EXPECT_EQ(abort.value().event, TransferEvent::Aborted);
    EXPECT_FALSE(abort.value().error.has_value()) << "this side asked for it";
    EXPECT_EQ(ann.manager.outgoingCount(), 0U);
    auto heard = ben.receive("ann", ann.lastPacket(abort.value()));
    ASSERT_TRUE(heard.ok());
    EXPECT_EQ(heard.value().event, TransferEvent::Aborted);
    EXPECT_EQ(heard.value().direction, TransferDirection::Incoming);
    ASSERT_TRUE(heard.value().error.has_value());
    EXPECT_EQ(heard.value().error->code, ErrorCode::TransferAborted);
    EXPECT_EQ(describe(heard.value().error->text),
              "'ann' aborted transfer 1 (\"a.bin\"): user pressed stop");
    EXPECT_EQ(ben.manager.incomingCount(), 0U);

    // The receiver cancels: ann's outgoing transfer ends with TransferAborted.
    auto [second, start2] = ann.start("ben", describe(1000, 100, TransferKind::File, "b.bin"));
    ASSERT_TRUE(ben.receive("ann", start2).ok());
    auto cancel = ben.manager.cancelIncoming("ann", second, "no disk space", ben.output());
    ASSERT_TRUE(cancel.ok());
    EXPECT_EQ(cancel.value().event, TransferEvent::Aborted);
    EXPECT_EQ(ben.manager.incomingCount(), 0U);
    auto told = ann.receive("ben", ben.lastPacket(cancel.value()));
    ASSERT_TRUE(told.ok());
    EXPECT_EQ(told.value().event, TransferEvent::Aborted);
    EXPECT_EQ(told.value().direction, TransferDirection::Outgoing);
    ASSERT_TRUE(told.value().error.has_value());
    EXPECT_EQ(describe(told.value().error->text),
              "'ben' cancelled transfer 2 (\"b.bin\"): no disk space");
    EXPECT_EQ(ann.manager.outgoingCount(), 0U);

    // Reasons are text: invalid UTF-8 is refused and changes nothing...
    auto [third, start3] = ann.start("ben", describe(10, 10, TransferKind::File, "c.bin"));
    ASSERT_TRUE(ben.receive("ann", start3).ok());
    EXPECT_EQ(ann.manager.abortOutgoing(third, "\xFF", ann.output()).error().code,
              ErrorCode::InvalidArgument);
    EXPECT_EQ(ann.manager.outgoingCount(), 1U);
    // ... and a reason longer than limits.def's abortReasonMaxBytes (an error message the page
    // did not write) is cut there on a character boundary, never inside a two-byte "é".
    std::string longReason = "x";
    for (int i = 0; i < 600; ++i) {
        longReason += "\xC3\xA9";
    }
    auto cut = ann.manager.abortOutgoing(third, longReason, ann.output());
    ASSERT_TRUE(cut.ok());
    auto heardCut = ben.receive("ann", ann.lastPacket(cut.value()));
    ASSERT_TRUE(heardCut.ok());
    ASSERT_TRUE(heardCut.value().error.has_value());
    const std::string prefix = "'ann' aborted transfer 3 (\"c.bin\"): ";
    const std::string words = describe(heardCut.value().error->text);
    ASSERT_EQ(words.substr(0, prefix.size()), prefix);
    EXPECT_EQ(words.substr(prefix.size()),
              longReason.substr(0, protocol::kMaxAbortReasonBytes - 1));
    EXPECT_EQ(ann.manager.abortOutgoing(99, "x", ann.output()).error().code,
              ErrorCode::UnknownTransfer);
    EXPECT_EQ(ben.manager.cancelIncoming("ann", 99, "x", ben.output()).error().code,
              ErrorCode::UnknownTransfer);
}

TEST(TransferManagerSender, RefusesCallsItCannotHonourAndChangesNothing) {
    Peer ann("ann");
    Bytes small(20);
    const MutableBytes tooSmall(small.data(), small.size());
    const Bytes source = patternBytes(10);

    EXPECT_EQ(ann.manager.startOutgoing("", describe(10, 4), ann.output()).error().code,
              ErrorCode::InvalidArgument);
    TransferMetadata broken = describe(10, 4);
    broken.count = 2;
    auto refused = ann.manager.startOutgoing("ben", broken, ann.output());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(describe(refused.error().text).find("'count' 2 disagrees"), std::string::npos);
    EXPECT_EQ(ann.manager.startOutgoing("ben", describe(10, 4), tooSmall).error().code,
              ErrorCode::InvalidArgument);
    EXPECT_EQ(ann.manager.outgoingCount(), 0U);

    auto [id, start] = ann.start("ben", describe(10, 4));
    EXPECT_EQ(id, 1U) << "refused calls consumed no id";

    EXPECT_EQ(ann.manager.writeChunk(id, ConstBytes(source.data(), 3), ann.output()).error().code,
              ErrorCode::InvalidArgument)
        << "chunk 0 must be exactly 4 bytes";
    EXPECT_TRUE(ann.manager.writeChunk(id, ConstBytes(source.data(), 4), tooSmall).ok())
        << "20 bytes hold a 4-byte chunk";
    EXPECT_EQ(
        ann.manager.writeChunk(id, ConstBytes(source.data(), 4), MutableBytes(small.data(), 19))
            .error()
            .code,
        ErrorCode::InvalidArgument);
    EXPECT_EQ(ann.manager.writeEnd(id, ann.output()).error().code, ErrorCode::InvalidState)
        << "End before every chunk";
    EXPECT_EQ(ann.manager.writeChunk(77, ConstBytes(source.data(), 4), ann.output()).error().code,
              ErrorCode::UnknownTransfer);
    EXPECT_EQ(ann.manager.writeEnd(77, ann.output()).error().code, ErrorCode::UnknownTransfer);
    EXPECT_EQ(ann.manager.nextChunk(77).error().code, ErrorCode::UnknownTransfer);
    EXPECT_EQ(ann.manager.outgoingProgress(77).error().code, ErrorCode::UnknownTransfer);
    EXPECT_EQ(ann.manager.outgoingMetadata(77).error().code, ErrorCode::UnknownTransfer);
    EXPECT_EQ(ann.manager.outgoingProgress(id).value().counts.sent, 1U);

    // A Complete before End, from the wrong peer, or for the wrong checksum is refused.
    Bytes complete = testing::rawPacket(4, id, 0, 3, testing::checksumPayload(0));
    auto early = ann.receive("ben", complete);
    ASSERT_FALSE(early.ok());
    EXPECT_EQ(early.error().code, ErrorCode::InvalidState);
    ASSERT_TRUE(ann.manager.writeChunk(id, ConstBytes(source.data() + 4, 4), ann.output()).ok());
    ASSERT_TRUE(ann.manager.writeChunk(id, ConstBytes(source.data() + 8, 2), ann.output()).ok());
    EXPECT_EQ(ann.manager.writeChunk(id, ConstBytes(source.data(), 2), ann.output()).error().code,
              ErrorCode::InvalidState)
        << "every chunk was written";
    auto end = ann.manager.writeEnd(id, ann.output());
    ASSERT_TRUE(end.ok());
    EXPECT_EQ(ann.manager.writeEnd(id, ann.output()).error().code, ErrorCode::InvalidState);
    Bytes endPacket = ann.lastPacket(end.value());
    Bytes rightChecksum(endPacket.begin() + kPacketHeaderBytes, endPacket.end());

    auto wrongPeer = ann.receive("cat", testing::rawPacket(4, id, 0, 3, rightChecksum));
    ASSERT_FALSE(wrongPeer.ok());
    EXPECT_EQ(wrongPeer.error().code, ErrorCode::UnknownTransfer);
    auto wrongChecksum = ann.receive("ben", complete);
    ASSERT_FALSE(wrongChecksum.ok());
    EXPECT_EQ(wrongChecksum.error().code, ErrorCode::TransferMismatch);
    auto wrongCount = ann.receive("ben", testing::rawPacket(4, id, 0, 2, rightChecksum));
    ASSERT_FALSE(wrongCount.ok());
    EXPECT_EQ(wrongCount.error().code, ErrorCode::TransferMismatch);
    EXPECT_EQ(ann.manager.outgoingCount(), 1U);
    auto delivered = ann.receive("ben", testing::rawPacket(4, id, 0, 3, rightChecksum));
    ASSERT_TRUE(delivered.ok());
    EXPECT_EQ(delivered.value().event, TransferEvent::Delivered);
}

TEST(TransferManagerSender, AssignsIdsThatAreUniqueAmongOpenTransfers) {
    Peer ann("ann");
    std::vector<std::uint32_t> ids;
    for (int i = 0; i < 5; ++i) {
        ids.push_back(ann.start(i % 2 == 0 ? "ben" : "cat", describe(1, 1)).first);
    }
    EXPECT_EQ(ids, (std::vector<std::uint32_t>{1, 2, 3, 4, 5}));
    auto metadata = ann.manager.outgoingMetadata(3);
    ASSERT_TRUE(metadata.ok());
    EXPECT_EQ(metadata.value().size, 1U);
}

} // namespace
} // namespace rtcmc::transfer
