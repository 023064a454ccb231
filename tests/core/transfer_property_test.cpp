// Randomized: streams of valid packets from several transfers, interleaved and reordered, with
// mutated copies, garbage and replays mixed in, in both directions. Properties:
//   - nothing crashes (ASan/UBSan builds check every access);
//   - a refused packet changes no observable state;
//   - a transfer reported Received has exactly the sender's bytes;
//   - a sender reports Delivered only for a transfer its receiver verified.
#include "transfer/transfer_manager.hpp"

#include "transfer_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <sstream>

namespace rtcmc::transfer {
namespace {

using testing::Bytes;
using testing::describe;
using testing::patternBytes;
using testing::Peer;

std::string observableState(const TransferManager& manager) {
    std::ostringstream out;
    for (const auto& transfer : manager.activeTransfers()) {
        const auto& counts = transfer.counts;
        out << transferDirectionName(transfer.direction) << ":" << transfer.userid << "#"
            << transfer.transferId << "[" << transfer.name << "] " << counts.length << "/"
            << counts.sent << "/" << counts.received << "/" << counts.remaining << "/"
            << counts.size << "/" << counts.bytesDone << "\n";
    }
    return out.str();
}

Bytes mutate(Bytes packet, std::mt19937& random) {
    auto pick = [&](std::size_t bound) {
        return std::uniform_int_distribution<std::size_t>(0, bound - 1)(random);
    };
    switch (pick(9)) {
    case 0: // flip one bit anywhere
        if (!packet.empty()) {
            packet[pick(packet.size())] ^= static_cast<std::uint8_t>(1U << pick(8));
        }
        break;
    case 1: // flip a header bit
        if (packet.size() >= kPacketHeaderBytes) {
            packet[pick(kPacketHeaderBytes)] ^= static_cast<std::uint8_t>(1U << pick(8));
        }
        break;
    case 2: // truncate
        packet.resize(pick(packet.size() + 1));
        break;
    case 3: // extend
        packet.resize(packet.size() + 1 + pick(16), static_cast<std::uint8_t>(pick(256)));
        break;
    case 4: // set a u32 field to an extreme
        if (packet.size() >= kPacketHeaderBytes) {
            const std::size_t field = 4 + 4 * pick(3);
            const std::uint32_t values[] = {0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF};
            const std::uint32_t value = values[pick(5)];
            for (int i = 0; i < 4; ++i) {
                packet[field + i] = static_cast<std::uint8_t>(value >> (8 * i));
            }
        }
        break;
    case 5: // change the kind
        if (packet.size() >= 2) {
            packet[1] = static_cast<std::uint8_t>(pick(9));
        }
        break;
    case 6: // pure garbage
        packet = patternBytes(pick(80), random());
        break;
    case 7: // a plausible header with random fields and payload
        packet = testing::rawPacket(
            static_cast<std::uint8_t>(1 + pick(7)), static_cast<std::uint32_t>(pick(4)),
            static_cast<std::uint32_t>(pick(20)), static_cast<std::uint32_t>(pick(20)),
            patternBytes(pick(40), random()));
        break;
    default: // an exact replay
        break;
    }
    return packet;
}

TEST(TransferProperty, RandomStreamsWithMutationsNeverCorruptOrHalfApply) {
    std::size_t received = 0;
    std::size_t refused = 0;
    std::size_t delivered = 0;
    for (std::uint32_t seed = 1; seed <= 150; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        std::mt19937 random(seed);
        auto pick = [&](std::size_t bound) {
            return std::uniform_int_distribution<std::size_t>(0, bound - 1)(random);
        };
        std::map<std::string, Peer> senders;
        senders.emplace("ann", Peer("ann"));
        senders.emplace("cat", Peer("cat"));
        Peer bob("bob");

        struct Sent {
            std::string from;
            std::uint32_t id;
            Bytes source;
        };
        std::vector<Sent> sent;
        // Per transfer, the packets still to deliver; Start goes first, the rest in any order.
        std::vector<std::pair<std::string, std::vector<Bytes>>> queues;
        for (auto& [name, sender] : senders) {
            for (int i = 0; i < 3; ++i) {
                Bytes source = patternBytes(pick(3000), random());
                const auto chunkSize = static_cast<std::uint32_t>(1 + pick(600));
                std::uint32_t id = 0;
                auto packets =
                    sender.packetise("bob", describe(source.size(), chunkSize), source, &id);
                std::shuffle(packets.begin() + 1, packets.end(), random);
                std::reverse(packets.begin(), packets.end()); // pop_back() takes Start first
                queues.emplace_back(name, std::move(packets));
                sent.push_back({name, id, std::move(source)});
            }
        }
        std::vector<std::pair<std::string, Bytes>> history; // what was delivered, for mutations
        std::set<std::pair<std::string, std::uint32_t>> verified;

        auto deliverToBob = [&](const std::string& from, const Bytes& packet) {
            const std::string before = observableState(bob.manager);
            auto update = bob.receive(from, packet);
            if (!update.ok()) {
                ++refused;
                EXPECT_EQ(observableState(bob.manager), before) << describe(update.error().text);
                return;
            }
            history.emplace_back(from, packet);
            if (update.value().event == TransferEvent::Received) {
                // Checked at the moment the core vouches for the bytes: a replayed Start may
                // later open a new transfer under the same id (finished ids are forgotten).
                const auto key = std::make_pair(from, update.value().transferId);
                verified.insert(key);
                ++received;
                const auto source = std::find_if(sent.begin(), sent.end(), [&](const Sent& s) {
                    return s.from == from && s.id == key.second;
                });
                ASSERT_NE(source, sent.end());
                EXPECT_EQ(bob.reassembled[key], source->source)
                    << "Received with other bytes than were sent: " << from << "#" << key.second;
            }
            if (update.value().packetLength == 0) {
                return;
            }
            // The reply travels back, possibly followed by a mutated copy.
            Bytes reply = bob.lastPacket(update.value());
            std::vector<Bytes> replies{reply};
            if (pick(3) == 0) {
                replies.insert(replies.begin() + pick(2), mutate(reply, random));
            }
            Peer& sender = senders.at(from);
            for (const Bytes& replyPacket : replies) {
                const std::string senderBefore = observableState(sender.manager);
                auto answer = sender.receive("bob", replyPacket);
                if (!answer.ok()) {
                    EXPECT_EQ(observableState(sender.manager), senderBefore)
                        << describe(answer.error().text);
                    continue;
                }
                if (answer.value().event == TransferEvent::Delivered) {
                    ++delivered;
                    EXPECT_EQ(verified.count({from, answer.value().transferId}), 1U)
                        << "Delivered without the receiver's verification";
                }
            }
        };

        for (;;) {
            std::vector<std::size_t> pending;
            for (std::size_t i = 0; i < queues.size(); ++i) {
                if (!queues[i].second.empty()) {
                    pending.push_back(i);
                }
            }
            if (pending.empty()) {
                break;
            }
            if (!history.empty() && pick(4) == 0) {
                // Copies: delivering appends to `history`, which may move its elements.
                const auto [from, packet] = history[pick(history.size())];
                deliverToBob(pick(5) == 0 ? "dan" : from, mutate(packet, random));
            }
            auto& [from, packets] = queues[pending[pick(pending.size())]];
            const Bytes packet = std::move(packets.back());
            packets.pop_back();
            deliverToBob(from, packet);
        }
    }
    // Not vacuous: most transfers complete despite the noise, and much noise was refused.
    EXPECT_GT(received, 150U * 6 / 2);
    EXPECT_GT(refused, 1000U);
    EXPECT_GT(delivered, 150U * 6 / 3);
    std::cout << "[ property ] " << received << " transfers verified, " << refused
              << " packets refused, " << delivered << " delivered\n";
}

} // namespace
} // namespace rtcmc::transfer
