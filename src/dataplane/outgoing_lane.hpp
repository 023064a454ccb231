// Everything this page sends to one peer: the text frames and transfers waiting for its data
// channel or being written to it, and the order they go in.
//
// Order: frames (short messages) go as soon as the channel is open; then small transfers (at
// most kSmallTransferBytes: long texts, objects, small files), oldest first, so that a message
// is never stuck behind a large file; large transfers share what is left chunk by chunk,
// round robin, so several files progress at once.
#pragma once

#include "dataplane/send_policy.hpp"
#include "transfer/metadata.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rtcmc::dataplane {

using PeerIndex = std::uint32_t;
using Handle = std::uint32_t; // one transfer, either direction; 0 is none
using JobId = std::uint32_t;  // one value the page sent (chosen by the driver)

// A chunk asked of the driver: its slot, and whether its bytes have arrived.
struct PendingRead {
    std::uint32_t slot = 0;
    std::uint32_t length = 0; // payload bytes
    bool filled = false;
};

struct OutgoingItem {
    enum class State : std::uint8_t {
        Queued,  // not started: no Start written yet
        Sending, // Start written; chunks being read and written
        Written, // End written; waiting for the receiver's Complete
    };

    Handle handle = 0;
    JobId job = 0;
    bool small = false;
    State state = State::Queued;
    // The job's (DataPlane::Job), which outlives the item: each item holds a reference to it.
    const transfer::TransferMetadata* metadata = nullptr;
    std::uint32_t transferId = 0;   // once started
    std::uint32_t nextRead = 0;     // chunk index of the next read to ask for
    std::uint32_t written = 0;      // chunks written
    std::vector<PendingRead> reads; // asked for, in chunk order (from readHead)
    std::size_t readHead = 0;

    bool hasReads() const { return readHead < reads.size(); }
    std::size_t readsPending() const { return reads.size() - readHead; }
    const PendingRead& firstRead() const { return reads[readHead]; }
    void popRead() {
        ++readHead;
        if (readHead == reads.size()) {
            reads.clear();
            readHead = 0;
        }
    }
};

class OutgoingLane {
public:
    explicit OutgoingLane(std::string userid) : userid_(std::move(userid)) {}

    const std::string& userid() const { return userid_; }

    // A data channel to this peer exists (open or opening): broadcasts count it in.
    bool attached = false;
    PeerIndex peer = 0;     // valid while attached
    bool open = false;      // the channel is open
    bool pumpAgain = false; // a pump stopped short of the window (the command list was full)

    std::vector<std::pair<JobId, std::uint32_t>> frames; // waiting for the channel: job, bytes
    std::vector<std::unique_ptr<OutgoingItem>> items;    // queued or being written, send order
    std::uint32_t sendingLarge = 0;                      // large ones started and not fully written
    // Transfers with this peer that the core's TransferManager holds open, with the plane's
    // handles: vectors searched in turn (a peer has at most kMaxOpenTransfers outgoing and 256
    // incoming ones), which cost the wasm far less code than maps with composite keys.
    struct Started {
        std::uint32_t transferId = 0;
        Handle handle = 0;
        JobId job = 0;
    };
    std::vector<Started> started; // outgoing, started and not settled (Written ones included)
    struct Incoming {
        std::uint32_t transferId = 0; // the sender's
        Handle handle = 0;
    };
    std::vector<Incoming> incoming;

    // The next item to write a packet of: small ones first, oldest first; then large ones in
    // turn. `smallOnly` when the buffer is over the window (only small ones may burst).
    OutgoingItem* pick(bool smallOnly);
    // Whether `item` has a packet to write now.
    bool ready(const OutgoingItem& item) const;
    // The item leaves the writing queue (its End is written, it failed, or the peer is gone).
    std::unique_ptr<OutgoingItem> remove(const OutgoingItem& item);
    OutgoingItem* find(Handle handle);
    Started* findStarted(std::uint32_t transferId);
    Incoming* findIncoming(std::uint32_t transferId);

private:
    std::string userid_;
    std::size_t turn_ = 0; // round-robin position among large transfers
};

} // namespace rtcmc::dataplane
