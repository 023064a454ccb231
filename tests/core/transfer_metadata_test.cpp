// The Start metadata validator, table-driven: each field's type, range and consistency rule
// has a row that breaks it, and the sender-side builder refuses the same values.
#include "transfer/metadata.hpp"

#include "transfer_test_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rtcmc::transfer {
namespace {

using testing::metadataJson;

TEST(TransferMetadataParser, AcceptsValidMetadataOfEveryKind) {
    struct Row {
        std::string json;
        TransferKind kind;
        std::string name;
        std::uint64_t size;
        std::uint32_t chunkSize;
        std::uint32_t count;
    };
    const Row rows[] = {
        {metadataJson("file", "photo.jpg", "image/jpeg", 100000, 65520, 2), TransferKind::File,
         "photo.jpg", 100000, 65520, 2},
        {metadataJson("text", "", "text/plain; charset=utf-8", 0, 65520, 0), TransferKind::Text, "",
         0, 65520, 0},
        {metadataJson("object", "", "application/json", 65520, 65520, 1), TransferKind::Object, "",
         65520, 65520, 1},
        {metadataJson("binary", "", "", 1, 1, 1), TransferKind::Binary, "", 1, 1, 1},
        {metadataJson("file", "résumé ✓.pdf", "application/pdf", 262129, 262128, 2),
         TransferKind::File, "résumé ✓.pdf", 262129, 262128, 2},
        // The most chunks a u32 count allows, each of the largest size: about 1 PiB.
        {metadataJson("file", "huge", "", 4294967295ULL * 262128, 262128, 4294967295ULL),
         TransferKind::File, "huge", 4294967295ULL * 262128, 262128, 4294967295U},
        // Unknown fields are ignored: a later sender may add optional ones.
        {R"({"kind":"file","name":"a","type":"","size":3,"chunkSize":2,"count":2,"extra":[1]})",
         TransferKind::File, "a", 3, 2, 2},
        // Escapes decode to the name the sender had.
        {R"({"kind":"file","name":"say \"hi\" \u00e9","type":"","size":0,"chunkSize":1,"count":0})",
         TransferKind::File, "say \"hi\" é", 0, 1, 0},
    };
    for (const auto& row : rows) {
        auto parsed = parseMetadata(row.json);
        ASSERT_TRUE(parsed.ok()) << row.json << ": " << describe(parsed.error().text);
        EXPECT_EQ(parsed.value().kind, row.kind);
        EXPECT_EQ(parsed.value().name, row.name);
        EXPECT_EQ(parsed.value().size, row.size);
        EXPECT_EQ(parsed.value().chunkSize, row.chunkSize);
        EXPECT_EQ(parsed.value().count, row.count);
    }
}

