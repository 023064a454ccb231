// Packet slots in the data plane's arena: each holds one chunk packet (16-byte header, then the
// payload), so that the driver reads a file's bytes straight into the place they are sent from
// and the core writes the header in front of them: one copy into the heap, none out of it
// (channel.send() takes a view of the heap and the browser copies it).
#pragma once

#include <cstdint>
#include <vector>

namespace rtcmc::dataplane {

class SlotPool {
public:
    // `count` slots of `slotBytes` each, the first at arena offset `firstOffset`.
    SlotPool(std::uint32_t count, std::uint32_t slotBytes, std::uint32_t firstOffset)
        : slotBytes_(slotBytes), firstOffset_(firstOffset) {
        free_.reserve(count);
        for (std::uint32_t slot = count; slot > 0; --slot) {
            free_.push_back(slot - 1);
        }
        inFlight_.reserve(count);
    }

    std::uint32_t available() const { return static_cast<std::uint32_t>(free_.size()); }
    bool empty() const { return free_.empty(); }

    // A free slot (the caller checked available()).
    std::uint32_t take() {
        const std::uint32_t slot = free_.back();
        free_.pop_back();
        return slot;
    }
    void release(std::uint32_t slot) { free_.push_back(slot); }
    // A slot whose packet is in a SendPacket command: the driver copies it out before it calls
    // again, so it is free from the next call on.
    void releaseAfterSend(std::uint32_t slot) { inFlight_.push_back(slot); }
    // A new call: what the driver sent is out of the heap.
    void startCall() {
        free_.insert(free_.end(), inFlight_.begin(), inFlight_.end());
        inFlight_.clear();
    }

    std::uint32_t offsetOf(std::uint32_t slot) const { return firstOffset_ + slot * slotBytes_; }

private:
    std::uint32_t slotBytes_;
    std::uint32_t firstOffset_;
    std::vector<std::uint32_t> free_;
    std::vector<std::uint32_t> inFlight_;
};

} // namespace rtcmc::dataplane
