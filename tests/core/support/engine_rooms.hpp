// Shared steps of the engine tests: a four-member room and mesh expectations.
#pragma once

#include <initializer_list>
#include <set>
#include <string>

#include "fake_network.hpp"

namespace rtcmc::testing {

inline EngineConfig configFor(Direction direction, SessionType session = defaultSession()) {
    EngineConfig config;
    config.direction = direction;
    config.session = session;
    return config;
}

// "a" opens "room", then b, c and d connect one after another.
inline void openAndJoinFour(FakeNetwork& net, const EngineConfig& config) {
    for (const char* id : {"a", "b", "c", "d"}) {
        net.add(id, config);
    }
    net.run("a", net.engine("a").open("room", net.now()));
    for (const char* id : {"b", "c", "d"}) {
        net.run(id, net.engine(id).connect("room", net.now()));
    }
}

// The actions include one of this kind for this peer.
inline bool hasAction(const Actions& actions, ActionKind kind, const std::string& peer) {
    for (const Action& action : actions) {
        if (action.kind == kind && action.peer == peer) {
            return true;
        }
    }
    return false;
}

inline std::set<std::string> pairs(std::initializer_list<const char*> list) {
    return std::set<std::string>(list.begin(), list.end());
}

} // namespace rtcmc::testing
