// Pages that carry out their DataPlane's commands as web/data/ does, joined by in-memory data
// channels that behave like Chromium's where it matters: send() copies, bufferedAmount counts
// what is not delivered yet, delivery happens when the test says so (deliver()), and the
// sender hears bufferedamountlow when the buffer falls to its threshold.
#pragma once

#include "../transfer_test_support.hpp"
#include "dataplane/data_plane.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace rtcmc::dataplane::testing {

using Bytes = std::vector<std::uint8_t>;
using json = nlohmann::json;

struct Message {
    bool text = false;
    std::string frame; // a text frame
    Bytes packet;      // a binary packet
};

// One direction of a data channel.
struct Wire {
    std::string from;
    std::string to;
    bool open = false;
    double buffered = 0;
    double lowThreshold = 0;
    std::deque<Message> queue;
    std::size_t maxBuffered = 0;
};

class Net;

// What a page saw, in order: "frame:<job>", "start:<handle>", "sent:<handle>",
// "chunk:<handle>", "received:<handle>", "delivered:<handle>", notices by type...
struct Page {
    Page(Net& owner, std::string id, SendPolicy policy)
        : net(&owner), userid(std::move(id)), plane(policy) {}

    Net* net;
    std::string userid;
    DataPlane plane;
    std::map<std::string, PeerIndex> peerIndex;
    std::map<PeerIndex, std::string> peerOf;
    std::map<JobId, Bytes> sources;              // transfers' bytes, by job
    std::map<JobId, std::string> frames;         // text frames, by job
    std::map<Handle, std::deque<Command>> reads; // reads asked of the page's sources
    bool fillAtOnce = true;                      // answer reads as soon as they are asked
    std::vector<std::string> log;
    std::vector<json> notices;
    std::vector<JobId> released;
    std::map<Handle, std::map<std::uint32_t, Bytes>> chunks; // received payloads
    std::map<Handle, json> incoming;                         // incoming notices by handle
    std::map<std::string, std::vector<std::string>> framesFrom;
    std::vector<Handle> received;
    std::vector<Handle> delivered;
    const Room* room = nullptr;
    JobId nextJob = 1;

    std::vector<json> noticesOf(const std::string& type) const {
        std::vector<json> found;
        for (const json& entry : notices) {
            if (entry["type"] == type) {
                found.push_back(entry);
            }
        }
        return found;
    }
    std::size_t count(const std::string& entry) const {
        return static_cast<std::size_t>(std::count(log.begin(), log.end(), entry));
    }

    JobId sendFrame(const std::string& to, const std::string& text);
    JobId sendBytes(const std::string& to, transfer::TransferKind kind, const std::string& name,
                    Bytes bytes);
    // Answers every read asked so far (fillAtOnce does it after each call).
    void fillReads();
    // The bytes of an incoming transfer, in index order.
    Bytes assembled(Handle handle) const {
        Bytes all;
        for (const auto& entry : chunks.at(handle)) {
            all.insert(all.end(), entry.second.begin(), entry.second.end());
        }
        return all;
    }

    void syncBuffered();
    // Carries out the commands of the last call (and of the calls they lead to).
    void run(const Message* current = nullptr);
};

class Net {
public:
    explicit Net(SendPolicy policy = {}) : policy_(policy) {}

    Page& page(const std::string& userid) {
        auto& slot = pages_[userid];
        if (!slot) {
            slot = std::make_unique<Page>(*this, userid, policy_);
        }
        return *slot;
    }

    Wire& wire(const std::string& from, const std::string& to) {
        Wire& found = wires_[from + ">" + to];
        found.from = from;
        found.to = to;
        return found;
    }

    // Both pages get a data channel to each other (not open yet).
    void link(const std::string& a, const std::string& b) {
        attach(a, b);
        attach(b, a);
    }
    void attach(const std::string& self, const std::string& other) {
        Page& p = page(self);
        auto index = p.plane.attach(other);
        ASSERT_TRUE(index.ok());
        p.peerIndex[other] = index.value();
        p.peerOf[index.value()] = other;
    }
    // The channel between a and b opens on both ends (a's end first).
    void open(const std::string& a, const std::string& b) {
        openEnd(a, b);
        openEnd(b, a);
    }
    void openEnd(const std::string& self, const std::string& other) {
        wire(self, other).open = true;
        Page& p = page(self);
        p.syncBuffered();
        p.plane.channelOpened(p.peerIndex.at(other));
        p.run();
    }
    // The channel closes on both ends; what was in flight is lost.
    void close(const std::string& a, const std::string& b) {
        for (auto [self, other] : {std::make_pair(a, b), std::make_pair(b, a)}) {
            Wire& w = wire(self, other);
            w.open = false;
            w.queue.clear();
            w.buffered = 0;
            Page& p = page(self);
            p.plane.channelClosed(p.peerIndex.at(other));
            p.run();
        }
    }
    // The link is gone at `self` (the engine closed the peer).
    void detach(const std::string& self, const std::string& other) {
        Page& p = page(self);
        p.plane.detach(p.peerIndex.at(other));
        p.run();
        p.peerOf.erase(p.peerIndex.at(other));
        p.peerIndex.erase(other);
    }

    // Delivers up to `limit` messages, oldest first on each wire in turn; returns how many.
    std::size_t deliver(std::size_t limit = SIZE_MAX) {
        std::size_t delivered = 0;
        bool progress = true;
        while (progress && delivered < limit) {
            progress = false;
            for (auto& entry : wires_) {
                Wire& w = entry.second;
                if (w.queue.empty() || delivered >= limit) {
                    continue;
                }
                Message message = std::move(w.queue.front());
                w.queue.pop_front();
                const double size = message.text ? static_cast<double>(message.frame.size())
                                                 : static_cast<double>(message.packet.size());
                const double before = w.buffered;
                w.buffered -= size;
                receive(w.to, w.from, message);
                if (before > w.lowThreshold && w.buffered <= w.lowThreshold && w.open) {
                    Page& sender = page(w.from);
                    sender.syncBuffered();
                    sender.plane.pump(sender.peerIndex.at(w.to));
                    sender.run();
                }
                ++delivered;
                progress = true;
            }
        }
        return delivered;
    }

