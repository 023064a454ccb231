// embind surface of the transfer core's constants (src/transfer/): the kinds of content a
// transfer carries and the limits of its packets (docs/protocol-packets.md). Transfers
// themselves are driven through the data plane (bindings/data_plane_bindings.cpp).
#include <emscripten/bind.h>

#include "compact_value_object.hpp"

#include "transfer/metadata.hpp"
#include "transfer/packet.hpp"

#include <cstdint>

namespace rtcmc::transfer {
namespace {

struct JsTransferLimits {
    std::uint32_t headerBytes = kPacketHeaderBytes;
    std::uint32_t maxPacketBytes = kMaxPacketBytes;
    std::uint32_t maxChunkSize = kMaxChunkSize;
    std::uint32_t maxMetadataBytes = kMaxMetadataBytes;
    std::uint32_t maxReasonBytes = kMaxReasonBytes;
    std::uint32_t maxNameBytes = kMaxNameBytes;
    std::uint32_t maxTypeBytes = kMaxTypeBytes;
    double maxSize = static_cast<double>(kMaxTransferSize); // bytes, 2^53 - 1
};

JsTransferLimits transferLimits() {
    return JsTransferLimits{};
}

} // namespace
} // namespace rtcmc::transfer

EMSCRIPTEN_BINDINGS(rtcmc_transfer) {
    using namespace rtcmc::transfer;

    rtcmc::compact_value_object<JsTransferLimits>("TransferLimits")
        .field("headerBytes", &JsTransferLimits::headerBytes)
        .field("maxPacketBytes", &JsTransferLimits::maxPacketBytes)
        .field("maxChunkSize", &JsTransferLimits::maxChunkSize)
        .field("maxMetadataBytes", &JsTransferLimits::maxMetadataBytes)
        .field("maxReasonBytes", &JsTransferLimits::maxReasonBytes)
        .field("maxNameBytes", &JsTransferLimits::maxNameBytes)
        .field("maxTypeBytes", &JsTransferLimits::maxTypeBytes)
        .field("maxSize", &JsTransferLimits::maxSize);

    emscripten::function("transferLimits", &transferLimits);
}
