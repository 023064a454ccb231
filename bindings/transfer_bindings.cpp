// embind surface of the transfer core (src/transfer/): files, text and objects of any size cut
// into packets and put back together. The JS facade (web/) is the only caller: it owns each
// TransferManager it creates and delete()s it in leave()/close(). Managers are reached by
// integer handles (handle_table.hpp): bindings/handles.js wraps the `_transfer*` functions below
// as Module.TransferManager, whose methods are the ones this comment names.
//
// Bytes never cross as strings and no call allocates per packet: each manager owns two buffers
// of one maximum packet (256 KiB) that JS reaches through typed-memory views.
//   - inputView():  JS .set()s a received packet (or a chunk's payload to send) into it;
//   - outputView(): the core writes the packet to send (the next outgoing packet, or a reply);
//                   JS passes outputView().subarray(0, outcome.packetLength) to channel.send(),
//                   which copies it, before the next call overwrites it;
//   - chunkPayloadView(): outputView() past the 16-byte header, for writing a chunk in place.
// The heap may grow (ALLOW_MEMORY_GROWTH), which detaches every view: a view whose byteLength
// is 0 must be fetched again. The facade keeps its views and refreshes them only then.
//
// Intended JS usage (the facade wraps the `_` methods, which touch the shared buffers):
//
//   const transfers = new Module.TransferManager();
//   // send a file to one peer
//   let o = transfers._startOutgoing(userid, {kind: Module.TransferKind.File, name: file.name,
//                                             type: file.type, size: file.size,
//                                             chunkSize:
//                                             Module.transferLimits().recommendedChunkSize});
//   if (!o.ok) throw codedError(o.code, o.text);
//   channel.send(out.subarray(0, o.packetLength));                 // out = transfers.outputView()
//   for (let r; (r = transfers.nextChunk(o.transferId)) !== null;) {
//       payload.set(bytesOf(file, r.offset, r.length));   // payload = transfers.chunkPayloadView()
//       o = transfers._writeChunkInPlace(o.transferId, r.length);   // or inputView + _writeChunk
//       channel.send(out.subarray(0, o.packetLength));   // after bufferedAmount allows
//   }
//   o = transfers._writeEnd(id); channel.send(out.subarray(0, o.packetLength));
//   // onFileSent fires when a later _receive() answers with event Delivered.
//
//   // every message that arrives on a channel from `userid`
//   input.set(new Uint8Array(message.data));                      // input = transfers.inputView()
//   const o = transfers._receive(userid, message.data.byteLength);
//   if (!o.ok) onerror(codedError(o.code, o.text));    // refused: nothing changed
//   if (o.payloadLength > 0) parts[o.index] = message.data.slice(o.payloadOffset,
//                                                  o.payloadOffset + o.payloadLength);
//   if (o.packetLength > 0) channel.send(out.subarray(0, o.packetLength));  // Complete/Failed
//   switch (o.event) { Started: metadata = transfers.incomingMetadata(userid, o.transferId) ...
//                      Received: build the Blob/string/object; Delivered: onFileSent;
//                      Failed/Aborted: onerror(codedError(o.code, o.text)) }
//
//   transfers.peerGone(userid).forEach(o => onerror(codedError(o.code, o.text)));
//   transfers.delete();
//
// Sizes and byte offsets cross as JS numbers (double): exact up to 2^53, and 3.1.6's embind has
// no 64-bit integers without BigInt. Errors cross as {ok, code, message}, code being
// errorCodeName() (e.g. "UNKNOWN_TRANSFER"), for web/errors.js to turn into coded Errors.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include "common/json_text.hpp"
#include "compact_value_object.hpp"
#include "enum_as_number.hpp"
#include "handle_table.hpp"

#include "transfer/metadata.hpp"
#include "transfer/packet.hpp"
#include "transfer/transfer_manager.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

