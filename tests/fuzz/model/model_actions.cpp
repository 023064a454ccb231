// The world carries out an engine's actions as the facade, the browser and the signaling channel
// would, and delivers what is pending on the signaling path.
#include <cstdio>
#include <cstdlib>

#include "model_world.hpp"
#include "state_coverage.hpp"
#include "support/engine_checks.hpp"

namespace rtcmc::fuzz::model {

using nlohmann::json;

namespace {

// What kind of input it was, for the state table report: a signal's type, or the input's first
// words ("leave()", "server event room-closed").
std::string inputKind(const std::string& input) {
    const std::size_t colon = input.find(": {");
    if (input.rfind("signal from", 0) == 0 || input.rfind("relay from", 0) == 0) {
        const json message = json::parse(input.substr(colon + 2), nullptr, false);
        return "signal " + (message.is_object() ? message.value("type", "?") : "?");
    }
    const std::size_t brace = input.find(" {");
    return input.substr(0, brace == std::string::npos ? input.size() : brace);
}

} // namespace

void World::run(int user, const Actions& actions, Source source, const std::string& input) {
    if (violation_ || !alive(user)) {
        return;
    }
    const Engine& engine = *users_[user].engine;
    const SessionState before = users_[user].lastState;
    users_[user].lastState = engine.state();
    noteStateChange(before, engine.state(), inputKind(input));
    if (log_) {
        std::printf("      %s <- %s\n", userName(user).c_str(), input.c_str());
        if (before != engine.state()) {
            std::printf("         %s -> %s\n", toString(before), toString(engine.state()));
        }
        for (const Action& action : actions) {
            std::printf("         %s %s %s %s\n", toString(action.kind), action.peer.c_str(),
                        action.name.c_str(), action.payload.substr(0, 160).c_str());
        }
    }
    if (auto problem = actionProblem(engine, actions)) {
        fail("actions", userName(user) + ": " + *problem);
        return;
    }
    if (source == Source::Outside) {
        if (auto row = illegalTransition(actions)) {
            fail("illegal-transition", userName(user) + " attempted " + *row +
                                           " on input from outside (a half-applied change)");
            return;
        }
    }
    for (const Action& action : actions) {
        if (violation_ || !alive(user)) {
            return;
        }
        perform(user, action);
    }
}

void World::perform(int userIndex, const Action& action) {
    User& user = users_[userIndex];
    const int peer = indexOf(action.peer);
    switch (action.kind) {
    case ActionKind::SendSignal:
        if (config_.serverAuthority) {
            user.outbound.push_back(
                Outbound{Outbound::Kind::Relay, {}, action.payload, action.peer});
        } else {
            // A pub/sub channel hands every message to every subscriber, the sender included.
            for (int to = 0; to < config_.users; ++to) {
                if (alive(to)) {
                    bus_[{userIndex, to}].push_back(BusItem{action.payload});
                }
            }
        }
        break;
    case ActionKind::ServerRequest:
        if (!config_.serverAuthority) {
            fail("actions", userName(userIndex) +
                                " asked a server that owner authority lacks: " + action.name);
            return;
        }
        user.outbound.push_back(Outbound{Outbound::Kind::Request, action.name, action.payload, {}});
        break;
    case ActionKind::CaptureMedia: {
        const json wants = json::parse(action.payload);
        Task task{userIndex, 0, Report::MediaReady, 0, true, false, {}};
        if (wants.value("purpose", "") == "add") {
            task.adding = true;
            for (const json& name : wants.value("peers", json::array())) {
                if (name.is_string() && indexOf(name.get<std::string>()) >= 0) {
                    task.peers.push_back(indexOf(name.get<std::string>()));
                }
            }
        }
        tasks_.push_back(task);
        break;
    }
    case ActionKind::CreatePeer: {
        if (peer < 0) {
            fail("actions",
                 userName(userIndex) + " created a connection to a stranger '" + action.peer + "'");
            return;
        }
        if (user.links.count(peer)) {
            fail("links", userName(userIndex) + " created a second connection to " + action.peer +
                              " without closing the first");
            return;
        }
        const json plan = json::parse(action.payload);
        Link link;
        link.id = nextLinkId_++;
        link.offerer = plan["offerer"].get<bool>();
        link.data = plan["data"].get<bool>();
        user.links[peer] = link;
        if (link.offerer) {
            tasks_.push_back(Task{userIndex, peer, Report::Offer, link.id, false, false, {}});
        }
        break;
    }
    case ActionKind::ClosePeer:
        if (peer >= 0) {
            closeLink(userIndex, peer, true);
        }
        break;
    case ActionKind::SetRemoteDescription: {
        auto link = user.links.find(peer);
        if (link == user.links.end()) {
            fail("links", userName(userIndex) + " set a remote description on a connection to " +
                              action.peer + " it does not hold");
            return;
        }
        const json description = json::parse(action.payload);
        const std::string sdp = description.value("sdp", "");
        const std::size_t at = sdp.find("link=");
        const std::uint64_t partner =
            at == std::string::npos ? 0 : std::strtoull(sdp.c_str() + at + 5, nullptr, 10);
        remoteDescription(userIndex, peer, partner, description.value("type", "") == "offer");
        break;
    }
    case ActionKind::AddIceCandidate:
    case ActionKind::StopLocalMedia:
    case ActionKind::FireEvent:
    case ActionKind::ScheduleTick:
        break;
    }
}

void World::remoteDescription(int user, int peer, std::uint64_t partner, bool offer) {
    Link& link = users_[user].links.at(peer);
    link.partner = partner;
    auto theirs = alive(peer) ? users_[peer].links.find(user) : users_[peer].links.end();
    if (theirs == users_[peer].links.end() || theirs->second.id != partner) {
        // The far end closed the connection that made this description: ICE never completes.
        tasks_.push_back(Task{user, peer, Report::Failed, link.id, false, false, {}});
        return;
    }
    if (offer) {
        tasks_.push_back(Task{user, peer, Report::Answer, link.id, false, false, {}});
    } else {
        answerLanded(user, peer);
    }
}

// The offer/answer exchange completed: both ends will report their connection and channel.
void World::answerLanded(int user, int peer) {
    auto mine = users_[user].links.find(peer);
    if (!alive(peer)) {
        return;
    }
    auto theirs = users_[peer].links.find(user);
    if (mine == users_[user].links.end() || theirs == users_[peer].links.end()) {
        return;
    }
    for (const auto& [self, link] :
         {std::pair{user, &mine->second}, std::pair{peer, &theirs->second}}) {
        if (link->connecting) {
            continue;
        }
        link->connecting = true;
        const int other = self == user ? peer : user;
        tasks_.push_back(Task{self, other, Report::Connected, link->id, false, false, {}});
        if (link->data) {
            tasks_.push_back(Task{self, other, Report::DataOpen, link->id, false, false, {}});
        }
    }
}

// The browser closes user's connection to peer. The transfers on it end, packets in flight on
// its channel are lost, and (tellPeer) the far end notices.
void World::closeLink(int user, int peer, bool tellPeer) {
    auto link = users_[user].links.find(peer);
    if (link == users_[user].links.end()) {
        return;
    }
    const std::uint64_t closedId = link->second.id;
    users_[user].links.erase(link);
    data_.erase({user, peer});
    data_.erase({peer, user});
    peerGone(user, peer);
    if (tellPeer && alive(peer)) {
        auto theirs = users_[peer].links.find(user);
        if (theirs != users_[peer].links.end() && theirs->second.partner == closedId) {
            noticeLater(user, peer, Report::Closed, theirs->second.id);
        }
    }
}

// `peer`'s browser will report its link with `user` (id `linkId`) closed or failed: over
// pub/sub after the signals `user` sent before; with a server, at any time (the server, not
// the link, says who left).
void World::noticeLater(int user, int peer, Report report, std::uint64_t linkId) {
    if (config_.serverAuthority) {
        tasks_.push_back(Task{peer, user, report, linkId, false, false, {}});
    } else {
        bus_[{user, peer}].push_back(BusItem{{}, linkId, report});
    }
}

void World::deliverSignal(int from, int to) {
    std::deque<BusItem>& queue = bus_[{from, to}];
    const BusItem item = queue.front();
    queue.pop_front();
    if (item.closedLink != 0) {
        tasks_.push_back(Task{to, from, item.report, item.closedLink, false, false, {}});
        return;
    }
    const std::string& text = item.text;
    run(to, users_[to].engine->receiveSignal(text, "", now_), Source::Outside,
        "signal from " + userName(from) + ": " + text);
}

void World::serverTakes(int user) {
    const Outbound message = users_[user].outbound.front();
    users_[user].outbound.pop_front();
    const std::string userid = userName(user);
    switch (message.kind) {
    case Outbound::Kind::Request:
        server_->request(userid, message.name, message.payload);
        break;
    case Outbound::Kind::Relay:
        server_->relay(userid, message.to, message.payload);
        break;
    case Outbound::Kind::Disconnect:
        server_->disconnect(userid);
        break;
    }
}

void World::serverDelivers(int user) {
    const ServerMessage message = users_[user].inbound.front();
    users_[user].inbound.pop_front();
    Engine& engine = *users_[user].engine;
    switch (message.kind) {
    case ServerMessage::Kind::Relay:
        run(user, engine.receiveSignal(message.payload, message.from, now_), Source::Outside,
            "relay from " + message.from + ": " + message.payload);
        break;
    case ServerMessage::Kind::Event:
        run(user, engine.serverEvent(message.name, message.payload, now_), Source::Outside,
            "server event " + message.name + " " + message.payload);
        break;
    case ServerMessage::Kind::Reply:
        run(user, engine.serverReply(message.name, message.asked, message.payload, now_),
            Source::Outside, "reply to " + message.name + " " + message.payload);
        break;
    }
}

} // namespace rtcmc::fuzz::model
