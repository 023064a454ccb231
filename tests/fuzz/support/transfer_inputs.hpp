// Record operations of transfer_packets_fuzzer (op % kTransferOps), shared with the seed corpus
// generator. The selector's low bits pick the peer (ann, bob, cat); its high bits are flags of
// the operation.
#pragma once

#include <cstdint>

namespace rtcmc::fuzz {

enum TransferOp : std::uint8_t {
    kRawPacketOp = 0,    // the bytes, as a packet from the peer
    kShapedPacketOp = 1, // kind, id, index, count from the first four bytes; payload after them
    kHonestStartOp = 2,  // a valid Start (id, size, chunk size, kind, name from the bytes)
    kHonestChunkOp = 3,  // chunk (id, index) of a started transfer; selector 0x80 flips a byte
    kHonestEndOp = 4,    // the End of a started transfer; selector 0x80 lies about the checksum
    kOwnTransferOp = 5,  // this side sends a small transfer to the peer, who answers
    kGiveUpOp = 6,       // this side cancels (selector 0x80) or aborts a transfer
    kPeerGoneOp = 7,     // the peer leaves
    kTransferOps = 8,
};

} // namespace rtcmc::fuzz
