// The invariants of a model run: what holds after every step, what holds once everything has
// settled, and what is left once everyone has left. Each failure names its invariant and shows
// every engine, the browser's links and the server's rooms.
#include <algorithm>
#include <set>

#include "model_world.hpp"
#include "support/engine_checks.hpp"

namespace rtcmc::fuzz::model {

namespace {

bool inRoom(const Engine& engine) {
    return (engine.state() == SessionState::Open || engine.state() == SessionState::Joined) &&
           engine.room().has_value();
}

std::set<std::string> memberSet(const Room& room) {
    std::set<std::string> out;
    for (const Member& member : room.members()) {
        out.insert(member.userid);
    }
    return out;
}

std::string joined(const std::set<std::string>& names) {
    std::string out;
    for (const std::string& name : names) {
        out += (out.empty() ? "" : ",") + name;
    }
    return "[" + out + "]";
}

} // namespace

void World::fail(const std::string& invariant, const std::string& detail) {
    if (!violation_) {
        violation_ = Violation{invariant, detail + "\n  world:\n" + describeEngines()};
    }
}

// After every step.
void World::checkAlways() {
    std::map<std::string, std::vector<std::string>> owners; // room -> engines owning it
    for (int user = 0; user < config_.users; ++user) {
        if (!alive(user)) {
            continue;
        }
        const Engine& engine = *users_[user].engine;
        if (auto problem = coherenceProblem(engine)) {
            return fail("coherence", *problem);
        }
        // Every connection the engine counts on is one the browser holds, and no other.
        std::set<std::string> browser;
        for (const auto& entry : users_[user].links) {
            browser.insert(userName(entry.first));
        }
        const std::vector<std::string> linked = engine.linkedPeers();
        if (browser != std::set<std::string>(linked.begin(), linked.end())) {
            return fail("links", userName(user) + "'s engine counts on links " +
                                     joined(std::set<std::string>(linked.begin(), linked.end())) +
                                     " but its browser holds " + joined(browser));
        }
        if (engine.isOwner()) {
            owners[engine.room()->id()].push_back(userName(user));
        }
    }
    // The server arbitrates ownership: one owner per room at every moment.
    if (config_.serverAuthority) {
        for (const auto& [roomid, list] : owners) {
            if (list.size() > 1) {
                return fail("owners",
                            "room " + roomid + " has owners " + list[0] + " and " + list[1]);
            }
        }
    }
}

// Once everything settled.
void World::checkSettled() {
    bool pending = !tasks_.empty();
    for (const auto& entry : bus_) {
        pending = pending || !entry.second.empty();
    }
    for (const auto& entry : data_) {
        pending = pending || !entry.second.empty();
    }
    for (const User& user : users_) {
        pending = pending || !user.outbound.empty() || !user.inbound.empty();
    }
    if (pending) {
        return fail("quiet", "something is still pending after everything settled");
    }
    for (int user = 0; user < config_.users; ++user) {
        if (!alive(user) || !inRoom(*engine(user))) {
            continue;
        }
        const Room& room = *engine(user)->room();
        const std::set<std::string> members = memberSet(room);
        const std::string self = userName(user);
        if (server_) {
            auto truth = server_->rooms().find(room.id());
            if (truth == server_->rooms().end() || truth->second.owner != room.owner() ||
                std::set<std::string>(truth->second.members.begin(), truth->second.members.end()) !=
                    members) {
                return fail("membership", self + " sees room " + room.id() + " owned by " +
                                              room.owner() + " with " + joined(members) +
                                              ", not what the server keeps");
            }
        }
        // Every member is seen by the others: each member is in the room, seeing the same.
        for (const std::string& name : members) {
            const int other = indexOf(name);
            if (other == user) {
                continue;
            }
            if (other < 0 || !alive(other) || !inRoom(*engine(other)) ||
                engine(other)->room()->id() != room.id() ||
                memberSet(*engine(other)->room()) != members ||
                engine(other)->room()->owner() != room.owner()) {
                return fail("membership", self + " sees " + name + " in room " + room.id() +
                                              " owned by " + room.owner() + " with " +
                                              joined(members) + ", but " + name +
                                              " does not see the same room");
            }
            // The links the direction calls for are up at both ends; no others exist.
            const Direction direction = room.policy().direction;
            const bool selfOwns = room.owner() == self;
            const bool otherOwns = room.owner() == name;
            const bool wanted = shouldConnect(direction, otherOwns, selfOwns) ||
                                shouldConnect(direction, selfOwns, otherOwns);
            auto mine = users_[user].links.find(other);
            auto theirs = users_[other].links.find(user);
            const bool up = mine != users_[user].links.end() && mine->second.connected &&
                            theirs != users_[other].links.end() && theirs->second.connected;
            // A link given up after its ICE restarts was reported (PEER_CONNECTION_FAILED);
            // both stay members until the server or the owner says otherwise.
            const bool reported = users_[user].gaveUp.count(other) > 0 ||
                                  users_[other].gaveUp.count(user) > 0;
            if (wanted && !up && !reported) {
                return fail("mesh", self + " and " + name + " share room " + room.id() + " (" +
                                        toString(direction) + ") without a connected link");
            }
            if (!wanted && mine != users_[user].links.end()) {
                return fail("mesh", self + " holds a link to " + name + ", which " +
                                        toString(direction) + " does not call for");
            }
        }
    }
    // Nobody waits forever: opening always ends, and a room that is there admits or refuses.
    for (int user = 0; user < config_.users; ++user) {
        if (!alive(user)) {
            continue;
        }
        const SessionState state = engine(user)->state();
        const std::string& target = users_[user].target;
        bool roomThere = false;
        if (server_) {
            roomThere = server_->rooms().count(target) > 0;
        } else {
            for (int other = 0; other < config_.users; ++other) {
                roomThere = roomThere || (alive(other) && engine(other)->isOwner() &&
                                          engine(other)->room()->id() == target);
            }
        }
        const bool seeking = state == SessionState::Joining ||
                             (state == SessionState::Searching && config_.autoJoin[user] &&
                              !users_[user].blocked.count(target));
        if (state == SessionState::Opening || (seeking && roomThere)) {
            return fail("stuck", userName(user) + " is still " + toString(state) +
                                     (target.empty() ? "" : " for room " + target) +
                                     " after everything settled");
        }
    }
    // Every transfer ended, one way or another.
    for (int user = 0; user < config_.users; ++user) {
        if (alive(user) && !users_[user].transfers->activeTransfers().empty()) {
            return fail("transfers", userName(user) + " still has open transfers after everything"
                                                      " settled");
        }
    }
    for (const Sent& sent : sent_) {
        if (!sent.ended) {
            return fail("transfers", "a transfer from " + userName(sent.from) + " to " +
                                         userName(sent.to) + " never ended");
        }
    }
}

// After everyone left and everything settled.
void World::checkNothingLeft() {
    for (int user = 0; user < config_.users; ++user) {
        if (!alive(user)) {
            continue;
        }
        const Engine& engine = *users_[user].engine;
        if (isActive(engine.state()) || !users_[user].links.empty() ||
            !users_[user].transfers->activeTransfers().empty()) {
            return fail("left-over", userName(user) + " still holds a session, links or transfers "
                                                      "after everyone left");
        }
    }
    if (!tasks_.empty()) {
        return fail("left-over", "browser reports still pending after everyone left");
    }
    if (server_ && !server_->rooms().empty()) {
        return fail("left-over", "the server still keeps room " + server_->rooms().begin()->first +
                                     " after everyone left");
    }
}

} // namespace rtcmc::fuzz::model
