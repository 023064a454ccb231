// Seeds of transfer_packets_fuzzer: whole transfers as a sender writes them (in order, reordered,
// replayed, from two peers at once), the harness's own well-formed operations, and this side's
// transfers with each answer a receiver can give.
#include <algorithm>

#include "seeds.hpp"
#include "support/transfer_inputs.hpp"
#include "transfer/transfer_manager.hpp"

namespace rtcmc::fuzz::seeds {

namespace {

using namespace rtcmc::transfer;

// Every packet of one transfer, Start to End, as a sender writes them.
std::vector<std::string> packetsOf(TransferManager& sender, const std::string& to,
                                   TransferKind kind, std::uint64_t size, std::uint32_t chunkSize) {
    std::vector<std::string> packets;
    std::vector<std::uint8_t> out(kMaxPacketBytes);
    const MutableBytes buffer(out.data(), out.size());
    auto take = [&](std::uint32_t length) {
        packets.emplace_back(reinterpret_cast<const char*>(out.data()), length);
    };
    auto metadata = describeTransfer(kind, "note.txt", "text/plain", size, chunkSize);
    auto started = sender.startOutgoing(to, metadata.value(), buffer);
    take(started.value().packetLength);
    const std::uint32_t id = started.value().transferId;
    for (std::uint32_t index = 0; index < metadata.value().count; ++index) {
        std::vector<std::uint8_t> chunk(chunkLengthAt(metadata.value(), index));
        for (std::size_t i = 0; i < chunk.size(); ++i) {
            chunk[i] = static_cast<std::uint8_t>('a' + (index + i) % 26);
        }
        take(sender.writeChunk(id, ConstBytes(chunk.data(), chunk.size()), buffer)
                 .value()
                 .packetLength);
    }
    take(sender.writeEnd(id, buffer).value().packetLength);
    return packets;
}

std::string raw(const std::vector<std::string>& packets, std::uint8_t peer) {
    std::string input;
    for (const std::string& packet : packets) {
        addRecord(input, kRawPacketOp, peer, packet);
    }
    return input;
}

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int value : values) {
        out += static_cast<char>(value);
    }
    return out;
}

} // namespace

std::vector<Seed> transferPacketSeeds() {
    std::vector<Seed> seeds;
    auto add = [&](const std::string& name, std::string input) {
        seeds.push_back(Seed{name, std::move(input)});
    };
    TransferManager sender;
    struct Shape {
        TransferKind kind;
        std::uint64_t size;
        std::uint32_t chunkSize;
    };
    for (const Shape& shape : {Shape{TransferKind::Text, 0, 16}, Shape{TransferKind::Text, 1, 16},
                               Shape{TransferKind::File, 5, 2}, Shape{TransferKind::Binary, 64, 16},
                               Shape{TransferKind::Object, 100, 7}}) {
        const std::string tag = std::to_string(shape.size) + "-" + std::to_string(shape.chunkSize);
        std::vector<std::string> packets =
            packetsOf(sender, "me", shape.kind, shape.size, shape.chunkSize);
        add("in-order-" + tag, raw(packets, 0));
        if (packets.size() > 3) {
            std::vector<std::string> reordered = packets;
            std::reverse(reordered.begin() + 1,
                         reordered.end()); // End first, then chunks backwards
            add("reordered-" + tag, raw(reordered, 0));
            std::vector<std::string> replayed = packets;
            replayed.insert(replayed.begin() + 2, packets[1]); // a chunk twice
            add("replayed-" + tag, raw(replayed, 0));
            std::vector<std::string> flipped = packets;
            flipped[1][flipped[1].size() - 1] ^= 1; // a corrupted chunk: Failed
            add("flipped-" + tag, raw(flipped, 0));
        }
    }
    // Two peers with the same transfer id, interleaved.
    TransferManager ann;
    TransferManager bob;
    const std::vector<std::string> fromAnn = packetsOf(ann, "me", TransferKind::File, 30, 8);
    const std::vector<std::string> fromBob = packetsOf(bob, "me", TransferKind::File, 30, 8);
    std::string both;
    for (std::size_t i = 0; i < fromAnn.size(); ++i) {
        addRecord(both, kRawPacketOp, 0, fromAnn[i]);
        addRecord(both, kRawPacketOp, 1, fromBob[i]);
    }
    add("two-peers", both);
    // The harness's honest operations: Start (id 1, 40 bytes in chunks of 8), chunks, End.
    std::string honest;
    addRecord(honest, kHonestStartOp, 0, bytes({0, 40, 0, 7, 1, 'f'}));
    for (int index : {0, 2, 1, 4, 3}) {
        addRecord(honest, kHonestChunkOp, 0, bytes({0, index, 0, 0}));
    }
    addRecord(honest, kHonestEndOp, 0, bytes({0}));
    add("honest-ops", honest);
    std::string lying = honest;
    addRecord(lying, kHonestStartOp, 1, bytes({1, 3, 0, 0, 0}));
    addRecord(lying, kHonestChunkOp, 0x82, bytes({1, 0, 0, 0}));
    addRecord(lying, kHonestEndOp, 0x82, bytes({1}));
    add("honest-ops-corrupted", lying);
    // This side's transfers, with each answer: Complete, wrong Complete, Failed, Cancel, none;
    // and without End.
    for (std::uint8_t answer : {0x00, 0x20, 0x08, 0x10, 0x18, 0x40}) {
        std::string own;
        addRecord(own, kOwnTransferOp, static_cast<std::uint8_t>(answer | 1), bytes({50, 0, 9}));
        add("own-transfer-" + std::to_string(answer), own);
    }
    // Giving up and leaving in the middle of transfers.
    std::string ending = raw(std::vector<std::string>(fromAnn.begin(), fromAnn.begin() + 2), 2);
    addRecord(ending, kGiveUpOp, 0x80, bytes({1, 'n', 'o'}));
    addRecord(ending, kOwnTransferOp, 0x0A, bytes({20, 0, 3}));
    addRecord(ending, kGiveUpOp, 2, bytes({1, 'b', 'y', 'e'}));
    addRecord(ending, kOwnTransferOp, 0x1A, bytes({20, 0, 3}));
    addRecord(ending, kPeerGoneOp, 2, "");
    add("give-up-and-leave", ending);
    // A shaped Abort and a raw garbage packet.
    std::string shaped;
    addRecord(shaped, kRawPacketOp, 0, fromAnn[0]);
    addRecord(shaped, kShapedPacketOp, 0, bytes({5, 0, 0, 0, 'w', 'h', 'y'}));
    addRecord(shaped, kRawPacketOp, 0, bytes({1, 9, 0, 0, 1, 0, 0, 0}));
    add("shaped", shaped);
    return seeds;
}

} // namespace rtcmc::fuzz::seeds
