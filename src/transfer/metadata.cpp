#include "transfer/metadata.hpp"

#include "common/json_text.hpp"
#include "transfer/utf8.hpp"

#include <nlohmann/json.hpp>

namespace rtcmc::transfer {

namespace {

using nlohmann::json;

Error invalidField(std::string message) {
    return makeError(ErrorCode::InvalidField, "metadata: " + std::move(message));
}

bool isPrintableAscii(std::string_view text) {
    for (const char character : text) {
        const auto byte = static_cast<unsigned char>(character);
        if (byte < 0x20 || byte > 0x7E) {
            return false;
        }
    }
    return true;
}

// Integers only: 1e3 and 2.0 are refused, because a float in a size field means a sender that
// computed it wrongly, and floats past 2^53 cannot be exact.
Result<std::uint64_t> readUnsigned(const json& object, const char* field, std::uint64_t min,
                                   std::uint64_t max) {
    const auto found = object.find(field);
    const std::string range = " from " + std::to_string(min) + " to " + std::to_string(max);
    if (found == object.end()) {
        return invalidField(std::string("'") + field + "' is missing");
    }
    if (found->is_number_integer() && !found->is_number_unsigned()) {
        return invalidField(std::string("'") + field + "' must be an integer" + range + ", got " +
                            std::to_string(found->get<std::int64_t>()));
    }
    if (!found->is_number_unsigned()) {
        return invalidField(std::string("'") + field + "' must be an integer" + range + ", got " +
                            found->type_name());
    }
    const auto value = found->get<std::uint64_t>();
    if (value < min || value > max) {
        return invalidField(std::string("'") + field + "' must be an integer" + range + ", got " +
                            std::to_string(value));
    }
    return value;
}

Result<std::string> readString(const json& object, const char* field) {
    const auto found = object.find(field);
    if (found == object.end()) {
        return invalidField(std::string("'") + field + "' is missing");
    }
    if (!found->is_string()) {
        return invalidField(std::string("'") + field + "' must be a string, got " +
                            found->type_name());
    }
    return found->get<std::string>();
}

} // namespace

const char* transferKindName(TransferKind kind) {
    switch (kind) {
    case TransferKind::File:
        return "file";
    case TransferKind::Text:
        return "text";
    case TransferKind::Object:
        return "object";
    case TransferKind::Binary:
        return "binary";
    }
    return "unknown";
}

std::optional<TransferKind> parseTransferKind(std::string_view name) {
    for (const TransferKind kind :
         {TransferKind::File, TransferKind::Text, TransferKind::Object, TransferKind::Binary}) {
        if (name == transferKindName(kind)) {
            return kind;
        }
    }
    return std::nullopt;
}

Result<std::uint32_t> chunkCountFor(std::uint64_t size, std::uint32_t chunkSize) {
    if (chunkSize == 0) {
        return makeError(ErrorCode::InvalidArgument, "chunkSize must be at least 1");
    }
    const std::uint64_t count = size / chunkSize + (size % chunkSize != 0 ? 1 : 0);
    if (count > kMaxChunkCount) {
        return makeError(ErrorCode::InvalidArgument,
                         "size " + std::to_string(size) + " with chunkSize " +
                             std::to_string(chunkSize) + " needs " + std::to_string(count) +
                             " chunks, more than " + std::to_string(kMaxChunkCount));
    }
    return static_cast<std::uint32_t>(count);
}

Status validateMetadata(const TransferMetadata& metadata) {
    if (!parseTransferKind(transferKindName(metadata.kind))) {
        return invalidField("'kind' must be one of 'file', 'text', 'object', 'binary'");
    }
    if (metadata.name.size() > kMaxNameBytes) {
        return invalidField("'name' of " + std::to_string(metadata.name.size()) +
                            " bytes exceeds " + std::to_string(kMaxNameBytes));
    }
    if (!isValidUtf8(metadata.name)) {
        return invalidField("'name' is not valid UTF-8");
    }
    if (hasControlCharacter(metadata.name)) {
        return invalidField("'name' contains a control character");
    }
    if (metadata.type.size() > kMaxTypeBytes) {
        return invalidField("'type' of " + std::to_string(metadata.type.size()) +
                            " bytes exceeds " + std::to_string(kMaxTypeBytes));
    }
    if (!isPrintableAscii(metadata.type)) {
        return invalidField("'type' must be printable ASCII (a MIME type)");
    }
    if (metadata.size > kMaxTransferSize) {
        return invalidField("'size' " + std::to_string(metadata.size) + " exceeds " +
                            std::to_string(kMaxTransferSize));
    }
    if (metadata.chunkSize < kMinChunkSize || metadata.chunkSize > kMaxChunkSize) {
        return invalidField("'chunkSize' must be from " + std::to_string(kMinChunkSize) + " to " +
                            std::to_string(kMaxChunkSize) + ", got " +
                            std::to_string(metadata.chunkSize));
    }
    const auto count = chunkCountFor(metadata.size, metadata.chunkSize);
    if (!count) {
        return invalidField(count.error().message);
    }
    if (count.value() != metadata.count) {
        return invalidField("'count' " + std::to_string(metadata.count) + " disagrees with size " +
                            std::to_string(metadata.size) + " and chunkSize " +
                            std::to_string(metadata.chunkSize) + " (expected " +
                            std::to_string(count.value()) + ")");
    }
    return okStatus();
}

Result<TransferMetadata> describeTransfer(TransferKind kind, std::string name, std::string type,
                                          std::uint64_t size, std::uint32_t chunkSize) {
    TransferMetadata metadata;
    metadata.kind = kind;
    metadata.name = std::move(name);
    metadata.type = std::move(type);
    metadata.size = size;
    metadata.chunkSize = chunkSize;
    if (chunkSize >= kMinChunkSize && chunkSize <= kMaxChunkSize && size <= kMaxTransferSize) {
        const auto count = chunkCountFor(size, chunkSize);
        if (!count) {
            return count.error();
        }
        metadata.count = count.value();
    }
    if (auto status = validateMetadata(metadata); !status) {
        // A caller's value, not a peer's: report it as such, with the same message.
        return makeError(ErrorCode::InvalidArgument, status.error().message);
    }
    return metadata;
}

Result<TransferMetadata> parseMetadata(std::string_view text) {
    // Non-throwing parse: the wasm build has no exceptions (JSON_NOEXCEPTION).
    const json document = parseJson(text);
    if (document.is_discarded()) {
        return makeError(ErrorCode::MalformedPacket, "Start metadata is not valid JSON");
    }
    if (!document.is_object()) {
        return makeError(ErrorCode::MalformedPacket, "Start metadata must be a JSON object, got " +
                                                         std::string(document.type_name()));
    }

    TransferMetadata metadata;
    auto kindName = readString(document, "kind");
    if (!kindName) {
        return kindName.error();
    }
    const auto kind = parseTransferKind(kindName.value());
    if (!kind) {
        return invalidField("'kind' must be one of 'file', 'text', 'object', 'binary'");
    }
    metadata.kind = *kind;

    auto name = readString(document, "name");
    if (!name) {
        return name.error();
    }
    metadata.name = std::move(name).value();
    auto type = readString(document, "type");
    if (!type) {
        return type.error();
    }
    metadata.type = std::move(type).value();

    const auto size = readUnsigned(document, "size", 0, kMaxTransferSize);
    if (!size) {
        return size.error();
    }
    metadata.size = size.value();
    const auto chunkSize = readUnsigned(document, "chunkSize", kMinChunkSize, kMaxChunkSize);
    if (!chunkSize) {
        return chunkSize.error();
    }
    metadata.chunkSize = static_cast<std::uint32_t>(chunkSize.value());
    const auto count = readUnsigned(document, "count", 0, kMaxChunkCount);
    if (!count) {
        return count.error();
    }
    metadata.count = static_cast<std::uint32_t>(count.value());

    if (auto status = validateMetadata(metadata); !status) {
        return status.error();
    }
    return metadata;
}

std::string serializeMetadata(const TransferMetadata& metadata) {
    json document = json::object();
    document["kind"] = transferKindName(metadata.kind);
    document["name"] = metadata.name;
    document["type"] = metadata.type;
    document["size"] = metadata.size;
    document["chunkSize"] = metadata.chunkSize;
    document["count"] = metadata.count;
    // Valid UTF-8 is a precondition; `replace` only guarantees dump() can never throw.
    return document.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::uint32_t chunkLengthAt(const TransferMetadata& metadata, std::uint32_t index) {
    const std::uint64_t offset = chunkOffsetAt(metadata, index);
    const std::uint64_t remaining = metadata.size - offset;
    return remaining < metadata.chunkSize ? static_cast<std::uint32_t>(remaining)
                                          : metadata.chunkSize;
}

} // namespace rtcmc::transfer
