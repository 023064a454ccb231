// libFuzzer target: the transfer packet path. transfer::decodePacket and the reassembler
// (TransferManager::receive) get arbitrary packet sequences from three fake peers, mixed with
// well-formed Start/Chunk/End packets (so that reassembly gets deep), this side's own transfers
// (so that Complete, Failed and Cancel find one) and the calls that end transfers.
//
// The harness keeps, beside the manager, its own record of what was accepted, and asserts:
//   - a packet that decodes is written back byte for byte by the packet writer;
//   - a refused packet changes nothing observable (transfers, counts, progress) and writes no
//     reply;
//   - a chunk is accepted at most once, and progress counts what was accepted;
//   - nothing is reported Received unless every chunk arrived and the checksum of the accepted
//     payloads (computed here, docs/protocol-packets.md) equals the sender's End; a mismatch
//     is Failed; the reply written is the Complete or Failed that says so;
//   - a Delivered outgoing transfer was confirmed with the checksum its End carried.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/fuzz_check.hpp"
#include "support/fuzz_input.hpp"
#include "support/transfer_inputs.hpp"
#include "transfer/little_endian.hpp"
#include "transfer/transfer_manager.hpp"
#include "transfer/xxhash64.hpp"

namespace rtcmc::fuzz {
namespace {

using namespace rtcmc::transfer;
using Bytes = std::vector<std::uint8_t>;

constexpr const char* kPeers[] = {"ann", "bob", "cat"};
// Well-formed chunks and Ends are built for transfers this small; bigger ones get raw packets.
constexpr std::uint32_t kMaxBuiltChunks = 64;
constexpr std::uint32_t kMaxBuiltChunkBytes = 4096;

std::uint32_t low16(std::string_view bytes, std::size_t at) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 2 && at + i < bytes.size(); ++i) {
        value |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[at + i])) << (8 * i);
    }
    return value;
}
std::uint8_t byteAt(std::string_view bytes, std::size_t at) {
    return at < bytes.size() ? static_cast<std::uint8_t>(bytes[at]) : 0;
}

