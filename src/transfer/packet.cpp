#include "transfer/packet.hpp"

#include "common/utf8.hpp"
#include "transfer/little_endian.hpp"

#include <cstring>
#include <string>
#include <string_view>

namespace rtcmc::transfer {

namespace {

Error malformed(TextId id, std::initializer_list<TextArg> args = {}) {
    return makeError(ErrorCode::MalformedPacket, {id, args});
}

Status expectIndexZero(const PacketHeader& header) {
    if (header.index != 0) {
        return malformed(TextId::PacketMustHaveIndexZero,
                         {packetKindName(header.kind), header.index});
    }
    return okStatus();
}

Status expectCountZero(const PacketHeader& header) {
    if (header.count != 0) {
        return malformed(TextId::PacketMustHaveCountZero,
                         {packetKindName(header.kind), header.count});
    }
    return okStatus();
}

Status expectPayloadLength(const PacketHeader& header, ConstBytes payload, std::size_t expected) {
    if (payload.size != expected) {
        return malformed(TextId::PayloadMustBe,
                         {packetKindName(header.kind), expected, payload.size});
    }
    return okStatus();
}

Status checkReason(const PacketHeader& header, ConstBytes payload) {
    if (payload.size > kMaxReasonBytes) {
        return malformed(TextId::PacketReasonTooLong,
                         {packetKindName(header.kind), payload.size, kMaxReasonBytes});
    }
    const std::string_view reason(reinterpret_cast<const char*>(payload.data), payload.size);
    if (!isValidUtf8(reason)) {
        return malformed(TextId::PacketReasonNotUtf8, {packetKindName(header.kind)});
    }
    return okStatus();
}

} // namespace

const char* packetKindName(PacketKind kind) {
    switch (kind) {
    case PacketKind::Start:
        return "Start";
    case PacketKind::Chunk:
        return "Chunk";
    case PacketKind::End:
        return "End";
    case PacketKind::Complete:
        return "Complete";
    case PacketKind::Failed:
        return "Failed";
    case PacketKind::Abort:
        return "Abort";
    case PacketKind::Cancel:
        return "Cancel";
    }
    return "unknown";
}

bool isSentBySender(PacketKind kind) {
    return kind == PacketKind::Start || kind == PacketKind::Chunk || kind == PacketKind::End ||
           kind == PacketKind::Abort;
}

Status checkPacketShape(const PacketHeader& header, ConstBytes payload) {
    switch (header.kind) {
    case PacketKind::Start: {
        if (auto status = expectIndexZero(header); !status) {
            return status;
        }
        if (payload.size == 0) {
            return malformed(TextId::StartPayloadEmpty);
        }
        if (payload.size > kMaxMetadataBytes) {
            return malformed(TextId::StartMetadataTooLarge, {payload.size, kMaxMetadataBytes});
        }
        return okStatus();
    }
    case PacketKind::Chunk:
        if (header.index >= header.count) {
            return makeError(ErrorCode::PacketOutOfRange,
                             {TextId::ChunkIndexPastCount, {header.index, header.count}});
        }
        if (payload.size == 0) {
            return malformed(TextId::ChunkPayloadEmpty);
        }
        // The upper bound follows from kMaxPacketBytes, checked by the decoder and the writer.
        return okStatus();
    case PacketKind::End:
    case PacketKind::Complete:
        if (auto status = expectIndexZero(header); !status) {
            return status;
        }
        return expectPayloadLength(header, payload, kChecksumBytes);
    case PacketKind::Failed:
    case PacketKind::Abort:
    case PacketKind::Cancel:
        if (auto status = expectIndexZero(header); !status) {
            return status;
        }
        if (auto status = expectCountZero(header); !status) {
            return status;
        }
        return checkReason(header, payload);
    }
    return malformed(TextId::UnknownPacketKind, {static_cast<int>(header.kind)});
}

Result<Packet> decodePacket(ConstBytes bytes) {
    if (bytes.size < kPacketHeaderBytes) {
        return malformed(TextId::PacketShorterThanHeader, {bytes.size});
    }
    if (bytes.size > kMaxPacketBytes) {
        return malformed(TextId::PacketTooLarge, {bytes.size, kMaxPacketBytes});
    }
    const std::uint8_t version = bytes.data[0];
    if (version != kPacketVersion) {
        return makeError(ErrorCode::UnsupportedVersion,
                         {TextId::PacketVersionUnsupported, {version, kPacketVersion}});
    }
    const std::uint8_t kindByte = bytes.data[1];
    if (kindByte < static_cast<std::uint8_t>(PacketKind::Start) ||
        kindByte > static_cast<std::uint8_t>(PacketKind::Cancel)) {
        return malformed(TextId::UnknownPacketKind, {kindByte});
    }
    const std::uint16_t reserved = loadLittleEndian16(bytes.data + 2);
    if (reserved != 0) {
        return malformed(TextId::ReservedFieldNotZero, {reserved});
    }

    Packet packet;
    packet.header.kind = static_cast<PacketKind>(kindByte);
    packet.header.transferId = loadLittleEndian32(bytes.data + 4);
    packet.header.index = loadLittleEndian32(bytes.data + 8);
    packet.header.count = loadLittleEndian32(bytes.data + 12);
    packet.payload = bytes.slice(kPacketHeaderBytes, bytes.size - kPacketHeaderBytes);
    if (auto status = checkPacketShape(packet.header, packet.payload); !status) {
        return status.error();
    }
    return packet;
}

void writePacketHeader(const PacketHeader& header, std::uint8_t* out) {
    out[0] = kPacketVersion;
    out[1] = static_cast<std::uint8_t>(header.kind);
    storeLittleEndian16(out + 2, 0);
    storeLittleEndian32(out + 4, header.transferId);
    storeLittleEndian32(out + 8, header.index);
    storeLittleEndian32(out + 12, header.count);
}

Result<std::size_t> encodePacket(const PacketHeader& header, ConstBytes payload, MutableBytes out) {
    if (auto status = checkPacketShape(header, payload); !status) {
        return status.error();
    }
    const std::size_t packetLength = kPacketHeaderBytes + payload.size;
    if (packetLength > kMaxPacketBytes) {
        return makeError(ErrorCode::InvalidArgument,
                         {TextId::PacketTooLarge, {packetLength, kMaxPacketBytes}});
    }
    if (out.size < packetLength) {
        return makeError(ErrorCode::InvalidArgument,
                         {TextId::OutputTooSmallForPacket,
                          {out.size, packetLength, packetKindName(header.kind)}});
    }
    writePacketHeader(header, out.data);
    if (payload.size > 0) {
        std::memcpy(out.data + kPacketHeaderBytes, payload.data, payload.size);
    }
    return packetLength;
}

} // namespace rtcmc::transfer