namespace rtcmc::transfer {
namespace {

using emscripten::val;

// The C++ events plus None, which JS sees when a call was refused (ok is false).
enum class JsTransferEvent {
    None,
    Started,
    Chunk,
    End,
    Received,
    Delivered,
    Failed,
    Aborted,
};

JsTransferEvent toJs(TransferEvent event) {
    switch (event) {
    case TransferEvent::Started:
        return JsTransferEvent::Started;
    case TransferEvent::Chunk:
        return JsTransferEvent::Chunk;
    case TransferEvent::End:
        return JsTransferEvent::End;
    case TransferEvent::Received:
        return JsTransferEvent::Received;
    case TransferEvent::Delivered:
        return JsTransferEvent::Delivered;
    case TransferEvent::Failed:
        return JsTransferEvent::Failed;
    case TransferEvent::Aborted:
        return JsTransferEvent::Aborted;
    }
    return JsTransferEvent::None;
}

// What every call returns. Flat, numbers and short strings only: one plain JS object per call.
struct JsOutcome {
    bool ok = false;  // false: the call or packet was refused and nothing changed
    std::string code; // the error's code when !ok, or why a transfer Failed/Aborted
    std::string text; // the matching words as a Text in JSON; both '' otherwise
    JsTransferEvent event = JsTransferEvent::None;
    TransferDirection direction = TransferDirection::Outgoing;
    std::uint32_t transferId = 0;
    std::uint32_t index = 0;         // chunk index (received or written)
    std::uint32_t payloadOffset = 0; // received chunk: bytes from the packet's start
    std::uint32_t payloadLength = 0; // received chunk: bytes to keep; 0 when none
    std::uint32_t packetLength = 0;  // bytes in outputView() to send; 0 when none
    std::uint32_t length = 0;        // upstream's onFileProgress fields, in chunk packets
    std::uint32_t sent = 0;
    std::uint32_t received = 0;
    std::uint32_t remaining = 0;
    double size = 0;      // bytes in the transfer
    double bytesDone = 0; // bytes sent or received so far
};

JsOutcome refused(const Error& error) {
    JsOutcome outcome;
    outcome.code = errorCodeName(error.code);
    outcome.text = writeJson(error.text.toJson());
    return outcome;
}

JsOutcome toJs(const TransferUpdate& update) {
    JsOutcome outcome;
    outcome.ok = true;
    if (update.error) {
        outcome.code = errorCodeName(update.error->code);
        outcome.text = writeJson(update.error->text.toJson());
    }
    outcome.event = toJs(update.event);
    outcome.direction = update.direction;
    outcome.transferId = update.transferId;
    outcome.index = update.index;
    outcome.payloadOffset = update.payloadOffset;
    outcome.payloadLength = update.payloadLength;
    outcome.packetLength = update.packetLength;
    outcome.length = update.progress.length;
    outcome.sent = update.progress.sent;
    outcome.received = update.progress.received;
    outcome.remaining = update.progress.remaining;
    outcome.size = static_cast<double>(update.progress.size);
    outcome.bytesDone = static_cast<double>(update.progress.bytesDone);
    return outcome;
}

JsOutcome toJs(const Result<TransferUpdate>& result) {
    return result ? toJs(result.value()) : refused(result.error());
}

// What JS passes to _startOutgoing: the metadata without `count`, which the core computes.
struct JsTransferDescription {
    TransferKind kind = TransferKind::File;
    std::string name;
    std::string type;
    double size = 0;      // bytes, an integer 0..2^53-1
    double chunkSize = 0; // bytes, an integer 1..262128
};

// Metadata of a transfer, as JS reads it (incomingMetadata / outgoingMetadata).
struct JsTransferMetadata {
    TransferKind kind = TransferKind::File;
    std::string name;
    std::string type;
    double size = 0;
    std::uint32_t chunkSize = 0;
    std::uint32_t count = 0;
};

struct JsTransferProgress {
    TransferDirection direction = TransferDirection::Outgoing;
    std::string userid;
    std::uint32_t transferId = 0;
    std::string name;
    std::uint32_t length = 0;
    std::uint32_t sent = 0;
    std::uint32_t received = 0;
    std::uint32_t remaining = 0;
    double size = 0;
    double bytesDone = 0;
};

struct JsChunkRange {
    std::uint32_t index = 0;
    double offset = 0; // bytes from the start of the source
    std::uint32_t length = 0;
};

struct JsTransferLimits {
    std::uint32_t headerBytes = kPacketHeaderBytes;
    std::uint32_t maxPacketBytes = kMaxPacketBytes;
    std::uint32_t maxChunkSize = kMaxChunkSize;
    // 64 KiB packets: the size the browser benchmarks use; any size up to maxChunkSize works.
    std::uint32_t recommendedChunkSize = 65536 - kPacketHeaderBytes;
    std::uint32_t maxMetadataBytes = kMaxMetadataBytes;
    std::uint32_t maxReasonBytes = kMaxReasonBytes;
    std::uint32_t maxNameBytes = kMaxNameBytes;
    std::uint32_t maxTypeBytes = kMaxTypeBytes;
    double maxSize = static_cast<double>(kMaxTransferSize);
};

JsTransferLimits transferLimits() {
    return JsTransferLimits{};
}

// A JS number that must be a whole number of bytes in [min, max].
bool isWholeNumberIn(double value, double min, double max) {
    return std::isfinite(value) && std::floor(value) == value && value >= min && value <= max;
}

JsTransferMetadata toJs(const TransferMetadata& metadata) {
    JsTransferMetadata out;
    out.kind = metadata.kind;
    out.name = metadata.name;
    out.type = metadata.type;
    out.size = static_cast<double>(metadata.size);
    out.chunkSize = metadata.chunkSize;
    out.count = metadata.count;
    return out;
}

JsTransferProgress toJs(const TransferProgress& progress) {
    JsTransferProgress out;
    out.direction = progress.direction;
    out.userid = progress.userid;
    out.transferId = progress.transferId;
    out.name = progress.name;
    out.length = progress.counts.length;
    out.sent = progress.counts.sent;
    out.received = progress.counts.received;
    out.remaining = progress.counts.remaining;
    out.size = static_cast<double>(progress.counts.size);
    out.bytesDone = static_cast<double>(progress.counts.bytesDone);
    return out;
}

class JsTransferManager {
public:
    JsTransferManager() : input_(kMaxPacketBytes), output_(kMaxPacketBytes) {}
    JsTransferManager(const JsTransferManager&) = delete;
    JsTransferManager& operator=(const JsTransferManager&) = delete;

