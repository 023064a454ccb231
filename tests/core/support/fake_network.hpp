// An in-memory world for engine tests: a pub/sub signaling bus (every message reaches every
// engine, the sender included, as the seeds' channels do) and a fake browser that carries out
// each engine's actions: media capture succeeds at once, an offerer's peer produces an offer,
// an answerer answers, and a link is "connected" when both ends hold it and the answer landed.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engine/engine.hpp"
#include "engine/event.hpp"

namespace rtcmc::testing {

struct FiredEvent {
    std::string name;
    nlohmann::json payload;
};

class FakeNetwork {
public:
    // serverAuthority: rooms are kept by a fake signaling server that follows docs/server.md
    // (a stand-in for server/ inside this unit test; the real one is tested in tests/js/server).
    explicit FakeNetwork(bool serverAuthority = false) : serverAuthority_(serverAuthority) {}

    // Whether the fake server has an SFU (docs/sfu-broker.md): rooms opened with sfu: true
    // then route their media through it.
    void setServerHasSfu(bool has) { hasSfu_ = has; }
    std::uint32_t serverSfuBitrate(const std::string& roomid) const {
        return rooms_.at(roomid).sfuBitrate;
    }
    const std::set<std::string>& mediaLinks(const std::string& userid) const {
        return nodes_.at(userid)->mediaLinks;
    }

    Engine& add(const std::string& userid, EngineConfig config = {}) {
        config.userid = userid;
        if (serverAuthority_) {
            config.authority = RoomAuthority::Server;
        }
        auto node = std::make_unique<Node>(Node{Engine(config), {}, {}, {}, {}, {}, {}, {}, {}});
        Engine& engine = node->engine;
        nodes_[userid] = std::move(node);
        return engine;
    }

    Engine& engine(const std::string& userid) { return nodes_.at(userid)->engine; }
    std::uint64_t now() const { return now_; }

    // Runs a user call's actions, then delivers everything until the network is quiet.
    void run(const std::string& userid, const Actions& actions) {
        apply(userid, actions);
        settle();
    }

    // Carries a user call's actions out without delivering anything yet (a later settle()
    // does): a second call may come before the first one's answers, as in a page.
    void act(const std::string& userid, const Actions& actions) { apply(userid, actions); }
    // Delivers everything pending until the network is quiet.
    void deliver() { settle(); }

    // Advances the clock and ticks every engine.
    void advance(std::uint64_t ms) {
        now_ += ms;
        for (auto& [userid, node] : nodes_) {
            apply(userid, node->engine.tick(now_));
        }
        settle();
    }

    // The browser side of `userid` reports that its link with `peer` died.
    void dropLink(const std::string& userid, const std::string& peer) {
        apply(userid, engine(userid).peerStateChanged(peer, PeerState::Failed, now_));
        settle();
    }

    // Advances the clock by totalMs in steps of stepMs, ticking every engine at each step
    // (timers that schedule further timers, as ICE restarts do).
    void advanceBy(std::uint64_t totalMs, std::uint64_t stepMs) {
        for (std::uint64_t done = 0; done < totalMs; done += stepMs) {
            advance(stepMs);
        }
    }

    // The network path between a and b breaks (signaling still works): both browsers report
    // `state` (Disconnected or Failed), and no negotiation connects them until restorePath().
    void breakPath(const std::string& a, const std::string& b, PeerState state) {
        brokenPaths_.insert(pairKey(a, b));
        for (const auto& [self, peer] : {std::pair{a, b}, std::pair{b, a}}) {
            if (nodes_.count(self) && nodes_.at(self)->links.count(peer)) {
                nodes_.at(self)->connected.erase(peer);
                apply(self, engine(self).peerStateChanged(peer, state, now_));
            }
        }
        settle();
    }
    // The path works again; links come back only through a new negotiation (an ICE restart),
    // or, with heals = true, by themselves (ICE found the path again before any restart).
    void restorePath(const std::string& a, const std::string& b, bool heals = false) {
        brokenPaths_.erase(pairKey(a, b));
        if (heals) {
            connectPair(a, b);
        }
        settle();
    }

