// The data plane: every decision about text and files on the data channels, sans-IO. The
// browser side (web/data/) opens channels, reports open, close and bufferedAmount, reads the
// bytes of the page's files when asked, and sends the bytes it is told to send; this class
// decides the rest:
//   - who gets what: a broadcast goes to every peer linked when it is sent (each once, whether
//     its channel is open yet or not), or, when none is linked yet, to every peer linked when
//     the first channel opens or the next send is made, ahead of what is sent later;
//   - when: what is sent before a peer's channel opens waits for it;
//   - in which order: short messages at once, then small transfers oldest first, then large
//     ones chunk by chunk in turn (OutgoingLane);
//   - at what pace: the send window on the channel's bufferedAmount (SendPolicy), with reads
//     of the page's files ahead of the channel into packet slots of the arena;
//   - what ends how: a peer that leaves or whose channel closes ends every transfer with it,
//     in both directions, with an error naming the file; what never started is reported too.
// Packets are cut, checked and counted by transfer::TransferManager.
//
// Calls and commands: each public call (except the queries) starts a new command list
// (commands()), which the driver carries out in order before it calls again. Bytes cross in
// one arena owned by the plane, which JS reaches through views of the wasm heap: a received
// packet is copied to input(), packets to send are read from it, file bytes are read into it.
// Nothing is allocated per packet on the hot path, and one call answers each browser event.
#pragma once

#include "common/result.hpp"
#include "dataplane/command.hpp"
#include "dataplane/outgoing_lane.hpp"
#include "dataplane/send_policy.hpp"
#include "dataplane/slot_pool.hpp"
#include "transfer/metadata.hpp"
#include "transfer/transfer_manager.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rtcmc {
class Room;
}

namespace rtcmc::dataplane {

// What the page asked to send as a transfer.
struct TransferRequest {
    transfer::TransferKind kind = transfer::TransferKind::File;
    std::string name;
    std::string type;
    std::uint64_t size = 0; // bytes
};

class DataPlane {
public:
    // Most commands one call writes; a pump that would pass it stops and asks for resume().
    static constexpr std::size_t kMaxCommands = 2048;

    explicit DataPlane(SendPolicy policy = {});
    DataPlane(const DataPlane&) = delete;
    DataPlane& operator=(const DataPlane&) = delete;

    const SendPolicy& policy() const { return policy_; }

    // ---- the arena and the command list (views for the driver)
    std::uint8_t* arena() { return arena_.data(); }
    std::size_t arenaSize() const { return arena_.size(); }
    // Where the driver copies a received packet before receive(): kMaxPacketBytes.
    std::uint8_t* input() { return arena_.data() + kInputOffset; }
    const std::vector<Command>& commands() const { return commands_; }
    const Command* commandData() const { return commands_.data(); }
    // Notices of this call: JSON objects, each at [offset, offset + length) of this text.
    const std::string& noticeText() const { return notices_; }
    // bufferedAmount of each attached peer's channel, by peer index: the driver writes them
    // before each call (the browser counts what it was given and has not sent yet).
    double* bufferedAmounts() { return buffered_.data(); }
    // Whether a pump stopped short because the command list was full: call resume().
    bool wantsResume() const;

    // ---- peers (the driver's reports)
    // A link that carries data (the engine made it; its channel may come later, and is not
    // open yet). Returns the peer's index, or an error when kMaxPeers are attached. A second
    // attach of the same userid keeps its index.
    Result<PeerIndex> attach(std::string_view userid);
    // The link is gone (the peer left or the connection closed): everything with it ends.
    void detach(PeerIndex peer);
    void channelOpened(PeerIndex peer);
    // Transfers under way with the peer end; what had not started waits for a channel again.
    void channelClosed(PeerIndex peer);
    // bufferedAmount fell to the low water mark (or the driver wants the lane pumped).
    void pump(PeerIndex peer);
    // Continues pumps that wantsResume().
    void resume();

    // ---- the page's sends; `to` "" is every peer. `job` is the driver's id for the value.
    void sendFrame(JobId job, std::string_view to, std::uint32_t bytes);
    void sendTransfer(JobId job, std::string_view to, const TransferRequest& request);

    // ---- the page's sources
    // The next `count` reads asked of `handle` hold their bytes.
    void filled(Handle handle, std::uint32_t count);
    // The source cannot give the bytes asked for: the transfer ends (FileReadFailed), the
    // receiver is told (Abort).
    void readFailed(Handle handle, std::string_view reason);
    // channel.send() threw on an open channel: the transfer of that packet ends (SendFailed).
    void sendFailed(Handle handle, std::string_view reason);