    val inputView() { return val(emscripten::typed_memory_view(input_.size(), input_.data())); }
    val outputView() { return val(emscripten::typed_memory_view(output_.size(), output_.data())); }
    val chunkPayloadView() {
        return val(emscripten::typed_memory_view(kMaxChunkPayloadBytes,
                                                 output_.data() + kPacketHeaderBytes));
    }

    // ---- sending ----

    JsOutcome startOutgoing(const std::string& userid, const JsTransferDescription& description) {
        if (!isWholeNumberIn(description.size, 0, static_cast<double>(kMaxTransferSize))) {
            return refused(makeError(ErrorCode::InvalidArgument, {TextId::SizeMustBeWholeBytes}));
        }
        if (!isWholeNumberIn(description.chunkSize, kMinChunkSize, kMaxChunkSize)) {
            return refused(
                makeError(ErrorCode::InvalidArgument,
                          {TextId::ChunkSizeMustBeWholeBytes, {std::to_string(kMaxChunkSize)}}));
        }
        auto metadata = describeTransfer(description.kind, description.name, description.type,
                                         static_cast<std::uint64_t>(description.size),
                                         static_cast<std::uint32_t>(description.chunkSize));
        if (!metadata) {
            return refused(metadata.error());
        }
        return toJs(manager_.startOutgoing(userid, metadata.value(), output()));
    }

