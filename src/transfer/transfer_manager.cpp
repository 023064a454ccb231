#include "transfer/transfer_manager.hpp"

#include "common/utf8.hpp"
#include "transfer/little_endian.hpp"

#include <tuple>
#include <utility>

namespace rtcmc::transfer {

namespace {

// This side's reason, cut to kMaxReasonBytes on a character boundary: the page's words (an
// error message it did not write) may be longer than a packet carries.
Result<std::string_view> boundedReason(std::string_view reason) {
    if (!isValidUtf8(reason)) {
        return makeError(ErrorCode::InvalidArgument, {TextId::ReasonNotUtf8});
    }
    return utf8Prefix(reason, kMaxReasonBytes);
}

Error unknownTransfer(PacketKind kind, std::uint32_t transferId, const char* preposition,
                      std::string_view userid) {
    return makeError(ErrorCode::UnknownTransfer,
                     {TextId::PacketForUnknownTransfer,
                      {packetKindName(kind), transferId, preposition, userid}});
}

Error noOutgoingTransfer(std::uint32_t transferId) {
    return makeError(ErrorCode::UnknownTransfer, {TextId::NoOutgoingTransfer, {transferId}});
}

Error noIncomingTransfer(std::uint32_t transferId, std::string_view userid) {
    return makeError(ErrorCode::UnknownTransfer,
                     {TextId::NoIncomingTransfer, {transferId, userid}});
}

// A text about a transfer whose peer did something: {who, id, name, detail}.
Text aboutTransfer(TextId id, std::string_view userid, std::uint32_t transferId,
                   const TransferMetadata& metadata, std::string_view detail = {}) {
    return Text(id, {userid, transferId, metadata.name, detail});
}

TransferUpdate makeUpdate(TransferEvent event, TransferDirection direction,
                          std::uint32_t transferId, const ProgressCounts& progress) {
    TransferUpdate update;
    update.event = event;
    update.direction = direction;
    update.transferId = transferId;
    update.progress = progress;
    return update;
}

std::string_view reasonOf(const Packet& packet) {
    return std::string_view(reinterpret_cast<const char*>(packet.payload.data),
                            packet.payload.size);
}

} // namespace

// ---- sending ----

Result<TransferUpdate> TransferManager::startOutgoing(std::string_view userid,
                                                      const TransferMetadata& metadata,
                                                      MutableBytes out) {
    if (userid.empty()) {
        return makeError(ErrorCode::InvalidArgument, {TextId::NeedsRecipient});
    }
    if (auto status = validateMetadata(metadata); !status) {
        return makeError(ErrorCode::InvalidArgument, status.error().text);
    }
    const std::uint32_t transferId = nextFreeTransferId();
    OutgoingTransfer transfer(transferId, std::string(userid), metadata);
    auto written = transfer.writeStart(out);
    if (!written) {
        return written.error();
    }
    TransferUpdate update = makeUpdate(TransferEvent::Started, TransferDirection::Outgoing,
                                       transferId, transfer.progress());
    update.packetLength = static_cast<std::uint32_t>(written.value());
    outgoing_.emplace(transferId, std::move(transfer));
    nextTransferId_ = transferId == 0xFFFFFFFFU ? 1 : transferId + 1;
    return update;
}

Result<TransferUpdate> TransferManager::writeChunk(std::uint32_t transferId, ConstBytes payload,
                                                   MutableBytes out) {
    const auto found = outgoing_.find(transferId);
    if (found == outgoing_.end()) {
        return noOutgoingTransfer(transferId);
    }
    OutgoingTransfer& transfer = found->second;
    auto written = transfer.writeChunk(payload, out);
    if (!written) {
        return written.error();
    }
    TransferUpdate update = makeUpdate(TransferEvent::Chunk, TransferDirection::Outgoing,
                                       transferId, transfer.progress());
    update.index = update.progress.sent - 1;
    update.packetLength = static_cast<std::uint32_t>(written.value());
    return update;
}

Result<TransferUpdate> TransferManager::writeEnd(std::uint32_t transferId, MutableBytes out) {
    const auto found = outgoing_.find(transferId);
    if (found == outgoing_.end()) {
        return noOutgoingTransfer(transferId);
    }
    auto written = found->second.writeEnd(out);
    if (!written) {
        return written.error();
    }
    TransferUpdate update = makeUpdate(TransferEvent::End, TransferDirection::Outgoing, transferId,
                                       found->second.progress());
    update.packetLength = static_cast<std::uint32_t>(written.value());
    return update;
}

Result<TransferUpdate> TransferManager::abortOutgoing(std::uint32_t transferId,
                                                      std::string_view words, MutableBytes out) {
    const Result<std::string_view> reason = boundedReason(words);
    if (!reason) {
        return reason.error();
    }
    const auto found = outgoing_.find(transferId);
    if (found == outgoing_.end()) {
        return noOutgoingTransfer(transferId);
    }
    PacketHeader header;
    header.kind = PacketKind::Abort;
    header.transferId = transferId;
    auto written =
        encodePacket(header, ConstBytes(reason.value().data(), reason.value().size()), out);
    if (!written) {
        return written.error();
    }
    TransferUpdate update = makeUpdate(TransferEvent::Aborted, TransferDirection::Outgoing,
                                       transferId, found->second.progress());
    update.packetLength = static_cast<std::uint32_t>(written.value());
    outgoing_.erase(found);
    return update;
}

Result<ChunkRange> TransferManager::nextChunk(std::uint32_t transferId) const {
    const auto found = outgoing_.find(transferId);
    if (found == outgoing_.end()) {
        return noOutgoingTransfer(transferId);
    }
    return found->second.nextChunk();
}

// ---- receiving ----

Result<TransferUpdate> TransferManager::receive(std::string_view userid, ConstBytes bytes,
                                                MutableBytes reply) {
    if (userid.empty()) {
        return makeError(ErrorCode::InvalidArgument, {TextId::NeedsSender});
    }
    if (reply.size < kMaxReplyPacketBytes) {
        return makeError(ErrorCode::InvalidArgument,
                         {TextId::ReplyBufferTooSmall, {kMaxReplyPacketBytes, reply.size}});
    }
    auto decoded = decodePacket(bytes);
    if (!decoded) {
        return makeError(decoded.error().code,
                         Text(TextId::PacketFrom, {userid}).then(decoded.error().text));
    }
    const Packet& packet = decoded.value();
    switch (packet.header.kind) {
    case PacketKind::Start:
        return receiveStart(userid, packet);
    case PacketKind::Chunk:
    case PacketKind::End:
    case PacketKind::Abort:
        return receiveForIncoming(userid, packet, reply);
    case PacketKind::Complete:
    case PacketKind::Failed:
    case PacketKind::Cancel:
        return receiveAnswer(userid, packet);
    }
    return makeError(ErrorCode::MalformedPacket,
                     {TextId::UnknownPacketKind, {static_cast<int>(packet.header.kind)}});
}

Result<TransferUpdate> TransferManager::receiveStart(std::string_view userid,
                                                     const Packet& packet) {
    const std::uint32_t transferId = packet.header.transferId;
    const Text context(TextId::StartOfTransfer, {transferId, userid});
    auto refuse = [&](ErrorCode code, const Text& what) {
        return makeError(code, Text(context).then(what));
    };
    const auto peer = incoming_.find(userid);
    if (peer != incoming_.end()) {
        if (peer->second.count(transferId) != 0) {
            return refuse(ErrorCode::DuplicatePacket, {TextId::TransferAlreadyStarted});
        }
        if (peer->second.size() >= kMaxIncomingTransfersPerPeer) {
            return refuse(ErrorCode::InvalidState,
                          {TextId::TooManyOpenTransfers, {kMaxIncomingTransfersPerPeer}});
        }
    }
    auto metadata = parseMetadata(
        std::string_view(reinterpret_cast<const char*>(packet.payload.data), packet.payload.size));
    if (!metadata) {
        return refuse(metadata.error().code, metadata.error().text);
    }
    if (metadata.value().count != packet.header.count) {
        return refuse(ErrorCode::TransferMismatch,
                      {TextId::HeaderCountDiffers, {packet.header.count, metadata.value().count}});
    }

    IncomingById& transfers =
        peer != incoming_.end() ? peer->second : incoming_[std::string(userid)];
    const auto inserted = transfers.emplace(
        std::piecewise_construct, std::forward_as_tuple(transferId),
        std::forward_as_tuple(transferId, std::string(userid), std::move(metadata).value()));
    return makeUpdate(TransferEvent::Started, TransferDirection::Incoming, transferId,
                      inserted.first->second.progress());
}

// Chunk, End and Abort: the sender's packets for a transfer under way share the lookup, the
// refusal of an unknown transfer and the update (one path costs the wasm less than three).
Result<TransferUpdate> TransferManager::receiveForIncoming(std::string_view userid,
                                                           const Packet& packet,
                                                           MutableBytes reply) {
    const PacketKind kind = packet.header.kind;
    const std::uint32_t transferId = packet.header.transferId;
    const auto peer = incoming_.find(userid);
    const auto found =
        peer == incoming_.end() ? IncomingById::iterator{} : peer->second.find(transferId);
    if (peer == incoming_.end() || found == peer->second.end()) {
        return unknownTransfer(kind, transferId, "from", userid);
    }
    IncomingTransfer& transfer = found->second;
    TransferEvent event = TransferEvent::Aborted;
    if (kind == PacketKind::Chunk) {
        if (auto status = transfer.acceptChunk(packet.header, packet.payload); !status) {
            return status.error();
        }
        event = TransferEvent::Chunk;
    } else if (kind == PacketKind::End) {
        if (auto status =
                transfer.acceptEnd(packet.header, loadLittleEndian64(packet.payload.data));
            !status) {
            return status.error();
        }
        event = TransferEvent::End;
    }
    TransferUpdate update =
        makeUpdate(event, TransferDirection::Incoming, transferId, transfer.progress());
    if (kind == PacketKind::Abort) {
        update.error = makeError(ErrorCode::TransferAborted,
                                 aboutTransfer(TextId::PeerAborted, userid, transferId,
                                               transfer.metadata(), reasonOf(packet)));
        forgetIncoming(userid, transferId);
        return update;
    }
    if (kind == PacketKind::Chunk) {
        update.index = packet.header.index;
        update.payloadOffset = static_cast<std::uint32_t>(kPacketHeaderBytes);
        update.payloadLength = static_cast<std::uint32_t>(packet.payload.size);
    }
    if (transfer.readyToVerify()) {
        return finishIncoming(peer->second, found, userid, update, reply);
    }
    return update;
}

TransferUpdate TransferManager::finishIncoming(IncomingById& transfers,
                                               IncomingById::iterator found,
                                               std::string_view userid, TransferUpdate update,
                                               MutableBytes reply) {
    const IncomingTransfer& transfer = found->second;
    const std::uint64_t computed = transfer.computedChecksum();
    PacketHeader header;
    header.transferId = transfer.transferId();
    std::uint8_t checksumBytes[kChecksumBytes];
    std::string reason;
    ConstBytes payload;
    if (computed == transfer.expectedChecksum()) {
        update.event = TransferEvent::Received;
        header.kind = PacketKind::Complete;
        header.count = transfer.metadata().count;
        storeLittleEndian64(checksumBytes, computed);
        payload = ConstBytes(checksumBytes, sizeof checksumBytes);
    } else {
        update.event = TransferEvent::Failed;
        header.kind = PacketKind::Failed;
        // The Failed packet's reason is data, not words: the two checksums.
        reason = std::to_string(transfer.expectedChecksum()) + " != " + std::to_string(computed);
        update.error = makeError(ErrorCode::ChecksumMismatch,
                                 {TextId::FailedVerification,
                                  {transfer.transferId(), transfer.metadata().name, userid,
                                   transfer.expectedChecksum(), computed}});
        payload = ConstBytes(reason.data(), reason.size());
    }
    // `reply` holds kMaxReplyPacketBytes (checked in receive) and the reason is shorter than
    // kMaxReasonBytes, so this cannot fail.
    const auto written = encodePacket(header, payload, reply);
    update.packetLength = written ? static_cast<std::uint32_t>(written.value()) : 0;
    transfers.erase(found);
    if (transfers.empty()) {
        incoming_.erase(incoming_.find(userid));
    }
    return update;
}

// Complete, Failed and Cancel: the receiver's answers about a transfer to it.
Result<TransferUpdate> TransferManager::receiveAnswer(std::string_view userid,
                                                      const Packet& packet) {
    const PacketKind kind = packet.header.kind;
    const std::uint32_t transferId = packet.header.transferId;
    OutgoingTransfer* transfer = findOutgoing(userid, transferId);
    if (transfer == nullptr) {
        return unknownTransfer(kind, transferId, "to", userid);
    }
    TransferEvent event = TransferEvent::Delivered;
    if (kind == PacketKind::Complete) {
        if (auto status =
                transfer->checkComplete(packet.header, loadLittleEndian64(packet.payload.data));
            !status) {
            return status.error();
        }
    } else {
        event = kind == PacketKind::Failed ? TransferEvent::Failed : TransferEvent::Aborted;
    }
    TransferUpdate update =
        makeUpdate(event, TransferDirection::Outgoing, transferId, transfer->progress());
    if (kind != PacketKind::Complete) {
        const bool failed = kind == PacketKind::Failed;
        update.error =
            makeError(failed ? ErrorCode::ChecksumMismatch : ErrorCode::TransferAborted,
                      aboutTransfer(failed ? TextId::PeerCouldNotVerify : TextId::PeerCancelled,
                                    userid, transferId, transfer->metadata(), reasonOf(packet)));
    }
    outgoing_.erase(transferId);
    return update;
}

Result<TransferUpdate> TransferManager::cancelIncoming(std::string_view userid,
                                                       std::uint32_t transferId,
                                                       std::string_view words, MutableBytes out) {
    const Result<std::string_view> reason = boundedReason(words);
    if (!reason) {
        return reason.error();
    }
    const IncomingTransfer* transfer = findIncoming(userid, transferId);
    if (transfer == nullptr) {
        return noIncomingTransfer(transferId, userid);
    }
    PacketHeader header;
    header.kind = PacketKind::Cancel;
    header.transferId = transferId;
    auto written =
        encodePacket(header, ConstBytes(reason.value().data(), reason.value().size()), out);
    if (!written) {
        return written.error();
    }
    TransferUpdate update = makeUpdate(TransferEvent::Aborted, TransferDirection::Incoming,
                                       transferId, transfer->progress());
    update.packetLength = static_cast<std::uint32_t>(written.value());
    forgetIncoming(userid, transferId);
    return update;
}

// ---- peers ----

std::vector<TransferUpdate> TransferManager::peerGone(std::string_view userid) {
    std::vector<TransferUpdate> updates;
    const auto peer = incoming_.find(userid);
    if (peer != incoming_.end()) {
        for (const auto& [transferId, transfer] : peer->second) {
            TransferUpdate update = makeUpdate(TransferEvent::Aborted, TransferDirection::Incoming,
                                               transferId, transfer.progress());
            update.error = makeError(
                ErrorCode::TransferAborted,
                aboutTransfer(TextId::PeerLeftDuring, userid, transferId, transfer.metadata()));
            updates.push_back(std::move(update));
        }
        incoming_.erase(peer);
    }
    for (auto it = outgoing_.begin(); it != outgoing_.end();) {
        if (it->second.userid() != userid) {
            ++it;
            continue;
        }
        TransferUpdate update = makeUpdate(TransferEvent::Aborted, TransferDirection::Outgoing,
                                           it->first, it->second.progress());
        update.error =
            makeError(ErrorCode::TransferAborted, aboutTransfer(TextId::PeerLeftDuring, userid,
                                                                it->first, it->second.metadata()));
        updates.push_back(std::move(update));
        it = outgoing_.erase(it);
    }
    return updates;
}

// ---- queries ----

Result<TransferProgress> TransferManager::outgoingProgress(std::uint32_t transferId) const {
    const auto found = outgoing_.find(transferId);
    if (found == outgoing_.end()) {
        return noOutgoingTransfer(transferId);
    }
    TransferProgress progress;
    progress.direction = TransferDirection::Outgoing;
    progress.userid = found->second.userid();
    progress.transferId = transferId;
    progress.name = found->second.metadata().name;
    progress.counts = found->second.progress();
    return progress;
}

Result<TransferProgress> TransferManager::incomingProgress(std::string_view userid,
                                                           std::uint32_t transferId) const {
    const IncomingTransfer* transfer = findIncoming(userid, transferId);
    if (transfer == nullptr) {
        return noIncomingTransfer(transferId, userid);
    }
    TransferProgress progress;
    progress.direction = TransferDirection::Incoming;
    progress.userid = std::string(userid);
    progress.transferId = transferId;
    progress.name = transfer->metadata().name;
    progress.counts = transfer->progress();
    return progress;
}

Result<TransferMetadata> TransferManager::outgoingMetadata(std::uint32_t transferId) const {
    const auto found = outgoing_.find(transferId);
    if (found == outgoing_.end()) {
        return noOutgoingTransfer(transferId);
    }
    return found->second.metadata();
}

Result<TransferMetadata> TransferManager::incomingMetadata(std::string_view userid,
                                                           std::uint32_t transferId) const {
    const IncomingTransfer* transfer = findIncoming(userid, transferId);
    if (transfer == nullptr) {
        return noIncomingTransfer(transferId, userid);
    }
    return transfer->metadata();
}

std::vector<TransferProgress> TransferManager::activeTransfers() const {
    std::vector<TransferProgress> all;
    all.reserve(outgoing_.size() + incomingCount());
    for (const auto& entry : outgoing_) {
        all.push_back(outgoingProgress(entry.first).value());
    }
    for (const auto& [userid, transfers] : incoming_) {
        for (const auto& entry : transfers) {
            all.push_back(incomingProgress(userid, entry.first).value());
        }
    }
    return all;
}

std::size_t TransferManager::incomingCount() const {
    std::size_t total = 0;
    for (const auto& entry : incoming_) {
        total += entry.second.size();
    }
    return total;
}

// ---- helpers ----

IncomingTransfer* TransferManager::findIncoming(std::string_view userid, std::uint32_t transferId) {
    const auto peer = incoming_.find(userid);
    if (peer == incoming_.end()) {
        return nullptr;
    }
    const auto found = peer->second.find(transferId);
    return found == peer->second.end() ? nullptr : &found->second;
}

const IncomingTransfer* TransferManager::findIncoming(std::string_view userid,
                                                      std::uint32_t transferId) const {
    return const_cast<TransferManager*>(this)->findIncoming(userid, transferId);
}

OutgoingTransfer* TransferManager::findOutgoing(std::string_view userid, std::uint32_t transferId) {
    const auto found = outgoing_.find(transferId);
    // Only the peer the transfer goes to may answer for it.
    if (found == outgoing_.end() || found->second.userid() != userid) {
        return nullptr;
    }
    return &found->second;
}

void TransferManager::forgetIncoming(std::string_view userid, std::uint32_t transferId) {
    const auto peer = incoming_.find(userid);
    if (peer == incoming_.end()) {
        return;
    }
    peer->second.erase(transferId);
    if (peer->second.empty()) {
        incoming_.erase(peer);
    }
}

std::uint32_t TransferManager::nextFreeTransferId() const {
    // Ids only need to be unique among this side's open transfers; after 2^32 - 1 transfers the
    // counter wraps (skipping 0) and passes over ids still in use.
    std::uint32_t candidate = nextTransferId_;
    while (outgoing_.count(candidate) != 0) {
        candidate = candidate == 0xFFFFFFFFU ? 1 : candidate + 1;
    }
    return candidate;
}

} // namespace rtcmc::transfer