TEST(TransferMetadataParser, RejectsEveryBrokenFieldWithItsName) {
    struct Row {
        std::string json;
        ErrorCode code;
        const char* messagePart;
    };
    const std::string longName(kMaxNameBytes + 1, 'n');
    const std::string longType(kMaxTypeBytes + 1, 't');
    const Row rows[] = {
        {"", ErrorCode::MalformedPacket, "not valid JSON"},
        {"{\"kind\":", ErrorCode::MalformedPacket, "not valid JSON"},
        {"{\"kind\":\"file\"} trailing", ErrorCode::MalformedPacket, "not valid JSON"},
        {"\xFF\xFE", ErrorCode::MalformedPacket, "not valid JSON"},
        {R"({"name":"\ud800"})", ErrorCode::MalformedPacket, "not valid JSON"},
        {"[1,2,3]", ErrorCode::MalformedPacket, "must be a JSON object, got array"},
        {"\"file\"", ErrorCode::MalformedPacket, "must be a JSON object, got string"},
        {"null", ErrorCode::MalformedPacket, "must be a JSON object, got null"},
        {std::string(4000, '[') + std::string(4000, ']'), ErrorCode::MalformedPacket,
         "must be a JSON object, got array"},
        {R"({"name":"a","type":"","size":1,"chunkSize":1,"count":1})", ErrorCode::InvalidField,
         "'kind' is missing"},
        {R"({"kind":1,"name":"a","type":"","size":1,"chunkSize":1,"count":1})",
         ErrorCode::InvalidField, "'kind' must be a string, got number"},
        {metadataJson("folder", "a", "", 1, 1, 1), ErrorCode::InvalidField,
         "'kind' must be one of 'file', 'text', 'object', 'binary'"},
        {metadataJson("FILE", "a", "", 1, 1, 1), ErrorCode::InvalidField, "'kind' must be one of"},
        {R"({"kind":"file","type":"","size":1,"chunkSize":1,"count":1})", ErrorCode::InvalidField,
         "'name' is missing"},
        {R"({"kind":"file","name":null,"type":"","size":1,"chunkSize":1,"count":1})",
         ErrorCode::InvalidField, "'name' must be a string, got null"},
        {R"({"kind":"file","name":["a"],"type":"","size":1,"chunkSize":1,"count":1})",
         ErrorCode::InvalidField, "'name' must be a string, got array"},
        {metadataJson("file", longName, "", 1, 1, 1), ErrorCode::InvalidField,
         "'name' of 1025 bytes exceeds 1024"},
        {R"({"kind":"file","name":"a\nb","type":"","size":1,"chunkSize":1,"count":1})",
         ErrorCode::InvalidField, "'name' contains a control character"},
        {R"({"kind":"file","name":"a\u0000","type":"","size":1,"chunkSize":1,"count":1})",
         ErrorCode::InvalidField, "'name' contains a control character"},
        {R"({"kind":"file","name":"a","type":true,"size":1,"chunkSize":1,"count":1})",
         ErrorCode::InvalidField, "'type' must be a string, got boolean"},
        {metadataJson("file", "a", longType, 1, 1, 1), ErrorCode::InvalidField,
         "'type' of 257 bytes exceeds 256"},
        {metadataJson("file", "a", "image/é", 1, 1, 1), ErrorCode::InvalidField,
         "'type' must be printable ASCII"},
        {R"({"kind":"file","name":"a","type":"","chunkSize":1,"count":1})", ErrorCode::InvalidField,
         "'size' is missing"},
        {R"({"kind":"file","name":"a","type":"","size":"10","chunkSize":1,"count":10})",
         ErrorCode::InvalidField,
         "'size' must be an integer from 0 to 9007199254740991, got string"},
        {R"({"kind":"file","name":"a","type":"","size":-1,"chunkSize":1,"count":1})",
         ErrorCode::InvalidField, "'size' must be an integer from 0 to 9007199254740991, got -1"},
        {R"({"kind":"file","name":"a","type":"","size":1.5,"chunkSize":1,"count":2})",
         ErrorCode::InvalidField,
         "'size' must be an integer from 0 to 9007199254740991, got number"},
        {R"({"kind":"file","name":"a","type":"","size":1e3,"chunkSize":1,"count":1000})",
         ErrorCode::InvalidField, "'size' must be an integer"},
        {R"({"kind":"file","name":"a","type":"","size":9007199254740992,"chunkSize":262128,"count":34359738368})",
         ErrorCode::InvalidField, "got 9007199254740992"},
        {R"({"kind":"file","name":"a","type":"","size":18446744073709551615,"chunkSize":1,"count":1})",
         ErrorCode::InvalidField, "got 18446744073709551615"},
        {R"({"kind":"file","name":"a","type":"","size":1000000000000000000000000,"chunkSize":1,"count":1})",
         ErrorCode::InvalidField, "'size' must be an integer"},
        {metadataJson("file", "a", "", 10, 0, 0), ErrorCode::InvalidField,
         "'chunkSize' must be an integer from 1 to 262128, got 0"},
        {metadataJson("file", "a", "", 10, 262129, 1), ErrorCode::InvalidField,
         "'chunkSize' must be an integer from 1 to 262128, got 262129"},
        {R"({"kind":"file","name":"a","type":"","size":10,"chunkSize":4,"count":-3})",
         ErrorCode::InvalidField, "'count' must be an integer from 0 to 4294967295, got -3"},
        {metadataJson("file", "a", "", 10, 4, 4294967296ULL), ErrorCode::InvalidField,
         "'count' must be an integer from 0 to 4294967295"},
        // Size and count must agree: ceil(10 / 4) = 3.
        {metadataJson("file", "a", "", 10, 4, 2), ErrorCode::InvalidField,
         "'count' 2 disagrees with size 10 and chunkSize 4 (expected 3)"},
        {metadataJson("file", "a", "", 10, 4, 4), ErrorCode::InvalidField, "(expected 3)"},
        {metadataJson("file", "a", "", 0, 4, 1), ErrorCode::InvalidField, "(expected 0)"},
        // 2^53 - 1 bytes in 1-byte chunks needs more packets than a u32 index can count.
        {metadataJson("file", "a", "", 9007199254740991ULL, 1, 4294967295ULL),
         ErrorCode::InvalidField, "more than 4294967295"},
    };
    for (const auto& row : rows) {
        auto parsed = parseMetadata(row.json);
        ASSERT_FALSE(parsed.ok()) << row.json.substr(0, 120);
        EXPECT_EQ(parsed.error().code, row.code)
            << row.json.substr(0, 120) << ": " << describe(parsed.error().text);
        EXPECT_NE(describe(parsed.error().text).find(row.messagePart), std::string::npos)
            << row.json.substr(0, 120) << ": \"" << describe(parsed.error().text) << "\"";
    }
}