    // Removes a user without any goodbye (a crashed tab): its peers see their links fail.
    void crash(const std::string& userid) {
        std::set<std::string> peers = nodes_.at(userid)->links;
        nodes_.erase(userid);
        if (serverAuthority_) {
            serverLeave(userid, "disconnected");
        }
        for (const std::string& peer : peers) {
            if (nodes_.count(peer) && nodes_.at(peer)->links.count(userid)) {
                nodes_.at(peer)->links.erase(userid);
                apply(peer, engine(peer).peerStateChanged(userid, PeerState::Failed, now_));
            }
        }
        settle();
    }

    // The signaling connection of `userid` drops (the server process died): until
    // signalingBack(), the server refuses relays addressed to it (UNKNOWN_USER), its events do
    // not reach it, and what it sends waits in its client's outbox. Peer links stay up.
    void signalingDown(const std::string& userid) { away_.insert(userid); }

    // It comes back and resumes: its room-mates hear member-resumed, it gets a welcome that
    // kept its rooms, and its outbox goes out (docs/server.md, "Resuming").
    void signalingBack(const std::string& userid) {
        away_.erase(userid);
        nlohmann::json rooms = nlohmann::json::array();
        for (const auto& [roomid, room] : rooms_) {
            if (std::find(room.members.begin(), room.members.end(), userid) == room.members.end()) {
                continue;
            }
            rooms.push_back(roomid);
            for (const std::string& other : room.members) {
                if (other != userid) {
                    emit(
                        other, "member-resumed",
                        {{"roomid", roomid}, {"userid", userid}, {"extra", room.extra.at(userid)}});
                }
            }
        }
        for (Envelope& held : outbox_[userid]) {
            queue_.push_back(std::move(held));
        }
        outbox_.erase(userid);
        emit(userid, "welcome", {{"userid", userid}, {"resumed", true}, {"rooms", rooms}});
        settle();
    }

    // Connected pairs "a|b" (a < b): both ends hold the link and it reached "connected".
    std::set<std::string> mesh() const {
        std::set<std::string> pairs;
        for (const auto& [userid, node] : nodes_) {
            for (const std::string& peer : node->connected) {
                auto other = nodes_.find(peer);
                if (other != nodes_.end() && other->second->connected.count(userid)) {
                    pairs.insert(userid < peer ? userid + "|" + peer : peer + "|" + userid);
                }
            }
        }
        return pairs;
    }

    const std::vector<FiredEvent>& events(const std::string& userid) const {
        return nodes_.at(userid)->events;
    }
    std::vector<FiredEvent> events(const std::string& userid, const std::string& name) const {
        std::vector<FiredEvent> out;
        for (const FiredEvent& event : nodes_.at(userid)->events) {
            if (event.name == name) {
                out.push_back(event);
            }
        }
        return out;
    }
    std::vector<Action> actions(const std::string& userid, ActionKind kind) const {
        std::vector<Action> out;
        for (const Action& action : nodes_.at(userid)->actions) {
            if (action.kind == kind) {
                out.push_back(action);
            }
        }
        return out;
    }
    bool hasLink(const std::string& userid, const std::string& peer) const {
        return nodes_.at(userid)->links.count(peer) > 0;
    }
    std::size_t signalsSent() const { return signalsSent_; }

