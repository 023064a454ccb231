#include "dataplane/data_plane.hpp"

#include "common/json_text.hpp"
#include "common/utf8.hpp"
#include "room/room.hpp"

#include <algorithm>

namespace rtcmc::dataplane {

using transfer::ConstBytes;
using transfer::kMaxMetadataBytes;
using transfer::kMaxPacketBytes;
using transfer::kMaxReasonBytes;
using transfer::kMaxReplyPacketBytes;
using transfer::kPacketHeaderBytes;
using transfer::MutableBytes;
using transfer::TransferDirection;
using transfer::TransferEvent;
using transfer::TransferUpdate;

namespace {

constexpr std::uint32_t kStartPacketBytes = kPacketHeaderBytes + kMaxMetadataBytes;
constexpr std::uint32_t kEndPacketBytes = kPacketHeaderBytes + transfer::kChecksumBytes;
constexpr std::uint32_t kAbortPacketBytes = kPacketHeaderBytes + kMaxReasonBytes;

SendPolicy checked(SendPolicy policy) {
    policy.chunkSize =
        std::clamp(policy.chunkSize, transfer::kMinChunkSize, transfer::kMaxChunkSize);
    policy.lowWater = std::min(policy.lowWater, policy.highWater);
    return policy;
}

// The words put in an Abort (the manager cuts them to kMaxReasonBytes on a character
// boundary); text that is not UTF-8 is left out rather than keeping the transfer open.
std::string_view abortReason(std::string_view reason) {
    return isValidUtf8(reason) ? reason : std::string_view();
}

// A notice's JSON object, written field by field into one string: building nlohmann objects
// at each notice site cost the wasm several KB of inlined code for a handful of fields.
class NoticeWriter {
public:
    explicit NoticeWriter(const char* type) {
        text_ = "{\"type\":\"";
        text_ += type;
        text_ += '"';
    }
    NoticeWriter& number(const char* key, std::uint64_t value) {
        appendDecimal(this->key(key), value);
        return *this;
    }
    NoticeWriter& flag(const char* key, bool value) { return raw(key, value ? "true" : "false"); }
    // `value` is UTF-8 (names and userids are validated before they get here).
    NoticeWriter& string(const char* key, std::string_view value) {
        appendJsonString(this->key(key), value);
        return *this;
    }
    // `value` is JSON text already.
    NoticeWriter& raw(const char* key, std::string_view value) {
        this->key(key) += value;
        return *this;
    }
    NoticeWriter& error(const Error& error, const Text& words) {
        string("code", errorCodeName(error.code));
        words.appendJson(this->key("text"));
        return *this;
    }
    std::string done() {
        text_ += '}';
        return std::move(text_);
    }

private:
    std::string& key(const char* key) {
        text_ += ",\"";
        text_ += key;
        text_ += "\":";
        return text_;
    }