TEST(TransferMetadataBuilder, ComputesTheCountAndRefusesWhatTheParserRefuses) {
    auto described = describeTransfer(TransferKind::File, "a.bin", "", 10, 4);
    ASSERT_TRUE(described.ok());
    EXPECT_EQ(described.value().count, 3U);

    struct Row {
        TransferKind kind;
        std::string name;
        std::string type;
        std::uint64_t size;
        std::uint32_t chunkSize;
        const char* messagePart;
    };
    const Row rows[] = {
        {TransferKind::File, "a", "", 10, 0, "'chunkSize' must be from 1 to 262128, got 0"},
        {TransferKind::File, "a", "", 10, 262129, "'chunkSize' must be from 1 to 262128"},
        {TransferKind::File, "a", "", kMaxTransferSize + 1, 1, "'size' 9007199254740992 exceeds"},
        {TransferKind::File, "a", "", kMaxTransferSize, 1, "more than 4294967295"},
        {TransferKind::File, std::string(1025, 'x'), "", 1, 1, "'name' of 1025 bytes"},
        {TransferKind::File, "\xED\xA0\x80", "", 1, 1, "'name' is not valid UTF-8"},
        {TransferKind::File, "tab\there", "", 1, 1, "control character"},
        {TransferKind::File, "a", "text/\x01", 1, 1, "'type' must be printable ASCII"},
        {static_cast<TransferKind>(9), "a", "", 1, 1, "'kind' must be one of"},
    };
    for (const auto& row : rows) {
        auto result = describeTransfer(row.kind, row.name, row.type, row.size, row.chunkSize);
        ASSERT_FALSE(result.ok()) << row.messagePart;
        EXPECT_EQ(result.error().code, ErrorCode::InvalidArgument);
        EXPECT_NE(describe(result.error().text).find(row.messagePart), std::string::npos)
            << "\"" << describe(result.error().text) << "\"";
    }
}

TEST(TransferMetadataSerializer, RoundTripsAndStaysUnderTheStartLimitAtWorstCase) {
    // The worst case for the JSON size: every name byte needs an escape.
    auto metadata =
        describeTransfer(TransferKind::Object, std::string(kMaxNameBytes, '"'),
                         std::string(kMaxTypeBytes, '\\'), 4294967295ULL * 262128, 262128);
    ASSERT_TRUE(metadata.ok());
    const std::string json = serializeMetadata(metadata.value());
    EXPECT_LE(json.size(), 8192U);
    auto parsed = parseMetadata(json);
    ASSERT_TRUE(parsed.ok()) << describe(parsed.error().text);
    EXPECT_EQ(parsed.value().name, metadata.value().name);
    EXPECT_EQ(parsed.value().type, metadata.value().type);
    EXPECT_EQ(parsed.value().size, 4294967295ULL * 262128);
    EXPECT_EQ(parsed.value().count, metadata.value().count);
    EXPECT_EQ(parsed.value().kind, TransferKind::Object);
}

TEST(TransferMetadataChunks, CutTheSizeIntoFullChunksAndAnExactRemainder) {
    auto metadata = describeTransfer(TransferKind::Binary, "", "", 10, 4).value();
    EXPECT_EQ(chunkLengthAt(metadata, 0), 4U);
    EXPECT_EQ(chunkLengthAt(metadata, 1), 4U);
    EXPECT_EQ(chunkLengthAt(metadata, 2), 2U);
    EXPECT_EQ(chunkOffsetAt(metadata, 2), 8U);
    auto exact = describeTransfer(TransferKind::Binary, "", "", 12, 4).value();
    EXPECT_EQ(exact.count, 3U);
    EXPECT_EQ(chunkLengthAt(exact, 2), 4U);
    // 64-bit offsets: chunk 20480 of 262128-byte chunks starts past 4 GiB.
    auto large = describeTransfer(TransferKind::File, "", "", 5ULL << 30, 262128).value();
    EXPECT_EQ(large.count, 20482U);
    EXPECT_EQ(chunkOffsetAt(large, 20481), 20481ULL * 262128);
    EXPECT_EQ(chunkLengthAt(large, 20481), (5ULL << 30) - 20481ULL * 262128);
}

TEST(TransferMetadataKinds, ParseAndPrintEachSpelling) {
    for (TransferKind kind :
         {TransferKind::File, TransferKind::Text, TransferKind::Object, TransferKind::Binary}) {
        EXPECT_EQ(parseTransferKind(transferKindName(kind)), kind);
    }
    EXPECT_FALSE(parseTransferKind("File").has_value());
    EXPECT_FALSE(parseTransferKind("").has_value());
}

} // namespace
} // namespace rtcmc::transfer