    // Delivers a raw server event or reply, as a hostile or buggy server could.
    void serverSays(const std::string& userid, const std::string& event, const std::string& json) {
        apply(userid, engine(userid).serverEvent(event, json, now_));
        settle();
    }
    std::vector<std::string> serverMembers(const std::string& roomid) const {
        auto it = rooms_.find(roomid);
        return it == rooms_.end() ? std::vector<std::string>{} : it->second.members;
    }
    std::string serverOwner(const std::string& roomid) const {
        auto it = rooms_.find(roomid);
        return it == rooms_.end() ? std::string() : it->second.owner;
    }

private:
    struct Node {
        Engine engine;
        std::set<std::string> links;      // peers the fake browser holds a connection with
        std::set<std::string> connected;  // links whose negotiation completed
        std::set<std::string> dataLinks;  // links that carry an RTCDataChannel
        std::set<std::string> mediaLinks; // links that send or receive audio or video
        std::vector<FiredEvent> events;
        std::vector<Action> actions;
        std::map<std::string, int> connectionIds; // peer -> id of the connection held with it
        std::map<std::string, int> remoteIds;     // peer -> id of the peer's connection it talks to
    };
    struct Envelope {
        std::string from;
        std::string to; // "" = broadcast
        std::string text;
    };

    // What reaches an engine from the network goes through its one door, as in the browser.
    Actions deliver(const std::string& userid, EventKind kind, const std::string& name,
                    const std::string& text, const std::string& body) {
        Event event;
        event.kind = kind;
        event.name = name;
        event.text = text;
        event.body = body;
        event.now = static_cast<double>(now_);
        return handle(engine(userid), event);
    }

    void apply(const std::string& userid, const Actions& actions) {
        if (!nodes_.count(userid)) {
            return;
        }
        for (const Action& action : actions) {
            Node& node = *nodes_.at(userid);
            node.actions.push_back(action);
            switch (action.kind) {
            case ActionKind::SendSignal:
                ++signalsSent_;
                if (away_.count(userid)) {
                    outbox_[userid].push_back(Envelope{userid, action.peer, action.text});
                } else if (serverAuthority_) {
                    // Like the real server: a client's relays and requests are handled in the
                    // order it sent them, and a relay goes only between members of one room.
                    later_.emplace_back(userid, [this, userid, action] {
                        if (action.peer.empty() || sameRoom(userid, action.peer)) {
                            queue_.push_back(Envelope{userid, action.peer, action.text});
                        } else {
                            // A relay has no ack: the refusal comes back as an error-event.
                            const bool member = inAnyRoom(userid);
                            emit(userid, "error-event",
                                 {{"code", member ? "UNKNOWN_USER" : "NOT_IN_ROOM"},
                                  {"message",
                                   member ? "user is not in the room" : "you are not in the room"},
                                  {"event", "relay"}});
                        }
                    });
                } else {
                    queue_.push_back(Envelope{userid, action.peer, action.text});
                }
                break;
            case ActionKind::ServerRequest:
                later_.emplace_back(userid, [this, userid, action] {
                    serverHandle(userid, action.name, nlohmann::json::parse(action.text));
                });
                break;
            case ActionKind::CaptureMedia:
                later_.emplace_back(userid, [this, userid] {
                    apply(userid, engine(userid).localMediaReady(now_));
                });
                break;
            case ActionKind::CreatePeer: {
                node.links.insert(action.peer);
                node.connectionIds[action.peer] = ++connectionsMade_;
                if (action.data) {
                    node.dataLinks.insert(action.peer);
                }
                if (action.media.hasMedia() || action.receive.hasMedia()) {
                    node.mediaLinks.insert(action.peer);
                }
                if (action.offerer) {
                    const std::string peer = action.peer;
                    const int made = node.connectionIds[peer];
                    later_.emplace_back(userid, [this, userid, peer, made] {
                        if (!current(userid, peer, made)) {
                            return; // that connection was closed meanwhile: it says nothing
                        }
                        apply(userid, engine(userid).localDescription(
                                          peer, "offer", description(userid, peer, "offer")));
                        apply(userid,
                              engine(userid).localCandidate(
                                  peer, "candidate:1 1 udp 1 198.18.0.1 9 typ host", "0", 0));
                    });
                }
                break;
            }
            case ActionKind::SetRemoteDescription: {
                const std::string peer = action.peer;
                node.remoteIds[peer] = originId(action.text);
                if (action.name == "offer") {
                    const int made = node.connectionIds[peer];
                    later_.emplace_back(userid, [this, userid, peer, made] {
                        if (!current(userid, peer, made)) {
                            return;
                        }
                        apply(userid, engine(userid).localDescription(
                                          peer, "answer", description(userid, peer, "answer")));
                    });
                } else {
                    // The answer landed at the offerer: both ends are connected.
                    later_.emplace_back(userid,
                                        [this, userid, peer] { connectPair(userid, peer); });
                }
                break;
            }
            case ActionKind::ClosePeer: {
                node.links.erase(action.peer);
                node.connected.erase(action.peer);
                // The far end notices the closed connection after pending signals arrive, if
                // its own connection was talking to this one (a peer that dialed again with a
                // new connection does not notice its old one's partner closing).
                const std::string peer = action.peer;
                const int closed = node.connectionIds[peer];
                node.connectionIds.erase(peer);
                node.remoteIds.erase(peer);
                later_.emplace_back(peer, [this, userid, peer, closed] {
                    if (nodes_.count(peer) && nodes_.at(peer)->links.count(userid) &&
                        nodes_.at(peer)->remoteIds.count(userid) &&
                        nodes_.at(peer)->remoteIds.at(userid) == closed) {
                        nodes_.at(peer)->links.erase(userid);
                        nodes_.at(peer)->connected.erase(userid);
                        apply(peer, engine(peer).peerStateChanged(userid, PeerState::Closed, now_));
                    }
                });
                break;
            }
            case ActionKind::FireEvent:
                node.events.push_back(
                    FiredEvent{toString(action.event), nlohmann::json::parse(action.text)});
                break;
            case ActionKind::RestartIce: {
                // The browser renegotiates with new ICE credentials: this side offers.
                const std::string peer = action.peer;
                if (node.links.count(peer)) {
                    later_.emplace_back(userid, [this, userid, peer] {
                        // The same peer connection: the same SDP session id.
                        apply(userid, engine(userid).localDescription(
                                          peer, "offer", description(userid, peer, "offer")));
                    });
                }
                break;
            }
            case ActionKind::AddIceCandidate:
            case ActionKind::StopLocalMedia:
            case ActionKind::ScheduleTick:
            case ActionKind::LeaveSfu:
                break;
            }
        }
    }