    // The payload is inputView()[0, payloadLength): one copy into the packet, hashed on the way.
    JsOutcome writeChunk(std::uint32_t transferId, std::uint32_t payloadLength) {
        if (payloadLength > kMaxChunkPayloadBytes) {
            return refused(tooLong("a chunk payload", payloadLength, kMaxChunkPayloadBytes));
        }
        return toJs(
            manager_.writeChunk(transferId, ConstBytes(input_.data(), payloadLength), output()));
    }

    // The payload is already chunkPayloadView()[0, payloadLength): no copy at all.
    JsOutcome writeChunkInPlace(std::uint32_t transferId, std::uint32_t payloadLength) {
        if (payloadLength > kMaxChunkPayloadBytes) {
            return refused(tooLong("a chunk payload", payloadLength, kMaxChunkPayloadBytes));
        }
        return toJs(manager_.writeChunk(
            transferId, ConstBytes(output_.data() + kPacketHeaderBytes, payloadLength), output()));
    }

    JsOutcome writeEnd(std::uint32_t transferId) {
        return toJs(manager_.writeEnd(transferId, output()));
    }

    JsOutcome abortOutgoing(std::uint32_t transferId, const std::string& reason) {
        return toJs(manager_.abortOutgoing(transferId, reason, output()));
    }

    val nextChunk(std::uint32_t transferId) const {
        auto range = manager_.nextChunk(transferId);
        if (!range) {
            return val::null();
        }
        JsChunkRange out;
        out.index = range.value().index;
        out.offset = static_cast<double>(range.value().offset);
        out.length = range.value().length;
        return val(out);
    }

    // ---- receiving ----

    // The packet is inputView()[0, packetLength); a reply, if any, lands in outputView().
    JsOutcome receive(const std::string& userid, std::uint32_t packetLength) {
        if (packetLength > kMaxPacketBytes) {
            return refused(tooLong("a packet", packetLength, kMaxPacketBytes));
        }
        return toJs(manager_.receive(userid, ConstBytes(input_.data(), packetLength), output()));
    }

    JsOutcome cancelIncoming(const std::string& userid, std::uint32_t transferId,
                             const std::string& reason) {
        return toJs(manager_.cancelIncoming(userid, transferId, reason, output()));
    }

    // ---- peers and queries ----

    // A plain JS array of outcomes (no embind handle to delete).
    val peerGone(const std::string& userid) {
        val list = val::array();
        const std::vector<TransferUpdate> updates = manager_.peerGone(userid);
        for (std::size_t i = 0; i < updates.size(); ++i) {
            list.set(i, val(toJs(updates[i]))); // set(i), not push: engine_bindings.cpp toJs
        }
        return list;
    }

    val progress(TransferDirection direction, const std::string& userid,
                 std::uint32_t transferId) const {
        auto progress = direction == TransferDirection::Outgoing
                            ? manager_.outgoingProgress(transferId)
                            : manager_.incomingProgress(userid, transferId);
        return progress ? val(toJs(progress.value())) : val::null();
    }

    val incomingMetadata(const std::string& userid, std::uint32_t transferId) const {
        auto metadata = manager_.incomingMetadata(userid, transferId);
        return metadata ? val(toJs(metadata.value())) : val::null();
    }

    val outgoingMetadata(std::uint32_t transferId) const {
        auto metadata = manager_.outgoingMetadata(transferId);
        return metadata ? val(toJs(metadata.value())) : val::null();
    }

    std::uint32_t outgoingCount() const {
        return static_cast<std::uint32_t>(manager_.outgoingCount());
    }
    std::uint32_t incomingCount() const {
        return static_cast<std::uint32_t>(manager_.incomingCount());
    }

private:
    static Error tooLong(const char* what, std::uint32_t length, std::size_t max) {
        return makeError(ErrorCode::InvalidArgument,
                         {TextId::TooLongFor, {what, std::to_string(length), std::to_string(max)}});
    }

