// One transfer this side sends to one peer: writes its Start, Chunk and End packets in order
// into the caller's buffer, hashing each chunk as it is copied in, and checks the receiver's
// Complete against what was sent. It never keeps payload bytes.
#pragma once

#include "common/result.hpp"
#include "transfer/byte_span.hpp"
#include "transfer/metadata.hpp"
#include "transfer/packet.hpp"
#include "transfer/transfer_checksum.hpp"
#include "transfer/transfer_update.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace rtcmc::transfer {

// Where the next chunk to send lies in the source (file, blob, encoded text).
struct ChunkRange {
    std::uint32_t index = 0;
    std::uint64_t offset = 0; // bytes from the start of the transfer
    std::uint32_t length = 0; // bytes
};

class OutgoingTransfer {
public:
    enum class Phase : std::uint8_t {
        Sending,              // Start written; chunks being written
        AwaitingConfirmation, // End written; waiting for Complete, Failed or Cancel
    };

    // `metadata` must be valid (describeTransfer or validateMetadata).
    OutgoingTransfer(std::uint32_t transferId, std::string userid, TransferMetadata metadata);

    std::uint32_t transferId() const { return transferId_; }
    const std::string& userid() const { return userid_; }
    const TransferMetadata& metadata() const { return metadata_; }
    Phase phase() const { return phase_; }

    // The Start packet (header + JSON metadata); does not change the transfer.
    Result<std::size_t> writeStart(MutableBytes out) const;

    // The next chunk: `payload` must be exactly nextChunk().length bytes. Copies the payload
    // behind the header in `out` (nothing to copy when the caller already put it at
    // out.data + kPacketHeaderBytes) and hashes it. Returns the packet's length in bytes.
    Result<std::size_t> writeChunk(ConstBytes payload, MutableBytes out);

    // The End packet with the transfer's checksum, once every chunk was written.
    Result<std::size_t> writeEnd(MutableBytes out);

    // Checks a Complete from the receiver (count and echoed checksum); changes nothing.
    Status checkComplete(const PacketHeader& header, std::uint64_t echoedChecksum) const;

    // InvalidState once every chunk was written.
    Result<ChunkRange> nextChunk() const;
    ProgressCounts progress() const;
    std::uint64_t checksum() const { return checksum_.value(); }

private:
    // An error about this transfer: "transfer 7 to 'bob': " + what.
    Error refuse(ErrorCode code, const Text& what) const;

    std::uint32_t transferId_;
    std::string userid_;
    TransferMetadata metadata_;
    std::string metadataJson_; // the Start payload, serialized once
    Phase phase_ = Phase::Sending;
    std::uint32_t nextIndex_ = 0; // chunks written
    std::uint64_t bytesSent_ = 0; // payload bytes written
    TransferChecksum checksum_;
};

} // namespace rtcmc::transfer
