// What the transfer manager tells its caller after each call: which transfer moved, how far,
// where a received payload sits in its packet, whether a packet was written for the caller to
// send, and, when a transfer ended badly, the error that names it.
#pragma once

#include "common/result.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace rtcmc::transfer {

enum class TransferDirection : std::uint8_t {
    Outgoing, // we send the bytes
    Incoming, // we receive the bytes
};

enum class TransferEvent : std::uint8_t {
    Started,   // outgoing: Start written; incoming: Start accepted (metadata available)
    Chunk,     // outgoing: a chunk written; incoming: a chunk accepted (keep its payload)
    End,       // outgoing: End written, awaiting Complete; incoming: End accepted, chunks missing
    Received,  // incoming: every chunk arrived and the checksum matched; Complete written
    Delivered, // outgoing: the receiver confirmed the whole transfer (onFileSent fires now)
    Failed,    // the checksum did not match (incoming: Failed written); `error` says why
    Aborted,   // a side gave up or the peer left; `error` is set unless this side asked for it
};

const char* transferEventName(TransferEvent event);
const char* transferDirectionName(TransferDirection direction);

// Counts in upstream's vocabulary (RTCMultiConnection's onFileProgress): `length` packets in
// the transfer, `sent` (outgoing) or `received` (incoming) so far, `remaining` = length - done.
// The count that does not apply to the direction stays 0. Packets here are chunk packets.
struct ProgressCounts {
    std::uint32_t length = 0;
    std::uint32_t sent = 0;
    std::uint32_t received = 0;
    std::uint32_t remaining = 0;
    std::uint64_t size = 0;      // bytes in the transfer
    std::uint64_t bytesDone = 0; // bytes written (outgoing) or received (incoming)
};

// The full picture of one transfer, for progress events.
struct TransferProgress {
    TransferDirection direction = TransferDirection::Outgoing;
    std::string userid; // the peer: recipient of an outgoing transfer, sender of an incoming one
    std::uint32_t transferId = 0;
    std::string name;
    ProgressCounts counts;
};

struct TransferUpdate {
    TransferEvent event = TransferEvent::Started;
    TransferDirection direction = TransferDirection::Outgoing;
    std::uint32_t transferId = 0;
    // Incoming chunk: the bytes to keep are packet[payloadOffset, payloadOffset + payloadLength),
    // chunk number `index`. Outgoing chunk: the index written. payloadLength is 0 otherwise.
    // A chunk can also end the transfer (Received or Failed): check payloadLength, not event.
    std::uint32_t index = 0;
    std::uint32_t payloadOffset = 0; // bytes from the packet's first byte
    std::uint32_t payloadLength = 0; // bytes
    // Bytes written to the caller's output buffer: a packet to send to the peer (the next
    // outgoing packet, or a Complete/Failed/Abort/Cancel). 0 when there is nothing to send.
    std::uint32_t packetLength = 0;
    ProgressCounts progress;
    // Set when the transfer ended with Failed or Aborted for a reason this side did not choose.
    std::optional<Error> error;
};

} // namespace rtcmc::transfer