    MutableBytes output() { return MutableBytes(output_.data(), output_.size()); }

    TransferManager manager_;
    std::vector<std::uint8_t> input_;  // kMaxPacketBytes: a received packet or a chunk to send
    std::vector<std::uint8_t> output_; // kMaxPacketBytes: the packet to send
};

HandleTable<JsTransferManager>& managers() {
    static HandleTable<JsTransferManager> table;
    return table;
}

// Each `_transfer<Method>(handle, ...)` calls JsTransferManager::<method>(...), or answers an
// empty value (a refused outcome, null-like undefined, 0) for a handle that is not, or no
// longer, given out: bindings/handles.js never passes one.
template <typename R> R emptyAnswer() {
    if constexpr (std::is_same_v<R, val>) {
        return val::undefined();
    } else {
        return R();
    }
}

template <auto Method> struct ForHandle;
template <typename R, typename... A, R (JsTransferManager::*Method)(A...)>
struct ForHandle<Method> {
    static R call(int handle, A... args) {
        JsTransferManager* manager = managers().get(handle);
        return manager ? (manager->*Method)(args...) : emptyAnswer<R>();
    }
};
template <typename R, typename... A, R (JsTransferManager::*Method)(A...) const>
struct ForHandle<Method> {
    static R call(int handle, A... args) {
        const JsTransferManager* manager = managers().get(handle);
        return manager ? (manager->*Method)(args...) : emptyAnswer<R>();
    }
};

} // namespace
} // namespace rtcmc::transfer

