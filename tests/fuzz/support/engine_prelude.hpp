// Brings one engine ("me") into a chosen state with valid traffic, for the engine's libFuzzer
// target: the fuzzed calls then start from idle, opening, owning a room with a linked member,
// searching, waiting to be admitted, joined with links, left or ejected, in either authority
// mode. The other users (alice owns the room "room" when "me" joins it; bob is a member) exist
// only as the messages they would send.
#pragma once

#include <cstdint>

#include "engine/engine.hpp"

namespace rtcmc::fuzz {

class PreludeWorld {
public:
    // selector bit 0: server authority; bits 1-3: the state (idle, opening, open, searching,
    // joining, joined, left, ejected); bits 4-5: the direction; bit 6: autoCloseEntireSession;
    // bit 7: a password.
    explicit PreludeWorld(std::uint8_t selector);

    Engine& engine() { return engine_; }
    std::uint64_t advance(std::uint64_t ms) { return now_ += ms; }

private:
    void toOpen();
    void toJoining();
    void toJoined();
    // Answers what a browser and, in server mode, the server would answer, until nothing is due.
    void follow(const Actions& actions);
    void signal(const std::string& from, const std::string& text);
    bool serverMode() const { return engine_.config().authority == RoomAuthority::Server; }

    Engine engine_;
    std::uint64_t now_ = 1000;
};

} // namespace rtcmc::fuzz
