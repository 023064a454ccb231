// What a Start packet tells the receiver before any byte arrives: the kind of content, its name
// and MIME type, its size and how it is cut. Sent as a JSON object (docs/protocol-packets.md,
// "Start"), validated field by field on both sides.
#pragma once

#include "common/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rtcmc::transfer {

// What the receiving page turns the bytes back into.
enum class TransferKind : std::uint8_t {
    File,   // a File (name and type kept), handed to onFileReceived
    Text,   // a UTF-8 string, handed whole to onmessage
    Object, // JSON text of a structured value, parsed and handed to onmessage
    Binary, // an ArrayBuffer or typed array, handed to onmessage
};

// "file", "text", "object", "binary": the spellings used in the JSON metadata.
const char* transferKindName(TransferKind kind);
std::optional<TransferKind> parseTransferKind(std::string_view name);

constexpr std::size_t kMaxNameBytes = 1024; // UTF-8 bytes
constexpr std::size_t kMaxTypeBytes = 256;  // ASCII bytes of a MIME type
// Sizes must survive a trip through a JS number exactly: Number.MAX_SAFE_INTEGER.
constexpr std::uint64_t kMaxTransferSize = (std::uint64_t{1} << 53) - 1; // bytes
constexpr std::uint32_t kMinChunkSize = 1;                               // bytes
constexpr std::uint32_t kMaxChunkSize = 262128; // bytes: a 16-byte header + this = 256 KiB
// The header's index and count are u32, so a transfer has at most this many chunks.
constexpr std::uint64_t kMaxChunkCount = 0xFFFFFFFFULL;

struct TransferMetadata {
    TransferKind kind = TransferKind::File;
    std::string name;       // UTF-8, at most kMaxNameBytes, no control characters; may be empty
    std::string type;       // MIME type, printable ASCII, at most kMaxTypeBytes; may be empty
    std::uint64_t size = 0; // bytes in the whole transfer, 0..kMaxTransferSize
    std::uint32_t chunkSize = 0; // payload bytes of every chunk but the last, 1..kMaxChunkSize
    std::uint32_t count = 0;     // chunk packets: ceil(size / chunkSize)
};

// ceil(size / chunkSize); InvalidArgument when chunkSize is 0 or the count exceeds u32.
Result<std::uint32_t> chunkCountFor(std::uint64_t size, std::uint32_t chunkSize);

// Fills in `count` and validates: the way a sender describes what it is about to send.
// InvalidArgument with the field's name when a value cannot be used.
Result<TransferMetadata> describeTransfer(TransferKind kind, std::string name, std::string type,
                                          std::uint64_t size, std::uint32_t chunkSize);

// Every field rule, `count` included. InvalidField with the field's name.
Status validateMetadata(const TransferMetadata& metadata);

// Parses a Start payload. MalformedPacket when it is not a JSON object, InvalidField when a field
// is missing, of the wrong type or out of range. Unknown fields are ignored (forward
// compatibility: a later sender may add optional fields; incompatible changes bump the version).
Result<TransferMetadata> parseMetadata(std::string_view json);

// The JSON text of valid metadata (validateMetadata passed): at most kMaxMetadataBytes.
std::string serializeMetadata(const TransferMetadata& metadata);

// Payload bytes of chunk `index` (< count): chunkSize, except the last, which is the remainder.
std::uint32_t chunkLengthAt(const TransferMetadata& metadata, std::uint32_t index);
// Byte offset of chunk `index` within the transfer.
inline std::uint64_t chunkOffsetAt(const TransferMetadata& metadata, std::uint32_t index) {
    return static_cast<std::uint64_t>(index) * metadata.chunkSize;
}

} // namespace rtcmc::transfer