EMSCRIPTEN_BINDINGS(rtcmc_transfer) {
    using namespace rtcmc::transfer;

    // Numbers in JS; their names are Module.TransferKind etc. (scripts/generate-enums.mjs).
    rtcmc::registerEnumAsNumber<TransferKind>("TransferKind");
    rtcmc::registerEnumAsNumber<TransferDirection>("TransferDirection");
    rtcmc::registerEnumAsNumber<JsTransferEvent>("TransferEvent");
    // The wire values of docs/protocol-packets.md, for tools and tests that craft packets.
    rtcmc::registerEnumAsNumber<PacketKind>("PacketKind");

    rtcmc::compact_value_object<JsOutcome>("TransferOutcome")
        .field("ok", &JsOutcome::ok)
        .field("code", &JsOutcome::code)
        .field("text", &JsOutcome::text)
        .field("event", &JsOutcome::event)
        .field("direction", &JsOutcome::direction)
        .field("transferId", &JsOutcome::transferId)
        .field("index", &JsOutcome::index)
        .field("payloadOffset", &JsOutcome::payloadOffset)
        .field("payloadLength", &JsOutcome::payloadLength)
        .field("packetLength", &JsOutcome::packetLength)
        .field("length", &JsOutcome::length)
        .field("sent", &JsOutcome::sent)
        .field("received", &JsOutcome::received)
        .field("remaining", &JsOutcome::remaining)
        .field("size", &JsOutcome::size)
        .field("bytesDone", &JsOutcome::bytesDone);

    rtcmc::compact_value_object<JsTransferDescription>("TransferDescription")
        .field("kind", &JsTransferDescription::kind)
        .field("name", &JsTransferDescription::name)
        .field("type", &JsTransferDescription::type)
        .field("size", &JsTransferDescription::size)
        .field("chunkSize", &JsTransferDescription::chunkSize);

    rtcmc::compact_value_object<JsTransferMetadata>("TransferMetadata")
        .field("kind", &JsTransferMetadata::kind)
        .field("name", &JsTransferMetadata::name)
        .field("type", &JsTransferMetadata::type)
        .field("size", &JsTransferMetadata::size)
        .field("chunkSize", &JsTransferMetadata::chunkSize)
        .field("count", &JsTransferMetadata::count);

    rtcmc::compact_value_object<JsTransferProgress>("TransferProgress")
        .field("direction", &JsTransferProgress::direction)
        .field("userid", &JsTransferProgress::userid)
        .field("transferId", &JsTransferProgress::transferId)
        .field("name", &JsTransferProgress::name)
        .field("length", &JsTransferProgress::length)
        .field("sent", &JsTransferProgress::sent)
        .field("received", &JsTransferProgress::received)
        .field("remaining", &JsTransferProgress::remaining)
        .field("size", &JsTransferProgress::size)
        .field("bytesDone", &JsTransferProgress::bytesDone);

    rtcmc::compact_value_object<JsChunkRange>("ChunkRange")
        .field("index", &JsChunkRange::index)
        .field("offset", &JsChunkRange::offset)
        .field("length", &JsChunkRange::length);

    rtcmc::compact_value_object<JsTransferLimits>("TransferLimits")
        .field("headerBytes", &JsTransferLimits::headerBytes)
        .field("maxPacketBytes", &JsTransferLimits::maxPacketBytes)
        .field("maxChunkSize", &JsTransferLimits::maxChunkSize)
        .field("recommendedChunkSize", &JsTransferLimits::recommendedChunkSize)
        .field("maxMetadataBytes", &JsTransferLimits::maxMetadataBytes)
        .field("maxReasonBytes", &JsTransferLimits::maxReasonBytes)
        .field("maxNameBytes", &JsTransferLimits::maxNameBytes)
        .field("maxTypeBytes", &JsTransferLimits::maxTypeBytes)
        .field("maxSize", &JsTransferLimits::maxSize);

    emscripten::function("transferLimits", &transferLimits);

    using emscripten::function;
    function(
        "_transferCreate", +[]() { return managers().add(std::make_unique<JsTransferManager>()); });
    function(
        "_transferDelete", +[](int handle) { managers().remove(handle); });
    // Managers not yet delete()d: the Jest suite checks that the facade leaks none.
    function(
        "_transferLive", +[]() { return managers().live(); });
    function("_transferInputView", &ForHandle<&JsTransferManager::inputView>::call);
    function("_transferOutputView", &ForHandle<&JsTransferManager::outputView>::call);
    function("_transferChunkPayloadView", &ForHandle<&JsTransferManager::chunkPayloadView>::call);
    function("_transferStartOutgoing", &ForHandle<&JsTransferManager::startOutgoing>::call);
    function("_transferWriteChunk", &ForHandle<&JsTransferManager::writeChunk>::call);
    function("_transferWriteChunkInPlace", &ForHandle<&JsTransferManager::writeChunkInPlace>::call);
    function("_transferWriteEnd", &ForHandle<&JsTransferManager::writeEnd>::call);
    function("_transferAbortOutgoing", &ForHandle<&JsTransferManager::abortOutgoing>::call);
    function("_transferReceive", &ForHandle<&JsTransferManager::receive>::call);
    function("_transferCancelIncoming", &ForHandle<&JsTransferManager::cancelIncoming>::call);
    function("_transferNextChunk", &ForHandle<&JsTransferManager::nextChunk>::call);
    function("_transferPeerGone", &ForHandle<&JsTransferManager::peerGone>::call);
    function("_transferProgress", &ForHandle<&JsTransferManager::progress>::call);
    function("_transferIncomingMetadata", &ForHandle<&JsTransferManager::incomingMetadata>::call);
    function("_transferOutgoingMetadata", &ForHandle<&JsTransferManager::outgoingMetadata>::call);
    function("_transferOutgoingCount", &ForHandle<&JsTransferManager::outgoingCount>::call);
    function("_transferIncomingCount", &ForHandle<&JsTransferManager::incomingCount>::call);
}
