// An in-memory world for engine tests: a pub/sub signaling bus (every message reaches every
// engine, the sender included, as the seeds' channels do) and a fake browser that carries out
// each engine's actions: media capture succeeds at once, an offerer's peer produces an offer,
// an answerer answers, and a link is "connected" when both ends hold it and the answer landed.
#pragma once

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

namespace rtcmc::testing {

struct FiredEvent {
    std::string name;
    nlohmann::json payload;
};

class FakeNetwork {
public:
    Engine& add(const std::string& userid, EngineConfig config = {}) {
        config.userid = userid;
        auto node = std::make_unique<Node>(Node{Engine(config), {}, {}, {}, {}, {}});
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

    // Removes a user without any goodbye (a crashed tab): its peers see their links fail.
    void crash(const std::string& userid) {
        std::set<std::string> peers = nodes_.at(userid)->links;
        nodes_.erase(userid);
        for (const std::string& peer : peers) {
            if (nodes_.count(peer) && nodes_.at(peer)->links.count(userid)) {
                nodes_.at(peer)->links.erase(userid);
                apply(peer, engine(peer).peerStateChanged(userid, PeerState::Failed, now_));
            }
        }
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

private:
    struct Node {
        Engine engine;
        std::set<std::string> links;     // peers the fake browser holds a connection with
        std::set<std::string> connected; // links whose negotiation completed
        std::set<std::string> dataLinks; // links that carry an RTCDataChannel
        std::vector<FiredEvent> events;
        std::vector<Action> actions;
    };
    struct Envelope {
        std::string from;
        std::string to; // "" = broadcast
        std::string text;
    };

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
                queue_.push_back(Envelope{userid, action.peer, action.payload});
                break;
            case ActionKind::CaptureMedia:
                later_.emplace_back(userid, [this, userid] {
                    apply(userid, engine(userid).localMediaReady(now_));
                });
                break;
            case ActionKind::CreatePeer: {
                node.links.insert(action.peer);
                const auto payload = nlohmann::json::parse(action.payload);
                if (payload["data"].get<bool>()) {
                    node.dataLinks.insert(action.peer);
                }
                if (payload["offerer"].get<bool>()) {
                    const std::string peer = action.peer;
                    later_.emplace_back(userid, [this, userid, peer] {
                        apply(userid, engine(userid).localDescription(peer, "offer",
                                                                      "v=0 offer " + userid, "[]"));
                        apply(
                            userid,
                            engine(userid).localCandidate(
                                peer,
                                R"({"candidate":"candidate:1 1 udp 1 198.18.0.1 9 typ host","sdpMid":"0","sdpMLineIndex":0})"));
                    });
                }
                break;
            }
            case ActionKind::SetRemoteDescription: {
                const auto payload = nlohmann::json::parse(action.payload);
                const std::string peer = action.peer;
                if (payload["type"] == "offer") {
                    later_.emplace_back(userid, [this, userid, peer] {
                        apply(userid, engine(userid).localDescription(
                                          peer, "answer", "v=0 answer " + userid, "[]"));
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
                // The far end notices the closed connection after pending signals arrive.
                const std::string peer = action.peer;
                later_.emplace_back(peer, [this, userid, peer] {
                    if (nodes_.count(peer) && nodes_.at(peer)->links.count(userid)) {
                        nodes_.at(peer)->links.erase(userid);
                        nodes_.at(peer)->connected.erase(userid);
                        apply(peer, engine(peer).peerStateChanged(userid, PeerState::Closed, now_));
                    }
                });
                break;
            }
            case ActionKind::FireEvent:
                node.events.push_back(
                    FiredEvent{action.name, nlohmann::json::parse(action.payload)});
                break;
            case ActionKind::AddIceCandidate:
            case ActionKind::StopLocalMedia:
            case ActionKind::ScheduleTick:
                break;
            }
        }
    }

    void connectPair(const std::string& a, const std::string& b) {
        if (!nodes_.count(a) || !nodes_.count(b) || !nodes_.at(a)->links.count(b) ||
            !nodes_.at(b)->links.count(a)) {
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
                    if (nodes_.count(userid) &&
                        (message.to.empty() || message.to == userid || userid == message.from)) {
                        apply(userid, engine(userid).receiveSignal(message.text, "", now_));
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

    std::map<std::string, std::unique_ptr<Node>> nodes_;
    std::deque<Envelope> queue_;
    std::deque<std::pair<std::string, std::function<void()>>> later_;
    std::uint64_t now_ = 1000;
    std::size_t signalsSent_ = 0;
};

} // namespace rtcmc::testing