    // ---- packets: the driver copied `length` bytes to input(). `room` (may be null) gives
    // the sender's extra to the notices of transfers it starts.
    void receive(PeerIndex peer, std::uint32_t length, const Room* room);

    // ---- leave(): every transfer and job ends with an error saying this page left.
    void release();

    // ---- queries
    const transfer::TransferManager& transfers() const { return manager_; }
    std::size_t queuedJobs() const { return jobs_.size(); }
    // The JSON text of the member's extra as `room` knows it ("{}" when unknown).
    static std::string_view extraOf(const Room* room, std::string_view userid);

private:
    struct Job {
        std::uint32_t references = 0; // items and frames that still use the value
        bool frame = false;
        std::uint32_t frameBytes = 0;
        // Of a transfer, as every recipient gets it (kind, name and size as the page asked when
        // the core refused it).
        transfer::TransferMetadata metadata;
    };

    static constexpr std::uint32_t kInputOffset = 0;
    static constexpr std::uint32_t kControlOffset = transfer::kMaxPacketBytes;
    // Start, End, Abort, Complete, Failed and Cancel packets of one call; a pump stops when
    // the next Start might not fit.
    static constexpr std::uint32_t kControlBytes = 64 * 1024;
    static constexpr std::uint32_t kSlotsOffset = kControlOffset + kControlBytes;

    void beginCall();
    void endCall();
    Command& emit(CommandKind kind);
    void notice(const std::string& json);
    bool commandsNearlyFull() const { return commands_.size() + 16 > kMaxCommands; }
    // Reserves `bytes` of the control area; nullopt when this call used it up.
    std::optional<std::uint32_t> reserveControl(std::uint32_t bytes);
    transfer::MutableBytes controlAt(std::uint32_t offset, std::uint32_t bytes);

    OutgoingLane& laneFor(std::string_view userid);
    OutgoingLane* attachedLane(PeerIndex peer);
    void distribute(JobId job, std::string_view to);
    // `ahead`: before what is queued and not started yet.
    void enqueue(OutgoingLane& lane, JobId job, bool ahead = false);
    void distributeEarly();
    void addReference(JobId job);
    void dropReference(JobId job);
    Text describeJob(JobId job) const;

    void pumpLane(OutgoingLane& lane);
    // Writes and sends one packet of `item`; returns the bytes handed to the channel.
    std::uint32_t step(OutgoingLane& lane, OutgoingItem& item);
    std::uint32_t startItem(OutgoingLane& lane, OutgoingItem& item);
    std::uint32_t writeChunk(OutgoingLane& lane, OutgoingItem& item);
    std::uint32_t writeEnd(OutgoingLane& lane, OutgoingItem& item);
    // Asks the driver for the item's next chunk, into a free slot.
    void askRead(OutgoingItem& item);
    // Reads ahead of the channel for every transfer being written (at the end of each call).
    void topUpAllReads();
    // The item leaves its lane: slots back, source closed. Returns it.
    std::unique_ptr<OutgoingItem> retire(OutgoingLane& lane, const OutgoingItem& item);
    // A started outgoing transfer is settled (delivered, failed, aborted): room for the next.
    void settle(OutgoingLane& lane, std::uint32_t transferId);
    // A SendPacket of arena bytes [offset, offset + length) to the lane's peer.
    void sendPacket(const OutgoingLane& lane, Handle handle, std::uint32_t offset,
                    std::uint32_t length);
    void endOutgoing(OutgoingLane& lane, OutgoingItem& item, const Error& error, bool tellReceiver);
    void noticeEnded(Handle handle, bool sending, const Error& error);
    void noticeNotSent(JobId job, std::string_view userid, const Error& error);
    // Ends every started transfer with the peer (both directions), as peerGone says.
    void endTransfersWith(OutgoingLane& lane);
    void outgoingUpdate(OutgoingLane& lane, const transfer::TransferUpdate& update);
    void incomingUpdate(OutgoingLane& lane, const transfer::TransferUpdate& update,
                        const Room* room);

    SendPolicy policy_;
    std::vector<std::uint8_t> arena_;
    SlotPool slots_;
    std::uint32_t controlUsed_ = 0;
    std::vector<Command> commands_;
    std::string notices_;
    std::vector<double> buffered_;

    transfer::TransferManager manager_;
    std::vector<std::unique_ptr<OutgoingLane>> lanes_; // in the order they were made
    std::vector<OutgoingLane*> peers_;                 // by peer index; null when free
    std::map<JobId, Job> jobs_;
    std::vector<JobId> forAnyone_; // sent to everyone while no peer had a data channel
    Handle nextHandle_ = 1;
};

} // namespace rtcmc::dataplane