    static std::string pairKey(const std::string& a, const std::string& b) {
        return a < b ? a + "|" + b : b + "|" + a;
    }

    // A description of the peer connection `userid` holds with `peer`: its origin line names
    // that connection (a new one gets a new session id, as in a browser).
    std::string description(const std::string& userid, const std::string& peer,
                            const char* type) const {
        const Node& node = *nodes_.at(userid);
        auto id = node.connectionIds.find(peer);
        return "v=0\r\no=- " + std::to_string(id == node.connectionIds.end() ? 0 : id->second) +
               " 2 IN IP4 127.0.0.1\r\ns=" + type + " " + userid + "\r\n";
    }

    bool current(const std::string& userid, const std::string& peer, int connection) const {
        if (!nodes_.count(userid)) {
            return false;
        }
        auto id = nodes_.at(userid)->connectionIds.find(peer);
        return id != nodes_.at(userid)->connectionIds.end() && id->second == connection;
    }

    static int originId(const std::string& sdp) {
        const std::size_t origin = sdp.find("o=- ");
        return origin == std::string::npos ? 0 : std::atoi(sdp.c_str() + origin + 4);
    }

    void connectPair(const std::string& a, const std::string& b) {
        if (!nodes_.count(a) || !nodes_.count(b) || !nodes_.at(a)->links.count(b) ||
            !nodes_.at(b)->links.count(a) || brokenPaths_.count(pairKey(a, b))) {
            return;
        }
        // Only two connections that exchanged their descriptions connect.
        const Node& first = *nodes_.at(a);
        const Node& second = *nodes_.at(b);
        if (first.remoteIds.count(b) && second.remoteIds.count(a) &&
            (first.remoteIds.at(b) != second.connectionIds.at(a) ||
             second.remoteIds.at(a) != first.connectionIds.at(b))) {
            return;
        }
        for (const auto& [self, peer] : {std::pair{a, b}, std::pair{b, a}}) {
            nodes_.at(self)->connected.insert(peer);
            apply(self, engine(self).peerStateChanged(peer, PeerState::Connected, now_));
            if (nodes_.at(self)->dataLinks.count(peer)) {
                apply(self, engine(self).dataChannelOpened(peer));
            }
        }
    }

