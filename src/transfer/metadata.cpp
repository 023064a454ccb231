#include "transfer/metadata.hpp"

#include "common/json_text.hpp"
#include "common/utf8.hpp"

#include <nlohmann/json.hpp>

namespace rtcmc::transfer {

namespace {

using nlohmann::json;

Error invalidField(const Text& problem) {
    return makeError(ErrorCode::InvalidField, Text(TextId::MetadataField).then(problem));
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
    if (found == object.end()) {
        return invalidField({TextId::FieldIsMissing, {field}});
    }
    // What was there instead, each a Text argument made in place: the number, or the JSON type
    // of anything else.
    if (found->is_number_unsigned()) {
        const auto value = found->get<std::uint64_t>();
        if (value >= min && value <= max) {
            return value;
        }
        return invalidField({TextId::FieldMustBeIntegerIn, {field, min, max, value}});
    }
    if (found->is_number_integer()) {
        return invalidField(
            {TextId::FieldMustBeIntegerIn, {field, min, max, found->get<std::int64_t>()}});
    }
    return invalidField({TextId::FieldMustBeIntegerIn, {field, min, max, found->type_name()}});
}

Result<std::string> readString(const json& object, const char* field) {
    const auto found = object.find(field);
    if (found == object.end()) {
        return invalidField({TextId::FieldIsMissing, {field}});
    }
    if (!found->is_string()) {
        return invalidField({TextId::FieldMustBeStringGot, {field, found->type_name()}});
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
        return makeError(ErrorCode::InvalidArgument, {TextId::ChunkSizeAtLeastOne});
    }
    const std::uint64_t count = size / chunkSize + (size % chunkSize != 0 ? 1 : 0);
    if (count > kMaxChunkCount) {
        return makeError(ErrorCode::InvalidArgument,
                         {TextId::TooManyChunks, {size, chunkSize, count, kMaxChunkCount}});
    }
    return static_cast<std::uint32_t>(count);
}

Status validateMetadata(const TransferMetadata& metadata) {
    if (metadata.kind > TransferKind::Binary) {
        return invalidField({TextId::KindMustBe});
    }
    if (metadata.name.size() > kMaxNameBytes) {
        return invalidField(
            {TextId::FieldTooManyBytes, {"name", metadata.name.size(), kMaxNameBytes}});
    }
    if (!isValidUtf8(metadata.name)) {
        return invalidField({TextId::NameNotUtf8});
    }
    if (hasControlCharacter(metadata.name)) {
        return invalidField({TextId::NameHasControlCharacter});
    }
    if (metadata.type.size() > kMaxTypeBytes) {
        return invalidField(
            {TextId::FieldTooManyBytes, {"type", metadata.type.size(), kMaxTypeBytes}});
    }
    if (!isPrintableAscii(metadata.type)) {
        return invalidField({TextId::TypeMustBeAscii});
    }
    if (metadata.size > kMaxTransferSize) {
        return invalidField({TextId::SizeTooLarge, {metadata.size, kMaxTransferSize}});
    }
    if (metadata.chunkSize < kMinChunkSize || metadata.chunkSize > kMaxChunkSize) {
        return invalidField(
            {TextId::ChunkSizeOutOfRange, {kMinChunkSize, kMaxChunkSize, metadata.chunkSize}});
    }
    const auto count = chunkCountFor(metadata.size, metadata.chunkSize);
    if (!count) {
        return invalidField(count.error().text);
    }
    if (count.value() != metadata.count) {
        return invalidField({TextId::CountDisagrees,
                             {metadata.count, metadata.size, metadata.chunkSize, count.value()}});
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
        return makeError(ErrorCode::InvalidArgument, status.error().text);
    }
    return metadata;
}

Result<TransferMetadata> parseMetadata(std::string_view text) {
    // Non-throwing parse: the wasm build has no exceptions (JSON_NOEXCEPTION).
    const json document = parseJson(text);
    if (document.is_discarded()) {
        return makeError(ErrorCode::MalformedPacket, {TextId::MetadataNotJson});
    }
    if (!document.is_object()) {
        return makeError(ErrorCode::MalformedPacket,
                         {TextId::MetadataNotObject, {document.type_name()}});
    }

    TransferMetadata metadata;
    auto kindName = readString(document, "kind");
    if (!kindName) {
        return kindName.error();
    }
    const auto kind = parseTransferKind(kindName.value());
    if (!kind) {
        return invalidField({TextId::KindMustBe});
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

// Written field by field, in the order nlohmann's object (a std::map) kept its keys, so that the
// text is what writeJson of that object was; valid UTF-8 is a precondition (validateMetadata).
std::string serializeMetadata(const TransferMetadata& metadata) {
    std::string text = "{\"chunkSize\":";
    appendDecimal(text, metadata.chunkSize);
    text += ",\"count\":";
    appendDecimal(text, metadata.count);
    text += ",\"kind\":";
    appendJsonString(text, transferKindName(metadata.kind));
    text += ",\"name\":";
    appendJsonString(text, metadata.name);
    text += ",\"size\":";
    appendDecimal(text, metadata.size);
    text += ",\"type\":";
    appendJsonString(text, metadata.type);
    text += '}';
    return text;
}

std::uint32_t chunkLengthAt(const TransferMetadata& metadata, std::uint32_t index) {
    const std::uint64_t offset = chunkOffsetAt(metadata, index);
    const std::uint64_t remaining = metadata.size - offset;
    return remaining < metadata.chunkSize ? static_cast<std::uint32_t>(remaining)
                                          : metadata.chunkSize;
}

} // namespace rtcmc::transfer
