// Every transfer of one page, in both directions, with every peer: the object the engine and
// the JS facade drive. Sans-IO: bytes in (a received packet, a chunk's payload), packets out
// (written into the caller's buffer), and a TransferUpdate saying what happened.
//
// Keys: outgoing transfers by the id this side assigned (unique among its open transfers);
// incoming transfers by (sender's userid, sender's id), so two peers may use the same id.
//
// Errors come in two kinds:
//   - the call or packet was refused: Result holds an Error and nothing changed;
//   - a transfer ended badly: the update's event is Failed or Aborted and `error` names it.
#pragma once

#include "common/result.hpp"
#include "transfer/byte_span.hpp"
#include "transfer/incoming_transfer.hpp"
#include "transfer/metadata.hpp"
#include "transfer/outgoing_transfer.hpp"
#include "transfer/packet.hpp"
#include "transfer/transfer_update.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace rtcmc::transfer {

class TransferManager {
public:
    // Open incoming transfers per peer: bounds what one peer's Start packets can make us hold.
    static constexpr std::size_t kMaxIncomingTransfersPerPeer = 256;

    // ---- sending ----

    // Opens a transfer to `userid` and writes its Start packet into `out` (event Started,
    // packetLength set). `metadata` must pass validateMetadata (describeTransfer builds it).
    Result<TransferUpdate> startOutgoing(std::string_view userid, const TransferMetadata& metadata,
                                         MutableBytes out);
    // Writes the next chunk (nextChunk() says which bytes) into `out` (event Chunk).
    Result<TransferUpdate> writeChunk(std::uint32_t transferId, ConstBytes payload,
                                      MutableBytes out);
    // Writes the End packet once every chunk was written (event End).
    Result<TransferUpdate> writeEnd(std::uint32_t transferId, MutableBytes out);
    // This side gives up: writes an Abort for the receiver and forgets the transfer (event
    // Aborted, no error). `reason` is UTF-8, cut to kMaxReasonBytes on a character boundary.
    Result<TransferUpdate> abortOutgoing(std::uint32_t transferId, std::string_view reason,
                                         MutableBytes out);
    Result<ChunkRange> nextChunk(std::uint32_t transferId) const;

    // ---- receiving ----

    // Any packet that arrived from `userid`. Start/Chunk/End/Abort drive an incoming transfer;
    // Complete/Failed/Cancel answer an outgoing one. A reply to send back (Complete or Failed)
    // is written into `reply`, which must hold kMaxReplyPacketBytes.
    Result<TransferUpdate> receive(std::string_view userid, ConstBytes packet, MutableBytes reply);
    // This side gives up on an incoming transfer: writes a Cancel for the sender and forgets it.
    Result<TransferUpdate> cancelIncoming(std::string_view userid, std::uint32_t transferId,
                                          std::string_view reason, MutableBytes out);

    // ---- peers ----

    // The peer left or its channel closed: every transfer with it, both directions, ends with
    // event Aborted and a TransferAborted error naming it. Nothing is written (no one to tell).
    std::vector<TransferUpdate> peerGone(std::string_view userid);

    // ---- queries ----

    Result<TransferProgress> outgoingProgress(std::uint32_t transferId) const;
    Result<TransferProgress> incomingProgress(std::string_view userid,
                                              std::uint32_t transferId) const;
    Result<TransferMetadata> outgoingMetadata(std::uint32_t transferId) const;
    Result<TransferMetadata> incomingMetadata(std::string_view userid,
                                              std::uint32_t transferId) const;
    // Every open transfer, outgoing first (by id), then incoming (by peer, then id).
    std::vector<TransferProgress> activeTransfers() const;
    std::size_t outgoingCount() const { return outgoing_.size(); }
    std::size_t incomingCount() const;

private:
    using IncomingById = std::map<std::uint32_t, IncomingTransfer>;

    Result<TransferUpdate> receiveStart(std::string_view userid, const Packet& packet);
    // Chunk, End and Abort of a transfer to us.
    Result<TransferUpdate> receiveForIncoming(std::string_view userid, const Packet& packet,
                                              MutableBytes reply);
    // Complete, Failed and Cancel of a transfer from us.
    Result<TransferUpdate> receiveAnswer(std::string_view userid, const Packet& packet);

    // Writes Complete or Failed once every chunk and the End arrived, and forgets the transfer.
    TransferUpdate finishIncoming(IncomingById& transfers, IncomingById::iterator found,
                                  std::string_view userid, TransferUpdate update,
                                  MutableBytes reply);

    IncomingTransfer* findIncoming(std::string_view userid, std::uint32_t transferId);
    const IncomingTransfer* findIncoming(std::string_view userid, std::uint32_t transferId) const;
    OutgoingTransfer* findOutgoing(std::string_view userid, std::uint32_t transferId);
    void forgetIncoming(std::string_view userid, std::uint32_t transferId);

    std::uint32_t nextFreeTransferId() const;

    std::map<std::uint32_t, OutgoingTransfer> outgoing_;
    // std::less<> finds a peer by string_view without building a std::string per packet.
    std::map<std::string, IncomingById, std::less<>> incoming_;
    std::uint32_t nextTransferId_ = 1; // 0 is never assigned, so JS can use it as "none"
};

} // namespace rtcmc::transfer