    // Signals first (in order), then browser callbacks, until nothing is left.
    void settle() {
        for (int guard = 0; guard < 100000; ++guard) {
            if (!queue_.empty()) {
                Envelope message = queue_.front();
                queue_.pop_front();
                std::vector<std::string> recipients;
                for (const auto& entry : nodes_) {
                    recipients.push_back(entry.first);
                }
                for (const std::string& userid : recipients) {
                    // The server relays nothing to a user whose connection is down.
                    if (nodes_.count(userid) && !(serverAuthority_ && away_.count(userid)) &&
                        (message.to.empty() || message.to == userid || userid == message.from)) {
                        apply(userid, deliver(userid, EventKind::Signal, "", message.text, ""));
                    }
                }
            } else if (!later_.empty()) {
                auto task = std::move(later_.front());
                later_.pop_front();
                task.second();
            } else {
                return;
            }
        }
        ADD_FAILURE() << "the fake network never went quiet";
    }

    // ---- the fake signaling server (docs/server.md rules, in memory)
    struct ServerRoom {
        std::string owner;
        std::vector<std::string> members; // join order
        std::map<std::string, nlohmann::json> extra;
        std::string password;
        std::uint32_t max = 1000;
        bool autoClose = false;
        nlohmann::json session;
        std::string direction;
        std::string channel;
        bool sfu = false;
        std::uint32_t sfuBitrate = 0;
    };

    bool inAnyRoom(const std::string& userid) const {
        for (const auto& entry : rooms_) {
            const std::vector<std::string>& members = entry.second.members;
            if (std::find(members.begin(), members.end(), userid) != members.end()) {
                return true;
            }
        }
        return false;
    }

    bool sameRoom(const std::string& a, const std::string& b) const {
        for (const auto& entry : rooms_) {
            const std::vector<std::string>& members = entry.second.members;
            if (std::find(members.begin(), members.end(), a) != members.end() &&
                std::find(members.begin(), members.end(), b) != members.end()) {
                return true;
            }
        }
        return false;
    }

    nlohmann::json view(const std::string& roomid) const {
        const ServerRoom& room = rooms_.at(roomid);
        nlohmann::json members = nlohmann::json::array();
        for (const std::string& member : room.members) {
            members.push_back(
                {{"userid", member}, {"extra", room.extra.at(member)}, {"joinedAt", 0}});
        }
        return {{"roomid", roomid},
                {"owner", room.owner},
                {"members", members},
                {"maxParticipantsAllowed", room.max},
                {"autoCloseEntireSession", room.autoClose},
                {"session", room.session},
                {"direction", room.direction},
                {"isPasswordProtected", !room.password.empty()},
                {"extra", room.extra.at(room.owner)},
                {"participants", room.members.size()},
                {"channel", room.channel.empty() ? nlohmann::json() : nlohmann::json(room.channel)},
                {"isFull", isFull(room)},
                {"sfu", room.sfu}};
    }

    static bool isFull(const ServerRoom& room) {
        const std::uint32_t limit = room.direction == "one-to-one" ? 1 : room.max;
        return room.members.size() - 1 >= limit;
    }

