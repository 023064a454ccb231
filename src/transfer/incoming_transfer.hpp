// One transfer a peer sends to us: checks each Chunk and End against the Start's metadata,
// records which chunks arrived (one bit each), folds their digests into the transfer checksum,
// and says when everything arrived. It never keeps payload bytes: the caller keeps each
// accepted payload where it sits (in the browser, as a Blob part).
#pragma once

#include "common/result.hpp"
#include "transfer/byte_span.hpp"
#include "transfer/metadata.hpp"
#include "transfer/packet.hpp"
#include "transfer/packet_bitmap.hpp"
#include "transfer/transfer_checksum.hpp"
#include "transfer/transfer_update.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace rtcmc::transfer {

class IncomingTransfer {
public:
    // How far past the first missing chunk a chunk may arrive. Reordering only happens when a
    // sender spreads packets over several channels, which reorders by a few windows at most
    // (16384 packets is 256 MiB of 16 KiB chunks); the cap bounds what a peer can make us
    // allocate (the bitmap and the early digests) to what it actually sends.
    static constexpr std::uint32_t kMaxPacketsAheadOfGap = 16384;

    // `metadata` was parsed from the Start packet (valid, and its count matches the header).
    IncomingTransfer(std::uint32_t transferId, std::string userid, TransferMetadata metadata);

    std::uint32_t transferId() const { return transferId_; }
    const TransferMetadata& metadata() const { return metadata_; }

    // Validates a decoded Chunk against the transfer, then records it. On error nothing changes.
    Status acceptChunk(const PacketHeader& header, ConstBytes payload);
    // Validates a decoded End, then keeps its checksum (it may come before a late chunk).
    Status acceptEnd(const PacketHeader& header, std::uint64_t checksum);

    bool allChunksArrived() const { return receivedChunks_ == metadata_.count; }
    bool endArrived() const { return expectedChecksum_.has_value(); }
    bool readyToVerify() const { return allChunksArrived() && endArrived(); }

    // Both valid once readyToVerify().
    std::uint64_t computedChecksum() const { return checksum_.value(); }
    std::uint64_t expectedChecksum() const { return expectedChecksum_.value_or(0); }

    ProgressCounts progress() const;
    // Bookkeeping memory (bitmap words and early digests), in bytes, for tests and limits.
    std::size_t bytesHeld() const;

private:
    // An error about this transfer: "transfer 7 from 'bob': " + what.
    Error refuse(ErrorCode code, const Text& what) const;

    std::uint32_t transferId_;
    std::string userid_;
    TransferMetadata metadata_;
    PacketBitmap arrived_;
    TransferChecksum checksum_;
    std::uint32_t receivedChunks_ = 0;
    std::uint64_t bytesReceived_ = 0;
    std::optional<std::uint64_t> expectedChecksum_; // from the End packet
};

} // namespace rtcmc::transfer
