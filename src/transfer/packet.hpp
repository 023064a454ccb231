// The binary framing of transfer packets on a data channel (docs/protocol-packets.md).
//
//   offset  size  field
//   0       1     version      always 1
//   1       1     kind         PacketKind
//   2       2     reserved     must be 0
//   4       4     transferId   chosen by the sender, unique among its open transfers
//   8       4     index        chunk index for Chunk, 0 for every other kind
//   12      4     count        chunk packets in the transfer (0 for Failed, Abort and Cancel)
//   16      ...   payload      depends on the kind
//
// All integers are little-endian. Decoding checks every rule that a packet can be checked
// against on its own; rules that need the transfer's state live in IncomingTransfer and
// OutgoingTransfer.
#pragma once

#include "common/result.hpp"
#include "protocol/limits.hpp"
#include "transfer/byte_span.hpp"

#include <cstddef>
#include <cstdint>

namespace rtcmc::transfer {

constexpr std::uint8_t kPacketVersion = 1;
constexpr std::size_t kPacketHeaderBytes = 16;
// Chromium offers a=max-message-size:262144; one send() above it throws (shared/TOOLCHAIN.md).
constexpr std::size_t kMaxPacketBytes = 262144;
constexpr std::size_t kMaxChunkPayloadBytes = kMaxPacketBytes - kPacketHeaderBytes; // 262128
// A Start packet's JSON metadata: name (1024) + type (256) + numbers, with room for escaping.
constexpr std::size_t kMaxMetadataBytes = 8192;
// The UTF-8 reason of Failed, Abort and Cancel: enough for a sentence, small enough to log.
constexpr std::size_t kMaxReasonBytes = protocol::kMaxAbortReasonBytes;
constexpr std::size_t kChecksumBytes = 8; // an XXH64 value, little-endian
// The largest packet the receiving side may have to write back (Failed with a full reason).
constexpr std::size_t kMaxReplyPacketBytes = kPacketHeaderBytes + kMaxReasonBytes;

enum class PacketKind : std::uint8_t {
    Start = 1,    // sender -> receiver: payload = JSON metadata
    Chunk = 2,    // sender -> receiver: payload = the bytes of chunk `index`
    End = 3,      // sender -> receiver: payload = u64 transfer checksum
    Complete = 4, // receiver -> sender: all chunks arrived and verified; payload = the checksum
    Failed = 5,   // receiver -> sender: verification failed; payload = UTF-8 reason
    Abort = 6,    // sender -> receiver: the sender gives up; payload = UTF-8 reason
    Cancel = 7,   // receiver -> sender: the receiver gives up; payload = UTF-8 reason
};

// "Start", "Chunk", ...; "unknown" for a value outside the enum.
const char* packetKindName(PacketKind kind);

// Kinds the transfer's sender writes (Start, Chunk, End, Abort); the others flow back.
bool isSentBySender(PacketKind kind);

struct PacketHeader {
    PacketKind kind = PacketKind::Start;
    std::uint32_t transferId = 0;
    std::uint32_t index = 0; // chunk index, 0 unless kind is Chunk
    std::uint32_t count = 0; // chunk packets in the transfer
};

struct Packet {
    PacketHeader header;
    ConstBytes payload; // points into the decoded bytes: valid while they are
};

// Validates and splits one received packet. Every rule broken gives an Error whose message
// names the rule (MalformedPacket, UnsupportedVersion or PacketOutOfRange); nothing is read
// past `bytes.size`.
Result<Packet> decodePacket(ConstBytes bytes);

// The per-kind rules shared by the decoder and the writer, so that every packet we write decodes.
Status checkPacketShape(const PacketHeader& header, ConstBytes payload);

// Writes the 16 header bytes. `out` must have room for kPacketHeaderBytes.
void writePacketHeader(const PacketHeader& header, std::uint8_t* out);

// Writes header and payload into `out` after checkPacketShape; returns the packet's length
// in bytes. InvalidArgument when `out` is too small. `payload` may not overlap `out`.
Result<std::size_t> encodePacket(const PacketHeader& header, ConstBytes payload, MutableBytes out);

} // namespace rtcmc::transfer