    void emit(const std::string& userid, const std::string& event, const nlohmann::json& body) {
        if (nodes_.count(userid) && !away_.count(userid)) {
            apply(userid, deliver(userid, EventKind::ServerEvent, event, body.dump(), ""));
        }
    }

    void reply(const std::string& userid, const std::string& name, const nlohmann::json& asked,
               const nlohmann::json& answer) {
        if (nodes_.count(userid)) {
            apply(userid,
                  deliver(userid, EventKind::ServerReply, name, answer.dump(), asked.dump()));
        }
    }

    static nlohmann::json failure(const char* code, const std::string& message) {
        return {{"ok", false}, {"error", {{"code", code}, {"message", message}}}};
    }

    void serverLeave(const std::string& userid, const char* reason) {
        for (auto it = rooms_.begin(); it != rooms_.end();) {
            ServerRoom& room = it->second;
            auto member = std::find(room.members.begin(), room.members.end(), userid);
            if (member == room.members.end()) {
                ++it;
                continue;
            }
            const nlohmann::json extra = room.extra[userid];
            room.members.erase(member);
            const std::string roomid = it->first;
            if (room.members.empty()) {
                it = rooms_.erase(it);
                continue;
            }
            if (room.owner == userid && room.autoClose) {
                for (const std::string& other : room.members) {
                    emit(other, "room-closed", {{"roomid", roomid}, {"reason", "owner-left"}});
                }
                it = rooms_.erase(it);
                continue;
            }
            if (room.owner == userid) {
                room.owner = room.members.front();
                for (const std::string& other : room.members) {
                    emit(other, "owner-changed", {{"roomid", roomid}, {"owner", room.owner}});
                }
            }
            for (const std::string& other : room.members) {
                emit(
                    other, "member-left",
                    {{"roomid", roomid}, {"userid", userid}, {"extra", extra}, {"reason", reason}});
            }
            ++it;
        }
    }

