#include "transfer/transfer_update.hpp"

namespace rtcmc::transfer {

const char* transferEventName(TransferEvent event) {
    switch (event) {
    case TransferEvent::Started:
        return "started";
    case TransferEvent::Chunk:
        return "chunk";
    case TransferEvent::End:
        return "end";
    case TransferEvent::Received:
        return "received";
    case TransferEvent::Delivered:
        return "delivered";
    case TransferEvent::Failed:
        return "failed";
    case TransferEvent::Aborted:
        return "aborted";
    }
    return "unknown";
}

const char* transferDirectionName(TransferDirection direction) {
    switch (direction) {
    case TransferDirection::Outgoing:
        return "outgoing";
    case TransferDirection::Incoming:
        return "incoming";
    }
    return "unknown";
}

} // namespace rtcmc::transfer
