// The packet decoder, table-driven: every rule of docs/protocol-packets.md has a row that breaks
// it, with the error code and the words of the message a developer would see.
#include "common/utf8.hpp"
#include "transfer/packet.hpp"

#include "transfer_test_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rtcmc::transfer {
namespace {

using testing::Bytes;
using testing::bytesOf;
using testing::checksumPayload;
using testing::metadataJson;
using testing::rawPacket;
using testing::view;

constexpr std::uint8_t kStart = 1;
constexpr std::uint8_t kChunk = 2;
constexpr std::uint8_t kEnd = 3;
constexpr std::uint8_t kComplete = 4;
constexpr std::uint8_t kFailed = 5;
constexpr std::uint8_t kAbort = 6;
constexpr std::uint8_t kCancel = 7;

const Bytes kMetadata = bytesOf(metadataJson("file", "a.txt", "text/plain", 10, 4, 3));

struct ValidRow {
    const char* name;
    Bytes packet;
    PacketKind kind;
    std::uint32_t transferId;
    std::uint32_t index;
    std::uint32_t count;
    std::size_t payloadLength;
};

TEST(TransferPacketDecoder, AcceptsEveryKindWithItsPayload) {
    const ValidRow rows[] = {
        {"Start", rawPacket(kStart, 7, 0, 3, kMetadata), PacketKind::Start, 7, 0, 3,
         kMetadata.size()},
        {"Chunk", rawPacket(kChunk, 7, 2, 3, Bytes(5, 0xAB)), PacketKind::Chunk, 7, 2, 3, 5},
        {"Chunk of the largest size",
         rawPacket(kChunk, 0xFFFFFFFF, 0, 1, Bytes(kMaxChunkPayloadBytes, 1)), PacketKind::Chunk,
         0xFFFFFFFF, 0, 1, kMaxChunkPayloadBytes},
        {"End", rawPacket(kEnd, 7, 0, 3, checksumPayload(42)), PacketKind::End, 7, 0, 3, 8},
        {"End of an empty transfer", rawPacket(kEnd, 7, 0, 0, checksumPayload(42)), PacketKind::End,
         7, 0, 0, 8},
        {"Complete", rawPacket(kComplete, 7, 0, 3, checksumPayload(42)), PacketKind::Complete, 7, 0,
         3, 8},
        {"Failed", rawPacket(kFailed, 7, 0, 0, bytesOf("checksum mismatch")), PacketKind::Failed, 7,
         0, 0, 17},
        {"Abort without a reason", rawPacket(kAbort, 7, 0, 0), PacketKind::Abort, 7, 0, 0, 0},
        {"Cancel with a UTF-8 reason", rawPacket(kCancel, 0, 0, 0, bytesOf("annulé ✓")),
         PacketKind::Cancel, 0, 0, 0, 11},
    };
    for (const auto& row : rows) {
        auto decoded = decodePacket(view(row.packet));
        ASSERT_TRUE(decoded.ok()) << row.name << ": " << describe(decoded.error().text);
        const Packet& packet = decoded.value();
        EXPECT_EQ(packet.header.kind, row.kind) << row.name;
        EXPECT_EQ(packet.header.transferId, row.transferId) << row.name;
        EXPECT_EQ(packet.header.index, row.index) << row.name;
        EXPECT_EQ(packet.header.count, row.count) << row.name;
        EXPECT_EQ(packet.payload.size, row.payloadLength) << row.name;
        EXPECT_EQ(packet.payload.data, row.packet.data() + kPacketHeaderBytes) << row.name;
    }
}

Bytes truncated(Bytes packet, std::size_t length) {
    packet.resize(length);
    return packet;
}

struct InvalidRow {
    const char* name;
    Bytes packet;
    ErrorCode code;
    const char* messagePart;
};

TEST(TransferPacketDecoder, RejectsEveryBrokenRuleWithASpecificMessage) {
    Bytes garbage = bytesOf("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    const InvalidRow rows[] = {
        {"empty", Bytes(), ErrorCode::MalformedPacket, "0 bytes is shorter than the 16-byte"},
        {"truncated header", truncated(rawPacket(kChunk, 1, 0, 1, Bytes(4)), 15),
         ErrorCode::MalformedPacket, "15 bytes is shorter than the 16-byte header"},
        {"text instead of a packet", garbage, ErrorCode::UnsupportedVersion,
         "packet version 71 is not supported"},
        {"version 0", rawPacket(kChunk, 1, 0, 1, Bytes(1), 0), ErrorCode::UnsupportedVersion,
         "version 0"},
        {"version 2", rawPacket(kChunk, 1, 0, 1, Bytes(1), 2), ErrorCode::UnsupportedVersion,
         "version 2"},
        {"kind 0", rawPacket(0, 1, 0, 1, Bytes(1)), ErrorCode::MalformedPacket,
         "unknown packet kind 0"},
        {"kind 8", rawPacket(8, 1, 0, 1, Bytes(1)), ErrorCode::MalformedPacket,
         "unknown packet kind 8"},
        {"kind 255", rawPacket(255, 1, 0, 1, Bytes(1)), ErrorCode::MalformedPacket,
         "unknown packet kind 255"},
        {"reserved low bit", rawPacket(kChunk, 1, 0, 1, Bytes(1), 1, 1), ErrorCode::MalformedPacket,
         "reserved header field must be 0, got 1"},
        {"reserved high bit", rawPacket(kChunk, 1, 0, 1, Bytes(1), 1, 0x8000),
         ErrorCode::MalformedPacket, "reserved header field must be 0, got 32768"},
        {"over the maximum message size", rawPacket(kChunk, 1, 0, 1, Bytes(kMaxPacketBytes - 15)),
         ErrorCode::MalformedPacket, "262145 bytes exceeds the 262144-byte maximum"},
        {"Start with an index", rawPacket(kStart, 1, 1, 3, kMetadata), ErrorCode::MalformedPacket,
         "Start packet must have index 0, got 1"},
        {"Start without metadata", rawPacket(kStart, 1, 0, 3), ErrorCode::MalformedPacket,
         "Start payload (JSON metadata) is empty"},
        {"Start with oversize metadata", rawPacket(kStart, 1, 0, 3, Bytes(kMaxMetadataBytes + 1)),
         ErrorCode::MalformedPacket, "Start metadata of 8193 bytes exceeds 8192"},
        {"Chunk index equal to count", rawPacket(kChunk, 1, 3, 3, Bytes(1)),
         ErrorCode::PacketOutOfRange, "Chunk index 3 is past the packet count 3"},
        {"Chunk index that looks negative", rawPacket(kChunk, 1, 0xFFFFFFFF, 3, Bytes(1)),
         ErrorCode::PacketOutOfRange, "Chunk index 4294967295 is past the packet count 3"},
        {"Chunk of an empty transfer", rawPacket(kChunk, 1, 0, 0, Bytes(1)),
         ErrorCode::PacketOutOfRange, "past the packet count 0"},
        {"Chunk without payload", rawPacket(kChunk, 1, 0, 3), ErrorCode::MalformedPacket,
         "Chunk payload is empty"},
        {"End with an index", rawPacket(kEnd, 1, 3, 3, checksumPayload(1)),
         ErrorCode::MalformedPacket, "End packet must have index 0, got 3"},
        {"End with a short checksum", rawPacket(kEnd, 1, 0, 3, Bytes(7)),
         ErrorCode::MalformedPacket, "End payload must be 8 bytes, got 7"},
        {"End with a long checksum", rawPacket(kEnd, 1, 0, 3, Bytes(9)), ErrorCode::MalformedPacket,
         "End payload must be 8 bytes, got 9"},
        {"Complete without its checksum", rawPacket(kComplete, 1, 0, 3), ErrorCode::MalformedPacket,
         "Complete payload must be 8 bytes, got 0"},
        {"Failed with a count", rawPacket(kFailed, 1, 0, 3, bytesOf("x")),
         ErrorCode::MalformedPacket, "Failed packet must have count 0, got 3"},
        {"Abort with an index", rawPacket(kAbort, 1, 2, 0, bytesOf("x")),
         ErrorCode::MalformedPacket, "Abort packet must have index 0, got 2"},
        {"Abort with invalid UTF-8", rawPacket(kAbort, 1, 0, 0, Bytes{'a', 0xFF}),
         ErrorCode::MalformedPacket, "Abort reason is not valid UTF-8"},
        {"Cancel with a surrogate", rawPacket(kCancel, 1, 0, 0, Bytes{0xED, 0xA0, 0x80}),
         ErrorCode::MalformedPacket, "Cancel reason is not valid UTF-8"},
        {"Cancel with an oversize reason", rawPacket(kCancel, 1, 0, 0, Bytes(1025, 'x')),
         ErrorCode::MalformedPacket, "Cancel reason of 1025 bytes exceeds 1024"},
    };
    for (const auto& row : rows) {
        auto decoded = decodePacket(view(row.packet));
        ASSERT_FALSE(decoded.ok()) << row.name;
        EXPECT_EQ(decoded.error().code, row.code)
            << row.name << ": " << errorCodeName(decoded.error().code);
        EXPECT_NE(describe(decoded.error().text).find(row.messagePart), std::string::npos)
            << row.name << ": \"" << describe(decoded.error().text) << "\"";
    }
}

TEST(TransferPacketDecoder, ReadsOnlyTheBytesItIsGiven) {
    // Every prefix of a valid packet is refused or decoded without reading past its end (ASan
    // would catch an overread: each prefix is a fresh allocation of exactly that size).
    const Bytes packet = rawPacket(kStart, 1, 0, 3, kMetadata);
    for (std::size_t length = 0; length < packet.size(); ++length) {
        const Bytes prefix(packet.begin(), packet.begin() + length);
        auto decoded = decodePacket(view(prefix));
        if (length < kPacketHeaderBytes) {
            EXPECT_FALSE(decoded.ok());
        }
    }
}

TEST(TransferPacketWriter, LaysOutTheHeaderLittleEndian) {
    PacketHeader header;
    header.kind = PacketKind::Chunk;
    header.transferId = 0x04030201;
    header.index = 0x08070605;
    header.count = 0x0C0B0A09;
    std::uint8_t out[kPacketHeaderBytes];
    writePacketHeader(header, out);
    const std::uint8_t expected[kPacketHeaderBytes] = {1, 2, 0, 0, 1, 2,  3,  4,
                                                       5, 6, 7, 8, 9, 10, 11, 12};
    EXPECT_EQ(0, std::memcmp(out, expected, sizeof expected));
}

TEST(TransferPacketWriter, WritesWhatTheDecoderReadsBackForEveryKind) {
    const Bytes reason = bytesOf("peer left");
    const Bytes checksum = checksumPayload(0x0123456789ABCDEFULL);
    struct Row {
        PacketHeader header;
        Bytes payload;
    };
    const Row rows[] = {
        {{PacketKind::Start, 9, 0, 3}, kMetadata}, {{PacketKind::Chunk, 9, 1, 3}, Bytes(4, 7)},
        {{PacketKind::End, 9, 0, 3}, checksum},    {{PacketKind::Complete, 9, 0, 3}, checksum},
        {{PacketKind::Failed, 9, 0, 0}, reason},   {{PacketKind::Abort, 9, 0, 0}, reason},
        {{PacketKind::Cancel, 9, 0, 0}, Bytes()},
    };
    for (const auto& row : rows) {
        Bytes out(kMaxPacketBytes);
        auto written =
            encodePacket(row.header, view(row.payload), MutableBytes(out.data(), out.size()));
        ASSERT_TRUE(written.ok()) << packetKindName(row.header.kind);
        out.resize(written.value());
        EXPECT_EQ(out, rawPacket(static_cast<std::uint8_t>(row.header.kind), row.header.transferId,
                                 row.header.index, row.header.count, row.payload));
        auto decoded = decodePacket(view(out));
        ASSERT_TRUE(decoded.ok());
        EXPECT_EQ(decoded.value().header.kind, row.header.kind);
    }
}

TEST(TransferPacketWriter, RefusesASmallBufferOrABrokenRuleAndWritesNothing) {
    Bytes out(kPacketHeaderBytes + 3, 0xEE);
    const Bytes four(4, 1);
    auto tooSmall = encodePacket({PacketKind::Chunk, 1, 0, 1}, view(four),
                                 MutableBytes(out.data(), out.size()));
    ASSERT_FALSE(tooSmall.ok());
    EXPECT_EQ(tooSmall.error().code, ErrorCode::InvalidArgument);
    auto badIndex = encodePacket({PacketKind::Chunk, 1, 1, 1}, view(Bytes(1, 1)),
                                 MutableBytes(out.data(), out.size()));
    ASSERT_FALSE(badIndex.ok());
    EXPECT_EQ(badIndex.error().code, ErrorCode::PacketOutOfRange);
    EXPECT_EQ(out, Bytes(kPacketHeaderBytes + 3, 0xEE));
}

TEST(TransferPacketKinds, NameEachKindAndItsDirection) {
    EXPECT_STREQ(packetKindName(PacketKind::Start), "Start");
    EXPECT_STREQ(packetKindName(PacketKind::Cancel), "Cancel");
    EXPECT_STREQ(packetKindName(static_cast<PacketKind>(99)), "unknown");
    for (PacketKind kind :
         {PacketKind::Start, PacketKind::Chunk, PacketKind::End, PacketKind::Abort}) {
        EXPECT_TRUE(isSentBySender(kind)) << packetKindName(kind);
    }
    for (PacketKind kind : {PacketKind::Complete, PacketKind::Failed, PacketKind::Cancel}) {
        EXPECT_FALSE(isSentBySender(kind)) << packetKindName(kind);
    }
}

TEST(TransferUtf8, AcceptsWellFormedTextAndRefusesEveryIllFormedSequence) {
    struct Row {
        std::string text;
        bool valid;
    };
    const Row rows[] = {
        {"", true},
        {"plain ASCII", true},
        {"é", true},                 // U+00E9
        {"\xE2\x82\xAC", true},      // U+20AC
        {"\xF0\x9F\x98\x80", true},  // U+1F600
        {"\xF4\x8F\xBF\xBF", true},  // U+10FFFF
        {"\x80", false},             // lone continuation byte
        {"\xC0\xAF", false},         // overlong "/"
        {"\xC1\xBF", false},         // overlong
        {"\xE0\x80\xAF", false},     // overlong 3-byte
        {"\xED\xA0\x80", false},     // U+D800, a surrogate
        {"\xF0\x80\x80\xAF", false}, // overlong 4-byte
        {"\xF4\x90\x80\x80", false}, // U+110000
        {"\xF5\x80\x80\x80", false}, // lead byte past F4
        {"\xE2\x82", false},         // truncated
        {"\xE2\x28\xA1", false},     // bad continuation
        {"ok\xFF", false},
    };
    for (const auto& row : rows) {
        EXPECT_EQ(isValidUtf8(row.text), row.valid) << "row of " << row.text.size() << " bytes";
    }
    EXPECT_TRUE(hasControlCharacter(std::string("a\nb")));
    EXPECT_TRUE(hasControlCharacter(std::string("a\x7F")));
    EXPECT_TRUE(hasControlCharacter(std::string(1, '\0')));
    EXPECT_FALSE(hasControlCharacter("résumé.pdf"));
}

} // namespace
} // namespace rtcmc::transfer