    void serverHandle(const std::string& userid, const std::string& name,
                      const nlohmann::json& body) {
        const std::string roomid = body.value("roomid", "");
        if (name == "open-room") {
            if (rooms_.count(roomid)) {
                return reply(userid, name, body, failure("ROOM_EXISTS", "room exists"));
            }
            ServerRoom room;
            room.owner = userid;
            room.members = {userid};
            room.extra[userid] = body.value("extra", nlohmann::json::object());
            room.password = body.value("password", "");
            room.max = body.value("maxParticipantsAllowed", 1000u);
            room.autoClose = body.value("autoCloseEntireSession", false);
            room.session = body.value("session", nlohmann::json::object());
            room.direction = body.value("direction", "many-to-many");
            room.channel = body.value("channel", "");
            room.sfu = hasSfu_ && body.value("sfu", false);
            room.sfuBitrate = body.value("sfuBitrate", 0u);
            rooms_[roomid] = room;
            return reply(userid, name, body, {{"ok", true}, {"room", view(roomid)}});
        }
        if (name == "join-room") {
            auto it = rooms_.find(roomid);
            if (it == rooms_.end()) {
                return reply(userid, name, body, failure("ROOM_NOT_FOUND", "no such room"));
            }
            ServerRoom& room = it->second;
            if (!room.password.empty() && body.value("password", "") != room.password) {
                return reply(userid, name, body, failure("WRONG_PASSWORD", "wrong password"));
            }
            if (isFull(room)) {
                return reply(userid, name, body,
                             failure("ROOM_FULL", "room \"" + roomid + "\" is full"));
            }
            const nlohmann::json extra = body.value("extra", nlohmann::json::object());
            for (const std::string& other : room.members) {
                emit(other, "member-joined",
                     {{"roomid", roomid}, {"userid", userid}, {"extra", extra}});
                emit(other, "user-status",
                     {{"roomid", roomid},
                      {"userid", userid},
                      {"status", "online"},
                      {"extra", extra}});
            }
            room.members.push_back(userid);
            room.extra[userid] = extra;
            return reply(userid, name, body, {{"ok", true}, {"room", view(roomid)}});
        }
        if (name == "leave-room") {
            serverLeave(userid, "left");
            return reply(userid, name, body, {{"ok", true}});
        }
        if (name == "close-room") {
            auto it = rooms_.find(roomid);
            if (it == rooms_.end() || it->second.owner != userid) {
                return reply(userid, name, body, failure("NOT_OWNER", "not the owner"));
            }
            const std::vector<std::string> members = it->second.members;
            rooms_.erase(it);
            for (const std::string& member : members) {
                emit(member, "room-closed", {{"roomid", roomid}, {"reason", "closed-by-owner"}});
            }
            return reply(userid, name, body, {{"ok", true}});
        }
        if (name == "eject") {
            auto it = rooms_.find(roomid);
            const std::string target = body.value("userid", "");
            if (it == rooms_.end() || it->second.owner != userid) {
                return reply(userid, name, body, failure("NOT_OWNER", "only the owner may eject"));
            }
            ServerRoom& room = it->second;
            auto member = std::find(room.members.begin(), room.members.end(), target);
            if (member == room.members.end() || target == userid) {
                return reply(userid, name, body, failure("UNKNOWN_USER", "no such member"));
            }
            room.members.erase(member);
            emit(target, "ejected", {{"roomid", roomid}, {"by", userid}});
            for (const std::string& other : room.members) {
                if (other != userid) {
                    emit(other, "member-left",
                         {{"roomid", roomid},
                          {"userid", target},
                          {"extra", room.extra[target]},
                          {"reason", "ejected"}});
                }
            }
            return reply(userid, name, body, {{"ok", true}});
        }
        if (name == "check-presence") {
            if (!rooms_.count(roomid)) {
                return reply(userid, name, body, {{"ok", true}, {"exists", false}});
            }
            return reply(userid, name, body,
                         {{"ok", true}, {"exists", true}, {"room", view(roomid)}});
        }
        if (name == "get-room") {
            auto it = rooms_.find(roomid);
            if (it == rooms_.end()) {
                return reply(userid, name, body, failure("ROOM_NOT_FOUND", "no such room"));
            }
            const std::vector<std::string>& members = it->second.members;
            if (std::find(members.begin(), members.end(), userid) == members.end()) {
                return reply(userid, name, body, failure("NOT_IN_ROOM", "not in the room"));
            }
            return reply(userid, name, body, {{"ok", true}, {"room", view(roomid)}});
        }
        if (name == "update-extra") {
            for (auto& [id, room] : rooms_) {
                auto member = std::find(room.members.begin(), room.members.end(), userid);
                if (member == room.members.end()) {
                    continue;
                }
                room.extra[userid] = body.value("extra", nlohmann::json::object());
                for (const std::string& other : room.members) {
                    if (other != userid) {
                        emit(other, "extra-updated",
                             {{"roomid", id}, {"userid", userid}, {"extra", room.extra[userid]}});
                    }
                }
            }
            return reply(userid, name, body, {{"ok", true}});
        }
        reply(userid, name, body, {{"ok", true}}); // subscribe-rooms and friends
    }

    bool serverAuthority_ = false;
    bool hasSfu_ = true;
    std::set<std::string> brokenPaths_; // pairKey()s
    std::map<std::string, ServerRoom> rooms_;
    std::map<std::string, std::unique_ptr<Node>> nodes_;
    std::deque<Envelope> queue_;
    std::set<std::string> away_;                          // signaling connection down
    std::map<std::string, std::vector<Envelope>> outbox_; // what they sent meanwhile
    int connectionsMade_ = 0;
    std::deque<std::pair<std::string, std::function<void()>>> later_;
    std::uint64_t now_ = 1000;
    std::size_t signalsSent_ = 0;
};

} // namespace rtcmc::testing