    std::string text_;
};

} // namespace

DataPlane::DataPlane(SendPolicy policy)
    : policy_(checked(policy)),
      arena_(kSlotsOffset + kSlotCount * (kPacketHeaderBytes + policy_.chunkSize)),
      slots_(kSlotCount, kPacketHeaderBytes + policy_.chunkSize, kSlotsOffset),
      buffered_(kMaxPeers, 0.0) {
    commands_.reserve(kMaxCommands);
}

// ---- calls and commands

void DataPlane::beginCall() {
    commands_.clear();
    notices_.clear();
    controlUsed_ = 0;
    slots_.startCall();
}

void DataPlane::endCall() {
    topUpAllReads();
}

Command& DataPlane::emit(CommandKind kind) {
    Command command;
    command.kind = kind;
    commands_.push_back(command);
    return commands_.back();
}

void DataPlane::notice(const std::string& text) {
    Command& command = emit(CommandKind::Notice);
    command.offset = static_cast<std::uint32_t>(notices_.size());
    command.length = static_cast<std::uint32_t>(text.size());
    notices_ += text;
}

std::optional<std::uint32_t> DataPlane::reserveControl(std::uint32_t bytes) {
    if (controlUsed_ + bytes > kControlBytes) {
        return std::nullopt;
    }
    const std::uint32_t offset = kControlOffset + controlUsed_;
    controlUsed_ += bytes;
    return offset;
}

MutableBytes DataPlane::controlAt(std::uint32_t offset, std::uint32_t bytes) {
    return MutableBytes(arena_.data() + offset, bytes);
}

bool DataPlane::wantsResume() const {
    for (const auto& lane : lanes_) {
        if (lane->pumpAgain) {
            return true;
        }
    }
    return false;
}

void DataPlane::sendPacket(const OutgoingLane& lane, Handle handle, std::uint32_t offset,
                           std::uint32_t length) {
    Command& send = emit(CommandKind::SendPacket);
    send.peer = lane.peer;
    send.handle = handle;
    send.offset = offset;
    send.length = length;
}

// ---- peers

OutgoingLane& DataPlane::laneFor(std::string_view userid) {
    for (const auto& lane : lanes_) {
        if (lane->userid() == userid) {
            return *lane;
        }
    }
    lanes_.push_back(std::make_unique<OutgoingLane>(std::string(userid)));
    return *lanes_.back();
}

OutgoingLane* DataPlane::attachedLane(PeerIndex peer) {
    return peer < peers_.size() ? peers_[peer] : nullptr;
}

Result<PeerIndex> DataPlane::attach(std::string_view userid) {
    OutgoingLane& lane = laneFor(userid);
    if (lane.attached) {
        return lane.peer;
    }
    auto freeSlot = std::find(peers_.begin(), peers_.end(), nullptr);
    PeerIndex index = static_cast<PeerIndex>(freeSlot - peers_.begin());
    if (freeSlot == peers_.end()) {
        if (peers_.size() >= kMaxPeers) {
            return makeError(ErrorCode::InvalidState, {TextId::TooManyDataPeers, {kMaxPeers}});
        }
        peers_.push_back(nullptr);
    }
    peers_[index] = &lane;
    buffered_[index] = 0;
    lane.attached = true;
    lane.peer = index;
    return index;
}

void DataPlane::detach(PeerIndex peer) {
    beginCall();
    OutgoingLane* lane = attachedLane(peer);
    if (lane != nullptr) {
        const std::string userid = lane->userid();
        endTransfersWith(*lane);
        // What never started: every transfer is reported, frames go with the peer.
        for (const auto& item : lane->items) {
            noticeNotSent(
                item->job, userid,
                makeError(ErrorCode::TransferAborted,
                          describeJob(item->job).then({TextId::NotSentPeerLeft, {userid}})));
        }
        std::vector<JobId> released;
        for (const auto& item : lane->items) {
            released.push_back(item->job);
        }
        for (const auto& frame : lane->frames) {
            released.push_back(frame.first);
        }
        peers_[peer] = nullptr;
        for (auto at = lanes_.begin(); at != lanes_.end(); ++at) {
            if (at->get() == lane) {
                lanes_.erase(at);
                break;
            }
        }
        for (JobId job : released) {
            dropReference(job);
        }
    }
    endCall();
}

void DataPlane::channelOpened(PeerIndex peer) {
    beginCall();
    OutgoingLane* lane = attachedLane(peer);
    if (lane != nullptr && !lane->open) {
        lane->open = true;
        Command& watch = emit(CommandKind::Watch);
        watch.peer = peer;
        watch.length = policy_.lowWater;
        distributeEarly();
        pumpLane(*lane);
    }
    endCall();
}

void DataPlane::channelClosed(PeerIndex peer) {
    beginCall();
    OutgoingLane* lane = attachedLane(peer);
    if (lane != nullptr) {
        lane->open = false;
        endTransfersWith(*lane);
    }
    endCall();
}

void DataPlane::pump(PeerIndex peer) {
    beginCall();
    if (OutgoingLane* lane = attachedLane(peer)) {
        pumpLane(*lane);
    }
    endCall();
}

void DataPlane::resume() {
    beginCall();
    for (const auto& lane : lanes_) {
        if (lane->pumpAgain) {
            pumpLane(*lane);
        }
    }
    endCall();
}

// ---- jobs

void DataPlane::addReference(JobId job) {
    ++jobs_[job].references;
}

void DataPlane::dropReference(JobId job) {
    auto found = jobs_.find(job);
    if (found == jobs_.end()) {
        return;
    }
    if (found->second.references > 1) {
        --found->second.references;
        return;
    }
    jobs_.erase(found);
    emit(CommandKind::ReleaseJob).job = job;
}

Text DataPlane::describeJob(JobId job) const {
    const auto found = jobs_.find(job);
    if (found == jobs_.end() || found->second.frame) {
        return Text(TextId::JobMessage,
                    {"text", found == jobs_.end() ? 0 : found->second.frameBytes});
    }
    const transfer::TransferMetadata& request = found->second.metadata;
    if (request.kind == transfer::TransferKind::File) {
        return Text(TextId::JobFile, {request.name});
    }
    return Text(TextId::JobMessage, {transfer::transferKindName(request.kind), request.size});
}

void DataPlane::enqueue(OutgoingLane& lane, JobId job, bool ahead) {
    Job& record = jobs_.find(job)->second; // every job enqueued is recorded first
    if (record.frame) {
        lane.frames.insert(ahead ? lane.frames.begin() : lane.frames.end(),
                           std::make_pair(job, record.frameBytes));
    } else {
        auto item = std::make_unique<OutgoingItem>();
        item->handle = nextHandle_++;
        item->job = job;
        item->small = record.metadata.size <= kSmallTransferBytes;
        item->metadata = &record.metadata; // validated once by sendTransfer(); kept by the job
        auto at = lane.items.end();
        if (ahead) {
            at = std::find_if(lane.items.begin(), lane.items.end(), [](const auto& queued) {
                return queued->state == OutgoingItem::State::Queued;
            });
        }
        lane.items.insert(at, std::move(item));
    }
    ++record.references;
}

// What was sent to everyone while no peer was linked goes, once the first peer is (at its
// channel's opening or at the next send, whichever comes first), to every peer linked by then:
// ahead of what was queued for them since, in the order it was sent.
void DataPlane::distributeEarly() {
    if (forAnyone_.empty() ||
        std::none_of(peers_.begin(), peers_.end(), [](auto* lane) { return lane != nullptr; })) {
        return;
    }
    const std::vector<JobId> waiting = std::move(forAnyone_);
    forAnyone_.clear();
    for (OutgoingLane* lane : peers_) {
        if (lane == nullptr) {
            continue;
        }
        // Inserted ahead one by one from the newest: the oldest ends up first.
        for (auto job = waiting.rbegin(); job != waiting.rend(); ++job) {
            enqueue(*lane, *job, true);
        }
    }
    for (JobId job : waiting) {
        dropReference(job); // the reference the waiting list held
    }
    for (OutgoingLane* lane : peers_) {
        if (lane != nullptr) {
            pumpLane(*lane);
        }
    }
}

// Who gets a job sent to `to`: that peer (whether or not it is linked yet), or every peer
// linked now, each once, at once where its channel is open and when it opens otherwise. With
// no peer linked, the job waits (distributeEarly).
void DataPlane::distribute(JobId job, std::string_view to) {
    distributeEarly();
    std::vector<OutgoingLane*> recipients;
    if (!to.empty()) {
        recipients.push_back(&laneFor(to));
    } else {
        for (OutgoingLane* lane : peers_) {
            if (lane != nullptr) {
                recipients.push_back(lane);
            }
        }
    }
    if (recipients.empty()) {
        forAnyone_.push_back(job);
        addReference(job);
        return;
    }
    for (OutgoingLane* lane : recipients) {
        enqueue(*lane, job);
    }
    for (OutgoingLane* lane : recipients) {
        pumpLane(*lane);
    }
}

void DataPlane::sendFrame(JobId job, std::string_view to, std::uint32_t bytes) {
    beginCall();
    Job& record = jobs_[job];
    record.frame = true;
    record.frameBytes = bytes;
    distribute(job, to);
    endCall();
}

void DataPlane::sendTransfer(JobId job, std::string_view to, const TransferRequest& request) {
    beginCall();
    auto metadata = transfer::describeTransfer(request.kind, request.name, request.type,
                                               request.size, policy_.chunkSize);
    if (!metadata) {
        transfer::TransferMetadata& asked = jobs_[job].metadata;
        asked.kind = request.kind;
        asked.name = request.name;
        asked.size = request.size;
        noticeNotSent(
            job, to,
            makeError(
                metadata.error().code,
                describeJob(job).then({TextId::NotSentRefused, {to}}).then(metadata.error().text)));
        jobs_.erase(job);
        emit(CommandKind::ReleaseJob).job = job;
        endCall();
        return;
    }
    jobs_[job].metadata = std::move(metadata.value());
    distribute(job, to);
    endCall();
}

// ---- writing

void DataPlane::pumpLane(OutgoingLane& lane) {
    if (!lane.attached || !lane.open) {
        return;
    }
    lane.pumpAgain = false;
    double buffered = buffered_[lane.peer];
    // Short messages go at once: they are small, and the page expects them to overtake files.
    for (const auto& [job, bytes] : lane.frames) {
        Command& command = emit(CommandKind::SendFrame);
        command.peer = lane.peer;
        command.job = job;
        buffered += bytes;
    }
    std::vector<std::pair<JobId, std::uint32_t>> sent = std::move(lane.frames);
    lane.frames.clear();
    for (const auto& frame : sent) {
        dropReference(frame.first);
    }
    while (true) {
        if (commandsNearlyFull() || controlUsed_ + kStartPacketBytes > kControlBytes) {
            lane.pumpAgain = true;
            break;
        }
        if (buffered > static_cast<double>(kSmallBurstBytes)) {
            break;
        }
        OutgoingItem* item = lane.pick(buffered > policy_.highWater);
        if (item == nullptr) {
            break;
        }
        buffered += step(lane, *item);
    }
    buffered_[lane.peer] = buffered;
}

std::uint32_t DataPlane::step(OutgoingLane& lane, OutgoingItem& item) {
    if (item.state == OutgoingItem::State::Queued) {
        return startItem(lane, item);
    }
    if (item.written == item.metadata->count) {
        return writeEnd(lane, item);
    }
    return writeChunk(lane, item);
}

std::uint32_t DataPlane::startItem(OutgoingLane& lane, OutgoingItem& item) {
    const std::uint32_t offset = *reserveControl(kStartPacketBytes); // checked by pumpLane
    auto started =
        manager_.startOutgoing(lane.userid(), *item.metadata, controlAt(offset, kStartPacketBytes));
    if (!started) {
        controlUsed_ -= kStartPacketBytes;
        const JobId job = item.job;
        const std::string userid = lane.userid();
        lane.remove(item);
        noticeNotSent(job, userid,
                      makeError(started.error().code, describeJob(job)
                                                          .then({TextId::NotSentRefused, {userid}})
                                                          .then(started.error().text)));
        dropReference(job);
        return 0;
    }
    const TransferUpdate& update = started.value();
    controlUsed_ -= kStartPacketBytes - update.packetLength;
    item.state = OutgoingItem::State::Sending;
    item.transferId = update.transferId;
    if (!item.small) {
        ++lane.sendingLarge;
    }
    lane.started.push_back({item.transferId, item.handle, item.job});
    sendPacket(lane, item.handle, offset, update.packetLength);
    notice(NoticeWriter("started")
               .number("handle", item.handle)
               .number("job", item.job)
               .string("userid", lane.userid())
               .number("transferId", item.transferId)
               .number("count", item.metadata->count)
               .done());
    return update.packetLength;
}

std::uint32_t DataPlane::writeChunk(OutgoingLane& lane, OutgoingItem& item) {
    const PendingRead read = item.firstRead();
    item.popRead();
    const std::uint32_t offset = slots_.offsetOf(read.slot);
    std::uint8_t* packet = arena_.data() + offset;
    // The payload is already behind the header's place: the core hashes it where it lies.
    auto written =
        manager_.writeChunk(item.transferId, ConstBytes(packet + kPacketHeaderBytes, read.length),
                            MutableBytes(packet, kPacketHeaderBytes + read.length));
    if (!written) {
        slots_.release(read.slot);
        endOutgoing(lane, item, written.error(), true);
        return 0;
    }
    const TransferUpdate& update = written.value();
    slots_.releaseAfterSend(read.slot);
    ++item.written;
    sendPacket(lane, item.handle, offset, update.packetLength);
    Command& progress = emit(CommandKind::Sent);
    progress.handle = item.handle;
    progress.count = update.progress.sent;
    progress.position = static_cast<double>(update.progress.bytesDone);
    return update.packetLength;
}

std::uint32_t DataPlane::writeEnd(OutgoingLane& lane, OutgoingItem& item) {
    const std::uint32_t offset = *reserveControl(kEndPacketBytes);
    auto written = manager_.writeEnd(item.transferId, controlAt(offset, kEndPacketBytes));
    if (!written) {
        endOutgoing(lane, item, written.error(), true);
        return 0;
    }
    const std::uint32_t length = written.value().packetLength;
    sendPacket(lane, item.handle, offset, length);
    retire(lane, item); // written: it waits for the receiver's Complete in lane.started
    return length;
}

void DataPlane::askRead(OutgoingItem& item) {
    const std::uint32_t slot = slots_.take();
    const std::uint32_t length = transfer::chunkLengthAt(*item.metadata, item.nextRead);
    Command& read = emit(CommandKind::ReadSource);
    read.handle = item.handle;
    read.job = item.job;
    read.offset = slots_.offsetOf(slot) + kPacketHeaderBytes;
    read.length = length;
    read.position = static_cast<double>(transfer::chunkOffsetAt(*item.metadata, item.nextRead));
    item.reads.push_back(PendingRead{slot, length, false});
    ++item.nextRead;
}

// Free slots go one at a time to the transfer with the fewest reads ahead, so that every
// transfer being written keeps reading (the first ones would otherwise hold every slot).
void DataPlane::topUpAllReads() {
    while (!slots_.empty() && !commandsNearlyFull()) {
        OutgoingItem* neediest = nullptr;
        for (const auto& lane : lanes_) {
            for (const auto& item : lane->items) {
                if (item->state != OutgoingItem::State::Sending ||
                    item->nextRead >= item->metadata->count ||
                    item->readsPending() >= kReadAheadChunks) {
                    continue;
                }
                if (neediest == nullptr || item->readsPending() < neediest->readsPending()) {
                    neediest = item.get();
                }
            }
        }
        if (neediest == nullptr) {
            return;
        }
        askRead(*neediest);
    }
}

std::unique_ptr<OutgoingItem> DataPlane::retire(OutgoingLane& lane, const OutgoingItem& item) {
    for (std::size_t at = item.readHead; at < item.reads.size(); ++at) {
        // Unfilled reads too: CloseSource comes first in the command list, so the driver
        // writes nothing more into these slots.
        slots_.release(item.reads[at].slot);
    }
    if (item.state != OutgoingItem::State::Queued) {
        emit(CommandKind::CloseSource).handle = item.handle;
    }
    return lane.remove(item);
}

void DataPlane::settle(OutgoingLane& lane, std::uint32_t transferId) {
    OutgoingLane::Started* found = lane.findStarted(transferId);
    if (found == nullptr) {
        return;
    }
    const JobId job = found->job;
    lane.started.erase(lane.started.begin() + (found - lane.started.data()));
    dropReference(job);
}

void DataPlane::endOutgoing(OutgoingLane& lane, OutgoingItem& item, const Error& error,
                            bool tellReceiver) {
    const std::uint32_t transferId = item.transferId;
    const Handle handle = item.handle;
    // The core forgets the transfer either way; the Abort is sent only on an open channel.
    // The reason on the wire is for people: the last argument of the error's words (the
    // browser's own reason for a read or send that failed).
    std::string reason;
    error.text.forEachPart([&](TextId, const std::vector<std::string_view>& args) {
        if (!args.empty()) {
            reason = std::string(args.back());
        }
    });
    const std::optional<std::uint32_t> offset = reserveControl(kAbortPacketBytes);
    std::uint8_t scratch[kAbortPacketBytes];
    const MutableBytes out =
        offset ? controlAt(*offset, kAbortPacketBytes) : MutableBytes(scratch, sizeof scratch);
    auto aborted = manager_.abortOutgoing(transferId, abortReason(reason), out);
    if (offset) {
        const std::uint32_t length = aborted ? aborted.value().packetLength : 0;
        controlUsed_ -= kAbortPacketBytes - length;
        if (tellReceiver && lane.open && length > 0) {
            sendPacket(lane, 0, *offset, length);
        }
    }
    retire(lane, item);
    noticeEnded(handle, true, error);
    settle(lane, transferId);
}

void DataPlane::readFailed(Handle handle, std::string_view reason) {
    beginCall();
    for (const auto& lane : lanes_) {
        OutgoingItem* item = lane->find(handle);
        if (item != nullptr && item->state == OutgoingItem::State::Sending) {
            endOutgoing(
                *lane, *item,
                makeError(ErrorCode::FileReadFailed,
                          describeJob(item->job).then({TextId::SourceUnreadable, {reason}})),
                true);
            pumpLane(*lane);
            break;
        }
    }
    endCall();
}

void DataPlane::sendFailed(Handle handle, std::string_view reason) {
    beginCall();
    for (const auto& lane : lanes_) {
        OutgoingItem* item = lane->find(handle);
        if (item != nullptr && item->state == OutgoingItem::State::Sending) {
            const std::string userid = lane->userid();
            endOutgoing(
                *lane, *item,
                makeError(ErrorCode::SendFailed,
                          describeJob(item->job).then({TextId::SendingFailed, {userid, reason}})),
                true);
            break;
        }
    }
    endCall();
}

void DataPlane::filled(Handle handle, std::uint32_t count) {
    beginCall();
    for (const auto& lane : lanes_) {
        OutgoingItem* item = lane->find(handle);
        if (item == nullptr) {
            continue;
        }
        for (std::size_t at = item->readHead; at < item->reads.size() && count > 0; ++at) {
            if (!item->reads[at].filled) {
                item->reads[at].filled = true;
                --count;
            }
        }
        pumpLane(*lane);
        break;
    }
    endCall();
}

// ---- notices

void DataPlane::noticeEnded(Handle handle, bool sending, const Error& error) {
    notice(NoticeWriter("ended")
               .number("handle", handle)
               .flag("sending", sending)
               .error(error, error.text)
               .done());
}

void DataPlane::noticeNotSent(JobId job, std::string_view userid, const Error& error) {
    notice(NoticeWriter("not-sent")
               .number("job", job)
               .string("userid", userid)
               .error(error, error.text)
               .done());
}

void DataPlane::endTransfersWith(OutgoingLane& lane) {
    for (const TransferUpdate& update : manager_.peerGone(lane.userid())) {
        const Error& error = *update.error;
        if (update.direction == TransferDirection::Outgoing) {
            const OutgoingLane::Started* found = lane.findStarted(update.transferId);
            if (found == nullptr) {
                continue;
            }
            const Handle handle = found->handle;
            if (OutgoingItem* item = lane.find(handle)) {
                retire(lane, *item);
            }
            noticeEnded(handle, true, error);
            settle(lane, update.transferId);
        } else {
            OutgoingLane::Incoming* found = lane.findIncoming(update.transferId);
            if (found == nullptr) {
                continue;
            }
            noticeEnded(found->handle, false, error);
            lane.incoming.erase(lane.incoming.begin() + (found - lane.incoming.data()));
        }
    }
}

// ---- receiving

std::string_view DataPlane::extraOf(const Room* room, std::string_view userid) {
    const Member* member = room != nullptr ? room->find(std::string(userid)) : nullptr;
    return member != nullptr && !member->extra.empty() ? std::string_view(member->extra)
                                                       : std::string_view("{}");
}

void DataPlane::receive(PeerIndex peer, std::uint32_t length, const Room* room) {
    beginCall();
    OutgoingLane* lane = attachedLane(peer);
    if (lane == nullptr) {
        endCall();
        return;
    }
    const std::string& userid = lane->userid();
    const std::uint32_t offset = *reserveControl(kMaxReplyPacketBytes); // empty at a call's start
    // The error of a packet too long is made only for one (not for every packet received).
    const Result<TransferUpdate> received =
        length <= kMaxPacketBytes
            ? manager_.receive(userid, ConstBytes(input(), length),
                               controlAt(offset, kMaxReplyPacketBytes))
            : makeError(ErrorCode::InvalidArgument,
                        {TextId::TooLongFor, {"a packet", length, kMaxPacketBytes}});
    if (!received) {
        controlUsed_ = 0;
        notice(NoticeWriter("refused")
                   .string("userid", userid)
                   .error(received.error(),
                          Text(TextId::PacketRefusedFrom, {userid}).then(received.error().text))
                   .done());
        endCall();
        return;
    }
    const TransferUpdate& update = received.value();
    controlUsed_ = update.packetLength;
    if (update.packetLength > 0) {
        // A reply (Complete or Failed): it goes before anything else.
        sendPacket(*lane, 0, offset, update.packetLength);
    }
    if (update.direction == TransferDirection::Outgoing) {
        outgoingUpdate(*lane, update);
    } else {
        incomingUpdate(*lane, update, room);
    }
    pumpLane(*lane);
    endCall();
}

void DataPlane::outgoingUpdate(OutgoingLane& lane, const TransferUpdate& update) {
    const OutgoingLane::Started* found = lane.findStarted(update.transferId);
    if (found == nullptr) {
        return;
    }
    const Handle handle = found->handle;
    if (update.event == TransferEvent::Delivered) {
        emit(CommandKind::Delivered).handle = handle;
        settle(lane, update.transferId);
        return;
    }
    if (update.event == TransferEvent::Failed || update.event == TransferEvent::Aborted) {
        // The receiver gave up (Cancel) or could not verify (Failed); it may still be writing.
        if (OutgoingItem* item = lane.find(handle)) {
            retire(lane, *item);
        }
        noticeEnded(handle, true, *update.error);
        settle(lane, update.transferId);
    }
}

void DataPlane::incomingUpdate(OutgoingLane& lane, const TransferUpdate& update, const Room* room) {
    const std::string& userid = lane.userid();
    if (update.event == TransferEvent::Started) {
        const Handle handle = nextHandle_++;
        lane.incoming.push_back({update.transferId, handle});
        const transfer::TransferMetadata metadata =
            manager_.incomingMetadata(userid, update.transferId).value();
        // The sender's extra as the room knows it, as it is (JSON text the room validated).
        notice(NoticeWriter("incoming")
                   .number("handle", handle)
                   .string("userid", userid)
                   .number("transferId", update.transferId)
                   .string("kind", transfer::transferKindName(metadata.kind))
                   .string("name", metadata.name)
                   .string("mime", metadata.type)
                   .number("size", metadata.size)
                   .number("count", metadata.count)
                   .raw("extra", extraOf(room, userid))
                   .done());
        return;
    }
    OutgoingLane::Incoming* found = lane.findIncoming(update.transferId);
    if (found == nullptr) {
        return;
    }
    const Handle handle = found->handle;
    if (update.payloadLength > 0) {
        Command& chunk = emit(CommandKind::Chunk);
        chunk.peer = lane.peer;
        chunk.handle = handle;
        chunk.index = update.index;
        chunk.offset = update.payloadOffset;
        chunk.length = update.payloadLength;
        chunk.count = update.progress.received;
        chunk.position = static_cast<double>(update.progress.bytesDone);
    }
    if (update.event == TransferEvent::Received) {
        emit(CommandKind::Received).handle = handle;
    } else if (update.event == TransferEvent::Failed || update.event == TransferEvent::Aborted) {
        noticeEnded(handle, false, *update.error);
    } else {
        return;
    }
    lane.incoming.erase(lane.incoming.begin() + (found - lane.incoming.data()));
}

// ---- leaving

void DataPlane::release() {
    beginCall();
    // Started outgoing transfers, then incoming ones, then what never started, peer by peer.
    for (const auto& lane : lanes_) {
        const std::string& userid = lane->userid();
        for (const OutgoingLane::Started& record : lane->started) {
            noticeEnded(record.handle, true,
                        makeError(ErrorCode::TransferAborted,
                                  {TextId::StoppedPageLeftTo,
                                   {record.transferId, jobs_[record.job].metadata.name, userid}}));
            emit(CommandKind::CloseSource).handle = record.handle;
        }
        for (const OutgoingLane::Incoming& record : lane->incoming) {
            auto metadata = manager_.incomingMetadata(userid, record.transferId);
            noticeEnded(
                record.handle, false,
                makeError(ErrorCode::TransferAborted,
                          {TextId::StoppedPageLeftFrom,
                           {record.transferId, metadata ? metadata.value().name : "", userid}}));
        }
        for (const auto& item : lane->items) {
            if (item->state == OutgoingItem::State::Queued) {
                noticeNotSent(
                    item->job, userid,
                    makeError(ErrorCode::TransferAborted,
                              describeJob(item->job).then({TextId::NotSentPageLeft, {userid}})));
            }
        }
    }
    for (JobId job : forAnyone_) {
        if (!jobs_[job].frame) {
            noticeNotSent(job, "",
                          makeError(ErrorCode::TransferAborted,
                                    describeJob(job).then(Text(TextId::NotSentNobody))));
        }
    }
    for (const auto& entry : jobs_) {
        emit(CommandKind::ReleaseJob).job = entry.first;
    }
    jobs_.clear();
    forAnyone_.clear();
    peers_.clear();
    lanes_.clear();
    manager_ = transfer::TransferManager();
    slots_ = SlotPool(kSlotCount, kPacketHeaderBytes + policy_.chunkSize, kSlotsOffset);
}

} // namespace rtcmc::dataplane