// The header layout of docs/protocol-packets.md, written here rather than by the code under
// test.
Bytes packet(std::uint8_t kind, std::uint32_t transferId, std::uint32_t index, std::uint32_t count,
             const Bytes& payload) {
    Bytes out(kPacketHeaderBytes);
    out[0] = kPacketVersion;
    out[1] = kind;
    storeLittleEndian32(out.data() + 4, transferId);
    storeLittleEndian32(out.data() + 8, index);
    storeLittleEndian32(out.data() + 12, count);
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

// The bytes an honest sender puts in chunk `index` of transfer `transferId`.
Bytes honestChunk(std::uint32_t transferId, const TransferMetadata& metadata, std::uint32_t index) {
    Bytes payload(chunkLengthAt(metadata, index));
    for (std::size_t i = 0; i < payload.size(); ++i) {
        payload[i] = static_cast<std::uint8_t>(transferId * 31 + index * 7 + i);
    }
    return payload;
}

// docs/protocol-packets.md, "Checksum": XXH64 over each chunk's XXH64, 8 bytes little-endian.
std::uint64_t transferChecksum(const std::vector<Bytes>& chunks) {
    Bytes digests;
    for (const Bytes& chunk : chunks) {
        std::uint8_t digest[8];
        storeLittleEndian64(digest, xxh64(chunk.data(), chunk.size()));
        digests.insert(digests.end(), digest, digest + 8);
    }
    return xxh64(digests.data(), digests.size());
}

struct IncomingRecord {
    TransferMetadata metadata;
    std::map<std::uint32_t, Bytes> chunks; // index -> accepted payload
    std::optional<std::uint64_t> endChecksum;
};

struct OutgoingRecord {
    std::string peer;
    std::optional<std::uint64_t> endChecksum; // once this side wrote the End
};

class Harness {
public:
    void run(const Record& record) {
        const std::string peer = kPeers[record.selector % 3];
        switch (record.op % kTransferOps) {
        case kRawPacketOp:
            deliver(peer, Bytes(record.bytes.begin(), record.bytes.end()));
            break;
        case kShapedPacketOp:
            deliverShaped(peer, record.bytes);
            break;
        case kHonestStartOp:
            deliverStart(peer, record.bytes);
            break;
        case kHonestChunkOp:
            deliverChunk(peer, record.bytes, record.selector & 0x80);
            break;
        case kHonestEndOp:
            deliverEnd(peer, record.bytes, record.selector & 0x80);
            break;
        case kOwnTransferOp:
            sendOwn(peer, record.bytes, record.selector);
            break;
        case kGiveUpOp:
            giveUp(peer, record.bytes, record.selector);
            break;
        default:
            peerGone(peer);
            break;
        }
        checkProgress();
    }

private:
    // A header with small ids and counts, so that it often names a transfer that exists.
    void deliverShaped(const std::string& peer, std::string_view bytes) {
        const std::uint8_t kind = static_cast<std::uint8_t>(1 + byteAt(bytes, 0) % 7);
        const std::uint32_t id = 1 + byteAt(bytes, 1) % 4;
        Bytes payload(bytes.size() > 4 ? bytes.begin() + 4 : bytes.end(), bytes.end());
        deliver(peer, packet(kind, id, byteAt(bytes, 2), byteAt(bytes, 3), payload));
    }

    void deliverStart(const std::string& peer, std::string_view bytes) {
        const std::uint32_t id = 1 + byteAt(bytes, 0) % 4;
        const std::uint64_t size = low16(bytes, 1) % 700;
        const std::uint32_t chunkSize = 1 + byteAt(bytes, 3) % 64;
        const auto kind = static_cast<TransferKind>(byteAt(bytes, 4) % 4);
        std::string name(bytes.size() > 5 ? bytes.substr(5) : std::string_view());
        auto metadata = describeTransfer(kind, name, "text/plain", size, chunkSize);
        if (!metadata) {
            metadata = describeTransfer(kind, "f", "", size, chunkSize);
        }
        const std::string json = serializeMetadata(metadata.value());
        deliver(peer, packet(static_cast<std::uint8_t>(PacketKind::Start), id, 0,
                             metadata.value().count, Bytes(json.begin(), json.end())));
    }

    void deliverChunk(const std::string& peer, std::string_view bytes, bool corrupt) {
        const std::uint32_t id = 1 + byteAt(bytes, 0) % 4;
        const auto found = incoming_.find({peer, id});
        if (found == incoming_.end() || found->second.metadata.count == 0 ||
            found->second.metadata.chunkSize > kMaxBuiltChunkBytes) {
            return;
        }
        const TransferMetadata& metadata = found->second.metadata;
        const std::uint32_t index = low16(bytes, 1) % metadata.count;
        Bytes payload = honestChunk(id, metadata, index);
        if (corrupt) {
            payload[byteAt(bytes, 3) % payload.size()] ^= 1;
        }
        deliver(peer, packet(static_cast<std::uint8_t>(PacketKind::Chunk), id, index,
                             metadata.count, payload));
    }

    void deliverEnd(const std::string& peer, std::string_view bytes, bool lie) {
        const std::uint32_t id = 1 + byteAt(bytes, 0) % 4;
        const auto found = incoming_.find({peer, id});
        if (found == incoming_.end() || found->second.metadata.count > kMaxBuiltChunks ||
            found->second.metadata.chunkSize > kMaxBuiltChunkBytes) {
            return;
        }
        const TransferMetadata& metadata = found->second.metadata;
        std::vector<Bytes> chunks;
        for (std::uint32_t index = 0; index < metadata.count; ++index) {
            chunks.push_back(honestChunk(id, metadata, index));
        }
        Bytes payload(kChecksumBytes);
        storeLittleEndian64(payload.data(), transferChecksum(chunks) ^ (lie ? 1 : 0));
        deliver(peer,
                packet(static_cast<std::uint8_t>(PacketKind::End), id, 0, metadata.count, payload));
    }

    // This side sends a small transfer to `peer`, then the peer answers (or not).
    void sendOwn(const std::string& peer, std::string_view bytes, std::uint8_t selector) {
        auto metadata = describeTransfer(TransferKind::Binary, "out", "", low16(bytes, 0) % 300,
                                         1 + byteAt(bytes, 2) % 64);
        if (!metadata) {
            return;
        }
        auto started = manager_.startOutgoing(peer, metadata.value(), output());
        require(started.ok(), "a valid outgoing transfer could not start");
        const std::uint32_t id = started.value().transferId;
        require(outgoing_.count(id) == 0, "a transfer id handed out twice among open transfers");
        OutgoingRecord& record = outgoing_[id];
        record.peer = peer;
        for (std::uint32_t index = 0; index < metadata.value().count; ++index) {
            const Bytes chunk = honestChunk(id, metadata.value(), index);
            require(manager_.writeChunk(id, ConstBytes(chunk.data(), chunk.size()), output()).ok(),
                    "writing an honest chunk failed");
        }
        if (selector & 0x40) {
            return; // no End yet: a Complete now must be refused
        }
        auto end = manager_.writeEnd(id, output());
        require(end.ok(), "writing the End after every chunk failed");
        record.endChecksum = loadLittleEndian64(out_.data() + kPacketHeaderBytes);
        Bytes checksum(kChecksumBytes);
        storeLittleEndian64(checksum.data(), *record.endChecksum ^ ((selector & 0x20) ? 1 : 0));
        switch ((selector >> 3) & 3) {
        case 0:
            deliver(peer, packet(static_cast<std::uint8_t>(PacketKind::Complete), id, 0,
                                 metadata.value().count, checksum));
            break;
        case 1:
            deliver(peer, packet(static_cast<std::uint8_t>(PacketKind::Failed), id, 0, 0, {}));
            break;
        case 2:
            deliver(peer, packet(static_cast<std::uint8_t>(PacketKind::Cancel), id, 0, 0, {}));
            break;
        default:
            break;
        }
    }

    // This side cancels an incoming transfer or aborts an outgoing one.
    void giveUp(const std::string& peer, std::string_view bytes, std::uint8_t selector) {
        const std::uint32_t id = 1 + byteAt(bytes, 0) % 4;
        const std::string_view reason = bytes.size() > 1 ? bytes.substr(1) : std::string_view();
        if (selector & 0x80) {
            const bool known = incoming_.count({peer, id}) != 0;
            auto cancelled = manager_.cancelIncoming(peer, id, reason, output());
            if (cancelled) {
                require(known, "cancelled an incoming transfer that was never accepted");
                expectPacket(cancelled.value().packetLength, PacketKind::Cancel, id);
                incoming_.erase({peer, id});
            }
        } else {
            const bool known = outgoing_.count(id) != 0;
            auto aborted = manager_.abortOutgoing(id, reason, output());
            if (aborted) {
                require(known, "aborted an outgoing transfer that was never started");
                expectPacket(aborted.value().packetLength, PacketKind::Abort, id);
                outgoing_.erase(id);
            }
        }
    }

    void peerGone(const std::string& peer) {
        const std::size_t before = incoming_.size() + outgoing_.size();
        for (auto it = incoming_.begin(); it != incoming_.end();) {
            it = it->first.first == peer ? incoming_.erase(it) : std::next(it);
        }
        for (auto it = outgoing_.begin(); it != outgoing_.end();) {
            it = it->second.peer == peer ? outgoing_.erase(it) : std::next(it);
        }
        const std::size_t expected = before - incoming_.size() - outgoing_.size();
        const std::vector<TransferUpdate> updates = manager_.peerGone(peer);
        require(updates.size() == expected, "peerGone did not end exactly the peer's transfers");
        for (const TransferUpdate& update : updates) {
            require(update.event == TransferEvent::Aborted && update.error.has_value(),
                    "a transfer ended by peerGone without Aborted and its error");
        }
    }

    void deliver(const std::string& peer, const Bytes& bytes) {
        const ConstBytes view(bytes.data(), bytes.size());
        auto decoded = decodePacket(view);
        if (decoded) {
            // The writer lays out what the decoder read, byte for byte.
            Bytes rewritten(bytes.size());
            auto written = encodePacket(decoded.value().header, decoded.value().payload,
                                        MutableBytes(rewritten.data(), rewritten.size()));
            require(written.ok() && written.value() == bytes.size() && rewritten == bytes,
                    "a decoded packet is not written back identically");
        }
        const std::vector<std::uint64_t> before = snapshot();
        std::memset(reply_.data(), 0xA5, reply_.size());
        auto received = manager_.receive(peer, view, MutableBytes(reply_.data(), reply_.size()));
        if (!decoded) {
            require(!received.ok(), "receive() accepted a packet the decoder refuses");
        }
        if (!received) {
            if (snapshot() != before) {
                invariantBroken("a refused packet changed the transfers: " + describe(before) +
                                "-> " + describe(snapshot()));
            }
            static const Bytes untouched(kMaxReplyPacketBytes, 0xA5);
            require(reply_ == untouched, "a refused packet wrote a reply");
            return;
        }
        accepted(peer, decoded.value(), received.value());
    }

    void accepted(const std::string& peer, const Packet& packet, const TransferUpdate& update) {
        const std::uint32_t id = packet.header.transferId;
        require(update.transferId == id, "an update about another transfer than the packet's");
        switch (packet.header.kind) {
        case PacketKind::Start: {
            require(update.event == TransferEvent::Started, "an accepted Start not Started");
            require(incoming_.count({peer, id}) == 0, "a second Start accepted for one transfer");
            auto metadata = manager_.incomingMetadata(peer, id);
            require(metadata.ok(), "a started transfer without metadata");
            incoming_[{peer, id}].metadata = metadata.value();
            return;
        }
        case PacketKind::Chunk:
        case PacketKind::End:
            incomingPiece(peer, packet, update);
            return;
        case PacketKind::Abort:
            require(update.event == TransferEvent::Aborted && update.error.has_value(),
                    "an accepted Abort not reported Aborted with its reason");
            require(incoming_.erase({peer, id}) == 1, "an Abort accepted for an unknown transfer");
            return;
        case PacketKind::Complete: {
            const auto found = outgoing_.find(id);
            require(found != outgoing_.end() && found->second.peer == peer,
                    "a Complete accepted for a transfer this side did not send to that peer");
            require(found->second.endChecksum.has_value() &&
                        loadLittleEndian64(packet.payload.data) == *found->second.endChecksum,
                    "Delivered without the receiver confirming the checksum of the End");
            require(update.event == TransferEvent::Delivered, "an accepted Complete not Delivered");
            outgoing_.erase(found);
            return;
        }
        case PacketKind::Failed:
        case PacketKind::Cancel:
            require(update.error.has_value(), "a Failed or Cancel without its error");
            require(outgoing_.erase(id) == 1,
                    "a Failed or Cancel accepted for an unknown transfer");
            return;
        }
    }

    void incomingPiece(const std::string& peer, const Packet& packet,
                       const TransferUpdate& update) {
        const std::uint32_t id = packet.header.transferId;
        const auto found = incoming_.find({peer, id});
        require(found != incoming_.end(), "a chunk or End accepted for a transfer never started");
        IncomingRecord& record = found->second;
        if (packet.header.kind == PacketKind::Chunk) {
            require(update.payloadOffset == kPacketHeaderBytes &&
                        update.payloadLength == packet.payload.size &&
                        update.index == packet.header.index,
                    "an accepted chunk's payload is not where the update says");
            require(record.chunks.count(update.index) == 0, "a chunk accepted twice");
            record.chunks[update.index] =
                Bytes(packet.payload.data, packet.payload.data + packet.payload.size);
        } else {
            require(!record.endChecksum, "a second End accepted");
            record.endChecksum = loadLittleEndian64(packet.payload.data);
        }
        if (update.event != TransferEvent::Received && update.event != TransferEvent::Failed) {
            require(update.packetLength == 0, "a reply written before the transfer ended");
            return;
        }
        require(record.endChecksum.has_value() && record.chunks.size() == record.metadata.count,
                "a transfer ended before its End and every chunk were accepted");
        std::vector<Bytes> chunks;
        std::uint64_t size = 0;
        for (auto& [index, chunk] : record.chunks) {
            require(chunk.size() == chunkLengthAt(record.metadata, index),
                    "a chunk of the wrong length was accepted");
            size += chunk.size();
            chunks.push_back(std::move(chunk));
        }
        require(size == record.metadata.size, "the accepted bytes do not add up to the size");
        const std::uint64_t computed = transferChecksum(chunks);
        if (update.event == TransferEvent::Received) {
            require(computed == *record.endChecksum,
                    "Received although the payloads do not hash to the End's checksum");
            expectPacket(update.packetLength, PacketKind::Complete, id, reply_);
            require(loadLittleEndian64(reply_.data() + kPacketHeaderBytes) == computed,
                    "the Complete does not echo the checksum");
        } else {
            require(computed != *record.endChecksum && update.error.has_value(),
                    "Failed although the payloads hash to the End's checksum");
            expectPacket(update.packetLength, PacketKind::Failed, id, reply_);
        }
        incoming_.erase(found);
        require(!manager_.incomingProgress(peer, id).ok(), "a finished transfer is still open");
    }

    void expectPacket(std::uint32_t length, PacketKind kind, std::uint32_t id) {
        expectPacket(length, kind, id, out_);
    }
    void expectPacket(std::uint32_t length, PacketKind kind, std::uint32_t id, const Bytes& from) {
        require(length > 0 && length <= from.size(), "no packet written where one was due");
        auto decoded = decodePacket(ConstBytes(from.data(), length));
        if (!decoded.ok() || decoded.value().header.kind != kind ||
            decoded.value().header.transferId != id) {
            invariantBroken(std::string("the packet written is not the ") + packetKindName(kind) +
                            " due");
        }
    }

    // Progress says what the harness saw accepted, for every open transfer.
    void checkProgress() {
        require(manager_.incomingCount() == incoming_.size() &&
                    manager_.outgoingCount() == outgoing_.size(),
                "the manager and the harness disagree on which transfers are open");
        for (const TransferProgress& progress : manager_.activeTransfers()) {
            const ProgressCounts& counts = progress.counts;
            if (progress.direction == TransferDirection::Incoming) {
                const auto found = incoming_.find({progress.userid, progress.transferId});
                require(found != incoming_.end(), "an open incoming transfer the harness lost");
                std::uint64_t bytes = 0;
                for (const auto& entry : found->second.chunks) {
                    bytes += entry.second.size();
                }
                require(counts.received == found->second.chunks.size() &&
                            counts.remaining == counts.length - counts.received &&
                            counts.bytesDone == bytes &&
                            counts.length == found->second.metadata.count,
                        "incoming progress does not count the accepted chunks");
            } else {
                require(counts.remaining == counts.length - counts.sent &&
                            counts.bytesDone <= counts.size,
                        "outgoing progress does not add up");
            }
        }
    }

    // What a refused packet must not change, as numbers: building it as text was most of the
    // target's time under ASan (an allocation per field).
    std::vector<std::uint64_t> snapshot() const {
        std::vector<std::uint64_t> out{manager_.incomingCount(), manager_.outgoingCount()};
        for (const TransferProgress& progress : manager_.activeTransfers()) {
            const ProgressCounts& counts = progress.counts;
            out.insert(out.end(),
                       {peerIndex(progress.userid), progress.transferId, counts.length, counts.sent,
                        counts.received, counts.remaining, counts.bytesDone});
        }
        return out;
    }

    static std::uint64_t peerIndex(const std::string& userid) {
        for (std::uint64_t i = 0; i < 3; ++i) {
            if (userid == kPeers[i]) {
                return i;
            }
        }
        return 3; // not one of ours: still compared, and told apart from them
    }

    static std::string describe(const std::vector<std::uint64_t>& snapshot) {
        std::string out;
        for (std::uint64_t value : snapshot) {
            out += std::to_string(value) + " ";
        }
        return out;
    }

    MutableBytes output() { return MutableBytes(out_.data(), out_.size()); }

    // Where this side writes its own packets: one buffer for every input, as a page keeps one.
    static Bytes& sharedOutput() {
        static Bytes buffer(kMaxPacketBytes);
        return buffer;
    }

    TransferManager manager_;
    std::map<std::pair<std::string, std::uint32_t>, IncomingRecord> incoming_;
    std::map<std::uint32_t, OutgoingRecord> outgoing_;
    Bytes& out_ = sharedOutput();
    Bytes reply_ = Bytes(kMaxReplyPacketBytes);
};

} // namespace
} // namespace rtcmc::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    rtcmc::fuzz::Harness harness;
    rtcmc::fuzz::RecordReader reader(data, size);
    rtcmc::fuzz::Record record;
    while (reader.next(record)) {
        harness.run(record);
    }
    return 0;
}
