#include "transfer/outgoing_transfer.hpp"

#include "transfer/little_endian.hpp"

#include <cstring>
#include <utility>

namespace rtcmc::transfer {

namespace {

// Whether [first, first + length) and [second, second + length) share no byte. Compared as
// integers: relational operators on pointers into different objects are unspecified.
bool areDisjoint(const std::uint8_t* first, const std::uint8_t* second, std::size_t length) {
    const auto a = reinterpret_cast<std::uintptr_t>(first);
    const auto b = reinterpret_cast<std::uintptr_t>(second);
    return a + length <= b || b + length <= a;
}

} // namespace

OutgoingTransfer::OutgoingTransfer(std::uint32_t transferId, std::string userid,
                                   TransferMetadata metadata)
    : transferId_(transferId), userid_(std::move(userid)), metadata_(std::move(metadata)),
      metadataJson_(serializeMetadata(metadata_)) {}

Error OutgoingTransfer::refuse(ErrorCode code, const Text& what) const {
    return makeError(code, Text(TextId::TransferTo, {transferId_, userid_}).then(what));
}

Result<std::size_t> OutgoingTransfer::writeStart(MutableBytes out) const {
    PacketHeader header;
    header.kind = PacketKind::Start;
    header.transferId = transferId_;
    header.count = metadata_.count;
    return encodePacket(header, ConstBytes(metadataJson_.data(), metadataJson_.size()), out);
}

Result<std::size_t> OutgoingTransfer::writeChunk(ConstBytes payload, MutableBytes out) {
    // Every check comes first: a refused call leaves the transfer and `out` untouched.
    if (phase_ != Phase::Sending || nextIndex_ >= metadata_.count) {
        return refuse(ErrorCode::InvalidState, {TextId::AllChunksWritten, {metadata_.count}});
    }
    const std::uint32_t expectedLength = chunkLengthAt(metadata_, nextIndex_);
    if (payload.size != expectedLength) {
        return refuse(ErrorCode::InvalidArgument,
                      {TextId::ChunkMustBe, {nextIndex_, expectedLength, payload.size}});
    }
    const std::size_t packetLength = kPacketHeaderBytes + payload.size;
    if (out.size < packetLength) {
        return refuse(ErrorCode::InvalidArgument,
                      {TextId::OutputTooSmallForChunk, {out.size, packetLength}});
    }

    PacketHeader header;
    header.kind = PacketKind::Chunk;
    header.transferId = transferId_;
    header.index = nextIndex_;
    header.count = metadata_.count;
    std::uint8_t* packetPayload = out.data + kPacketHeaderBytes;
    std::uint64_t digest;
    if (payload.data == packetPayload) {
        digest = chunkDigest(payload); // already in place: nothing to copy
    } else if (areDisjoint(payload.data, packetPayload, payload.size)) {
        // One pass that copies and hashes: in wasm, memcpy then hash is 3.5 times slower.
        digest = copyAndXxh64(packetPayload, payload.data, payload.size);
    } else {
        // Overlapping buffers (a caller's odd choice): move first, then hash the result.
        std::memmove(packetPayload, payload.data, payload.size);
        digest = chunkDigest(ConstBytes(packetPayload, payload.size));
    }
    writePacketHeader(header, out.data);
    checksum_.add(nextIndex_, digest);
    ++nextIndex_;
    bytesSent_ += payload.size;
    return packetLength;
}

Result<std::size_t> OutgoingTransfer::writeEnd(MutableBytes out) {
    if (phase_ != Phase::Sending) {
        return refuse(ErrorCode::InvalidState, {TextId::EndAlreadyWritten});
    }
    if (nextIndex_ != metadata_.count) {
        return refuse(ErrorCode::InvalidState,
                      {TextId::EndBeforeEveryChunk, {nextIndex_, metadata_.count}});
    }
    std::uint8_t checksumBytes[kChecksumBytes];
    storeLittleEndian64(checksumBytes, checksum_.value());
    PacketHeader header;
    header.kind = PacketKind::End;
    header.transferId = transferId_;
    header.count = metadata_.count;
    auto written = encodePacket(header, ConstBytes(checksumBytes, sizeof checksumBytes), out);
    if (written) {
        phase_ = Phase::AwaitingConfirmation;
    }
    return written;
}

Status OutgoingTransfer::checkComplete(const PacketHeader& header,
                                       std::uint64_t echoedChecksum) const {
    if (phase_ != Phase::AwaitingConfirmation) {
        return refuse(ErrorCode::InvalidState, {TextId::CompleteBeforeEnd});
    }
    if (header.count != metadata_.count) {
        return refuse(ErrorCode::TransferMismatch,
                      {TextId::CompleteCountDiffers, {header.count, metadata_.count}});
    }
    if (echoedChecksum != checksum_.value()) {
        return refuse(ErrorCode::TransferMismatch, {TextId::CompleteWrongChecksum});
    }
    return okStatus();
}

Result<ChunkRange> OutgoingTransfer::nextChunk() const {
    if (phase_ != Phase::Sending || nextIndex_ >= metadata_.count) {
        return refuse(ErrorCode::InvalidState, {TextId::EveryChunkWritten});
    }
    ChunkRange range;
    range.index = nextIndex_;
    range.offset = chunkOffsetAt(metadata_, nextIndex_);
    range.length = chunkLengthAt(metadata_, nextIndex_);
    return range;
}

ProgressCounts OutgoingTransfer::progress() const {
    ProgressCounts counts;
    counts.length = metadata_.count;
    counts.sent = nextIndex_;
    counts.remaining = metadata_.count - nextIndex_;
    counts.size = metadata_.size;
    counts.bytesDone = bytesSent_;
    return counts;
}

} // namespace rtcmc::transfer
