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
            std::printf("         %s %s %s%s %s\n", toString(action.kind), action.peer.c_str(),
                        toString(action.event), action.name.c_str(),
                        action.text.substr(0, 160).c_str());
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
            user.outbound.push_back(Outbound{Outbound::Kind::Relay, {}, action.text, action.peer});
        } else {
            // A pub/sub channel hands every message to every subscriber, the sender included.
            for (int to = 0; to < config_.users; ++to) {
                if (alive(to)) {
                    bus_[{userIndex, to}].push_back(BusItem{action.text});
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
        user.outbound.push_back(Outbound{Outbound::Kind::Request, action.name, action.text, {}});
        break;
    case ActionKind::CaptureMedia:
        tasks_.push_back(
            Task{userIndex, 0, Report::MediaReady, 0, true, action.name == "add", action.media});
        break;
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
        user.gaveUp.erase(peer);
        Link link;
        link.id = nextLinkId_++;
        link.offerer = action.offerer;
        link.data = action.data;
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
        // The far connection the description came from (its id is in the o= line the model
        // writes): that one can reach this one.
        const std::size_t origin = action.text.find("o=- ");
        if (origin != std::string::npos) {
            link->second.remote = std::strtoull(action.text.c_str() + origin + 4, nullptr, 10);
        }
        if (action.name == "offer") {
            tasks_.push_back(
                Task{userIndex, peer, Report::Answer, link->second.id, false, false, {}});
        } else {
            answerLanded(userIndex, peer);
        }
        break;
    }
    case ActionKind::RestartIce: {
        // The browser gathers again and offers on the same link (the driver ignores a restart
        // of a connection it no longer holds).
        auto link = user.links.find(peer);
        if (link != user.links.end()) {
            tasks_.push_back(
                Task{userIndex, peer, Report::Offer, link->second.id, false, false, {}});
        }
        break;
    }
    case ActionKind::FireEvent:
        if (action.event == PageEvent::OnError) {
            const json error = json::parse(action.text, nullptr, false);
            if (error.is_object() && error.value("code", "") == "PEER_CONNECTION_FAILED") {
                user.gaveUp.insert(indexOf(error.value("remoteUserId", "")));
            }
        }
        break;
    case ActionKind::AddIceCandidate:
    case ActionKind::StopLocalMedia:
    case ActionKind::ScheduleTick:
    // The model's rooms are meshes: leave-sfu never comes, and would close no link.
    case ActionKind::LeaveSfu:
        break;
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
    // Only the two connections that took each other's offer and answer connect: an answer from
    // a connection closed since (the far end holds a newer one) leads nowhere.
    if (mine->second.remote != theirs->second.id || theirs->second.remote != mine->second.id) {
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
        // A channel that opened stays open through an ICE restart.
        if (link->data && !link->dataOpen) {
            tasks_.push_back(Task{self, other, Report::DataOpen, link->id, false, false, {}});
        }
    }
}

// The browser closes user's connection to peer. The transfers on it end, packets in flight on
// its channel are lost, and (tellPeer) the far end notices: when its connection took this one's
// offer or answer. A connection made from another offer (a newer one, say, whose offer crossed
// the close) never heard of this one and notices nothing.
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
        if (theirs != users_[peer].links.end() && theirs->second.remote == closedId) {
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
    Event signal = eventOf(EventKind::Signal);
    signal.text = text; // pub/sub cannot vouch for the sender
    run(to, tell(to, signal), Source::Outside, "signal from " + userName(from) + ": " + text);
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
    Event event;
    event.text = message.payload;
    switch (message.kind) {
    case ServerMessage::Kind::Relay:
        event.kind = EventKind::Signal;
        event.peer = message.from; // the server vouches for the sender
        run(user, tell(user, event), Source::Outside,
            "relay from " + message.from + ": " + message.payload);
        break;
    case ServerMessage::Kind::Event:
        event.kind = EventKind::ServerEvent;
        event.name = message.name;
        run(user, tell(user, event), Source::Outside,
            "server event " + message.name + " " + message.payload);
        break;
    case ServerMessage::Kind::Reply:
        event.kind = EventKind::ServerReply;
        event.name = message.name;
        event.body = message.asked;
        run(user, tell(user, event), Source::Outside,
            "reply to " + message.name + " " + message.payload);
        break;
    }
}

} // namespace rtcmc::fuzz::model
