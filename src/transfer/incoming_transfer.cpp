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

std::string IncomingTransfer::label() const {
    return "transfer " + std::to_string(transferId_) + " from '" + userid_ + "'";
}

Status IncomingTransfer::acceptChunk(const PacketHeader& header, ConstBytes payload) {
    // Every check comes first: a refused packet changes nothing.
    if (header.count != metadata_.count) {
        return makeError(ErrorCode::TransferMismatch, label() + ": packet count changed from " +
                                                          std::to_string(metadata_.count) + " to " +
                                                          std::to_string(header.count));
    }
    // The decoder guarantees index < header.count, so the index is within the transfer.
    const std::uint32_t expectedLength = chunkLengthAt(metadata_, header.index);
    if (payload.size != expectedLength) {
        return makeError(ErrorCode::TransferMismatch,
                         label() + ": chunk " + std::to_string(header.index) + " carries " +
                             std::to_string(payload.size) + " bytes, expected " +
                             std::to_string(expectedLength) +
                             (header.index + 1 == metadata_.count
                                  ? " (the last chunk is exactly the remainder of the size)"
                                  : " (the chunk size)"));
    }
    if (arrived_.contains(header.index)) {
        return makeError(ErrorCode::DuplicatePacket, label() + ": chunk " +
                                                         std::to_string(header.index) +
                                                         " was already received");
    }
    // Every index below the first missing one arrived, so after the duplicate check
    // header.index >= firstMissing and the subtraction cannot wrap.
    const std::uint32_t firstMissing = checksum_.firstMissing();
    if (header.index - firstMissing >= kMaxPacketsAheadOfGap) {
        return makeError(ErrorCode::PacketOutOfRange,
                         label() + ": chunk " + std::to_string(header.index) + " is " +
                             std::to_string(header.index - firstMissing) +
                             " packets ahead of the first missing chunk " +
                             std::to_string(firstMissing) + " (at most " +
                             std::to_string(kMaxPacketsAheadOfGap) + ")");
    }

    arrived_.insert(header.index);
    checksum_.add(header.index, chunkDigest(payload));
    ++receivedChunks_;
    bytesReceived_ += payload.size;
    return okStatus();
}

Status IncomingTransfer::acceptEnd(const PacketHeader& header, std::uint64_t checksum) {
    if (header.count != metadata_.count) {
        return makeError(ErrorCode::TransferMismatch,
                         label() + ": End counts " + std::to_string(header.count) +
                             " packets, the Start said " + std::to_string(metadata_.count));
    }
    if (expectedChecksum_) {
        return makeError(ErrorCode::DuplicatePacket, label() + ": End was already received");
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