    void receive(const std::string& self, const std::string& from, const Message& message) {
        Page& p = page(self);
        if (message.text) {
            p.framesFrom[from].push_back(message.frame);
            return;
        }
        const auto peer = p.peerIndex.find(from);
        if (peer == p.peerIndex.end()) {
            return;
        }
        std::memcpy(p.plane.input(), message.packet.data(),
                    std::min(message.packet.size(), transfer::kMaxPacketBytes));
        p.syncBuffered();
        p.plane.receive(peer->second, static_cast<std::uint32_t>(message.packet.size()), p.room);
        p.run(&message);
    }

private:
    friend struct Page;
    SendPolicy policy_;
    std::map<std::string, std::unique_ptr<Page>> pages_;
    std::map<std::string, Wire> wires_;
};

inline JobId Page::sendFrame(const std::string& to, const std::string& text) {
    const JobId job = nextJob++;
    frames[job] = text;
    syncBuffered();
    plane.sendFrame(job, to, static_cast<std::uint32_t>(text.size()));
    run();
    return job;
}

inline JobId Page::sendBytes(const std::string& to, transfer::TransferKind kind,
                             const std::string& name, Bytes bytes) {
    const JobId job = nextJob++;
    TransferRequest request;
    request.kind = kind;
    request.name = name;
    request.type = kind == transfer::TransferKind::File ? "application/octet-stream" : "";
    request.size = bytes.size();
    sources[job] = std::move(bytes);
    syncBuffered();
    plane.sendTransfer(job, to, request);
    run();
    return job;
}

inline void Page::syncBuffered() {
    for (const auto& [index, other] : peerOf) {
        plane.bufferedAmounts()[index] = net->wire(userid, other).buffered;
    }
}

inline void Page::fillReads() {
    std::map<Handle, std::deque<Command>> asked = std::move(reads);
    reads.clear();
    for (auto& [handle, list] : asked) {
        std::uint32_t count = 0;
        for (const Command& read : list) {
            const Bytes& source = sources.at(read.job);
            std::memcpy(plane.arena() + read.offset,
                        source.data() + static_cast<std::size_t>(read.position), read.length);
            ++count;
        }
        if (count > 0) {
            syncBuffered();
            plane.filled(handle, count);
            run();
        }
    }
}

inline void Page::run(const Message* current) {
    // Copied: carrying out a command may lead to further calls, which start new lists.
    const std::vector<Command> commands = plane.commands();
    const std::string noticeText = plane.noticeText();
    for (const Command& command : commands) {
        switch (command.kind) {
        case CommandKind::SendPacket: {
            Wire& w = net->wire(userid, peerOf.at(command.peer));
            EXPECT_TRUE(w.open) << userid << " sent on a closed channel";
            Message message;
            message.packet.assign(plane.arena() + command.offset,
                                  plane.arena() + command.offset + command.length);
            w.buffered += command.length;
            w.maxBuffered = std::max(w.maxBuffered, static_cast<std::size_t>(w.buffered));
            w.queue.push_back(std::move(message));
            log.push_back("packet:" + std::to_string(command.handle));
            break;
        }
        case CommandKind::SendFrame: {
            Wire& w = net->wire(userid, peerOf.at(command.peer));
            EXPECT_TRUE(w.open) << userid << " sent a frame on a closed channel";
            Message message;
            message.text = true;
            message.frame = frames.at(command.job);
            w.buffered += static_cast<double>(message.frame.size());
            w.queue.push_back(std::move(message));
            log.push_back("frame:" + std::to_string(command.job) + ">" + peerOf.at(command.peer));
            break;
        }
        case CommandKind::ReadSource:
            reads[command.handle].push_back(command);
            break;
        case CommandKind::CloseSource:
            reads.erase(command.handle);
            log.push_back("close:" + std::to_string(command.handle));
            break;
        case CommandKind::ReleaseJob:
            released.push_back(command.job);
            break;
        case CommandKind::Sent:
            log.push_back("sent:" + std::to_string(command.handle));
            break;
        case CommandKind::Chunk: {
            EXPECT_NE(current, nullptr);
            const Bytes& packet = current->packet;
            chunks[command.handle][command.index] = Bytes(
                packet.begin() + command.offset, packet.begin() + command.offset + command.length);
            log.push_back("chunk:" + std::to_string(command.handle));
            break;
        }
        case CommandKind::Received:
            received.push_back(command.handle);
            log.push_back("received:" + std::to_string(command.handle));
            break;
        case CommandKind::Delivered:
            delivered.push_back(command.handle);
            log.push_back("delivered:" + std::to_string(command.handle));
            break;
        case CommandKind::Watch:
            net->wire(userid, peerOf.at(command.peer)).lowThreshold = command.length;
            break;
        case CommandKind::Notice: {
            json notice = json::parse(noticeText.substr(command.offset, command.length));
            if (notice["type"] == "incoming") {
                incoming[notice["handle"].get<Handle>()] = notice;
            }
            log.push_back("notice:" + notice["type"].get<std::string>());
            notices.push_back(std::move(notice));
            break;
        }
        }
    }
    if (fillAtOnce && !reads.empty()) {
        fillReads();
    }
}

} // namespace rtcmc::dataplane::testing
