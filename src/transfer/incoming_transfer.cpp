#include "transfer/incoming_transfer.hpp"

#include <algorithm>
#include <utility>

namespace rtcmc::transfer {

IncomingTransfer::IncomingTransfer(std::uint32_t transferId, std::string userid,
                                   TransferMetadata metadata)
    : transferId_(transferId), userid_(std::move(userid)), metadata_(std::move(metadata)) {
    // In-order delivery then never reallocates for transfers of up to this many packets.
    arrived_.reserve(std::min(metadata_.count, kMaxPacketsAheadOfGap));
}

Error IncomingTransfer::refuse(ErrorCode code, const Text& what) const {
    return makeError(code, Text(TextId::TransferFrom, {transferId_, userid_}).then(what));
}

Status IncomingTransfer::acceptChunk(const PacketHeader& header, ConstBytes payload) {
    // Every check comes first: a refused packet changes nothing.
    if (header.count != metadata_.count) {
        return refuse(ErrorCode::TransferMismatch,
                      {TextId::PacketCountChanged, {metadata_.count, header.count}});
    }
    // The decoder guarantees index < header.count, so the index is within the transfer.
    const std::uint32_t expectedLength = chunkLengthAt(metadata_, header.index);
    if (payload.size != expectedLength) {
        return refuse(
            ErrorCode::TransferMismatch,
            Text(TextId::ChunkWrongLength, {header.index, payload.size, expectedLength})
                .then(Text(header.index + 1 == metadata_.count ? TextId::LastChunkIsRemainder
                                                               : TextId::ChunkIsChunkSize)));
    }
    if (arrived_.contains(header.index)) {
        return refuse(ErrorCode::DuplicatePacket, {TextId::ChunkAlreadyReceived, {header.index}});
    }
    // Every index below the first missing one arrived, so after the duplicate check
    // header.index >= firstMissing and the subtraction cannot wrap.
    const std::uint32_t firstMissing = checksum_.firstMissing();
    if (header.index - firstMissing >= kMaxPacketsAheadOfGap) {
        return refuse(ErrorCode::PacketOutOfRange, {TextId::ChunkTooFarAhead,
                                                    {header.index, header.index - firstMissing,
                                                     firstMissing, kMaxPacketsAheadOfGap}});
    }

    arrived_.insert(header.index);
    checksum_.add(header.index, chunkDigest(payload));
    ++receivedChunks_;
    bytesReceived_ += payload.size;
    return okStatus();
}

Status IncomingTransfer::acceptEnd(const PacketHeader& header, std::uint64_t checksum) {
    if (header.count != metadata_.count) {
        return refuse(ErrorCode::TransferMismatch,
                      {TextId::EndCountDiffers, {header.count, metadata_.count}});
    }
    if (expectedChecksum_) {
        return refuse(ErrorCode::DuplicatePacket, {TextId::EndAlreadyReceived});
    }
    expectedChecksum_ = checksum;
    return okStatus();
}

ProgressCounts IncomingTransfer::progress() const {
    ProgressCounts counts;
    counts.length = metadata_.count;
    counts.received = receivedChunks_;
    counts.remaining = metadata_.count - receivedChunks_;
    counts.size = metadata_.size;
    counts.bytesDone = bytesReceived_;
    return counts;
}

std::size_t IncomingTransfer::bytesHeld() const {
    // A std::map node holds the pair plus about four pointers of tree bookkeeping.
    return arrived_.bytesHeld() + checksum_.earlyDigests() * (16 + 4 * sizeof(void*));
}

} // namespace rtcmc::transfer
