#include "dataplane/outgoing_lane.hpp"

namespace rtcmc::dataplane {

bool OutgoingLane::ready(const OutgoingItem& item) const {
    switch (item.state) {
    case OutgoingItem::State::Queued:
        return started.size() < kMaxOpenTransfers &&
               (item.small || sendingLarge < kMaxSendingLarge);
    case OutgoingItem::State::Sending:
        if (item.written == item.metadata->count) {
            return true; // the End is next
        }
        return item.hasReads() && item.firstRead().filled;
    case OutgoingItem::State::Written:
        return false;
    }
    return false;
}

OutgoingItem* OutgoingLane::pick(bool smallOnly) {
    for (const auto& item : items) {
        if (item->small && ready(*item)) {
            return item.get();
        }
    }
    if (smallOnly) {
        return nullptr;
    }
    const std::size_t count = items.size();
    for (std::size_t k = 0; k < count; ++k) {
        const std::size_t index = (turn_ + k) % count;
        OutgoingItem& item = *items[index];
        if (!item.small && ready(item)) {
            turn_ = index + 1;
            return &item;
        }
    }
    return nullptr;
}

std::unique_ptr<OutgoingItem> OutgoingLane::remove(const OutgoingItem& item) {
    for (std::size_t index = 0; index < items.size(); ++index) {
        if (items[index].get() != &item) {
            continue;
        }
        std::unique_ptr<OutgoingItem> removed = std::move(items[index]);
        items.erase(items.begin() + static_cast<std::ptrdiff_t>(index));
        if (index < turn_) {
            --turn_;
        }
        if (!removed->small && removed->state == OutgoingItem::State::Sending) {
            --sendingLarge;
        }
        return removed;
    }
    return nullptr;
}

OutgoingItem* OutgoingLane::find(Handle handle) {
    for (const auto& item : items) {
        if (item->handle == handle) {
            return item.get();
        }
    }
    return nullptr;
}

OutgoingLane::Started* OutgoingLane::findStarted(std::uint32_t transferId) {
    for (Started& entry : started) {
        if (entry.transferId == transferId) {
            return &entry;
        }
    }
    return nullptr;
}

OutgoingLane::Incoming* OutgoingLane::findIncoming(std::uint32_t transferId) {
    for (Incoming& entry : incoming) {
        if (entry.transferId == transferId) {
            return &entry;
        }
    }
    return nullptr;
}

} // namespace rtcmc::dataplane
