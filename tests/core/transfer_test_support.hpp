// Helpers shared by the transfer tests (tests/core/transfer_*_test.cpp): deterministic bytes,
// a hand-written packet encoder independent of src/transfer/packet.cpp (so the decoder is
// checked against the documented layout, not against itself), and a Peer that plays the
// browser's part: it owns buffers, sends every packet it writes, and reassembles what it
// receives from the payload slices the core points at.
#pragma once

#include "transfer/metadata.hpp"
#include "transfer/packet.hpp"
#include "transfer/transfer_manager.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace rtcmc::transfer::testing {

using Bytes = std::vector<std::uint8_t>;

// Pseudo-random bytes from a 64-bit LCG (Knuth's MMIX constants), top byte of each step.
inline Bytes patternBytes(std::size_t length, std::uint64_t seed = 1) {
    Bytes bytes(length);
    std::uint64_t state = seed;
    for (auto& byte : bytes) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        byte = static_cast<std::uint8_t>(state >> 56);
    }
    return bytes;
}

inline Bytes bytesOf(std::string_view text) {
    return Bytes(text.begin(), text.end());
}

inline void putLittleEndian(Bytes& out, std::uint64_t value, int byteCount) {
    for (int i = 0; i < byteCount; ++i) {
        out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    }
}

// The layout of docs/protocol-packets.md, written byte by byte; any field may be set wrong.
inline Bytes rawPacket(std::uint8_t kind, std::uint32_t transferId, std::uint32_t index,
                       std::uint32_t count, const Bytes& payload = {}, std::uint8_t version = 1,
                       std::uint16_t reserved = 0) {
    Bytes out;
    out.push_back(version);
    out.push_back(kind);
    putLittleEndian(out, reserved, 2);
    putLittleEndian(out, transferId, 4);
    putLittleEndian(out, index, 4);
    putLittleEndian(out, count, 4);
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

inline Bytes checksumPayload(std::uint64_t checksum) {
    Bytes out;
    putLittleEndian(out, checksum, 8);
    return out;
}

inline std::string metadataJson(const std::string& kind, const std::string& name,
                                const std::string& type, std::uint64_t size,
                                std::uint64_t chunkSize, std::uint64_t count) {
    return "{\"kind\":\"" + kind + "\",\"name\":\"" + name + "\",\"type\":\"" + type +
           "\",\"size\":" + std::to_string(size) + ",\"chunkSize\":" + std::to_string(chunkSize) +
           ",\"count\":" + std::to_string(count) + "}";
}

inline TransferMetadata describe(std::uint64_t size, std::uint32_t chunkSize,
                                 TransferKind kind = TransferKind::File,
                                 std::string name = "file.bin",
                                 std::string type = "application/octet-stream") {
    auto metadata = describeTransfer(kind, std::move(name), std::move(type), size, chunkSize);
    EXPECT_TRUE(metadata.ok()) << (metadata.ok() ? "" : describe(metadata.error().text));
    return metadata.ok() ? metadata.value() : TransferMetadata{};
}

inline ConstBytes view(const Bytes& bytes) {
    return ConstBytes(bytes.data(), bytes.size());
}

// One page: a TransferManager with its output buffer, the packets it wrote (to send), and the
// bytes of every incoming transfer rebuilt from the payload slices the core pointed at.
struct Peer {
    explicit Peer(std::string id) : userid(std::move(id)), out(kMaxPacketBytes) {}

    std::string userid;
    TransferManager manager;
    Bytes out;
    std::map<std::pair<std::string, std::uint32_t>, Bytes> reassembled; // (from, id) -> bytes
    std::vector<TransferUpdate> updates;                                // every update seen

    MutableBytes output() { return MutableBytes(out.data(), out.size()); }
    Bytes lastPacket(const TransferUpdate& update) const {
        return Bytes(out.begin(), out.begin() + update.packetLength);
    }

    // Opens a transfer and returns its Start packet.
    std::pair<std::uint32_t, Bytes> start(const std::string& to, const TransferMetadata& metadata) {
        auto update = manager.startOutgoing(to, metadata, output());
        EXPECT_TRUE(update.ok()) << (update.ok() ? "" : describe(update.error().text));
        if (!update.ok()) {
            return {0, {}};
        }
        return {update.value().transferId, lastPacket(update.value())};
    }

    // Every packet of a transfer, Start to End, in order.
    std::vector<Bytes> packetise(const std::string& to, const TransferMetadata& metadata,
                                 const Bytes& source, std::uint32_t* transferId = nullptr) {
        std::vector<Bytes> packets;
        auto [id, startPacket] = start(to, metadata);
        if (transferId != nullptr) {
            *transferId = id;
        }
        packets.push_back(startPacket);
        for (;;) {
            auto range = manager.nextChunk(id);
            if (!range.ok()) {
                break;
            }
            const auto& chunk = range.value();
            auto update = manager.writeChunk(
                id, ConstBytes(source.data() + chunk.offset, chunk.length), output());
            EXPECT_TRUE(update.ok()) << (update.ok() ? "" : describe(update.error().text));
            if (!update.ok()) {
                return packets;
            }
            EXPECT_EQ(update.value().index, chunk.index);
            packets.push_back(lastPacket(update.value()));
        }
        auto end = manager.writeEnd(id, output());
        EXPECT_TRUE(end.ok()) << (end.ok() ? "" : describe(end.error().text));
        if (end.ok()) {
            packets.push_back(lastPacket(end.value()));
        }
        return packets;
    }

    // Hands one packet from `from` to the core, keeps the payload slice like the browser would
    // (a Blob part), and returns the update; a reply packet is left in `out`.
    Result<TransferUpdate> receive(const std::string& from, const Bytes& packet) {
        auto result = manager.receive(from, view(packet), output());
        if (!result.ok()) {
            return result;
        }
        const TransferUpdate& update = result.value();
        updates.push_back(update);
        if (update.direction == TransferDirection::Incoming && update.payloadLength > 0) {
            auto& bytes = reassembled[{from, update.transferId}];
            auto metadata = lastMetadata.find({from, update.transferId});
            EXPECT_NE(metadata, lastMetadata.end());
            const std::uint64_t offset =
                static_cast<std::uint64_t>(update.index) * metadata->second.chunkSize;
            if (bytes.size() < offset + update.payloadLength) {
                bytes.resize(offset + update.payloadLength);
            }
            std::memcpy(bytes.data() + offset, packet.data() + update.payloadOffset,
                        update.payloadLength);
        }
        if (update.direction == TransferDirection::Incoming &&
            update.event == TransferEvent::Started) {
            auto metadata = manager.incomingMetadata(from, update.transferId);
            EXPECT_TRUE(metadata.ok());
            lastMetadata[{from, update.transferId}] = metadata.value();
            reassembled[{from, update.transferId}] = Bytes();
        }
        return result;
    }

    std::map<std::pair<std::string, std::uint32_t>, TransferMetadata> lastMetadata;
};

} // namespace rtcmc::transfer::testing
