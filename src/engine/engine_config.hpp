// The settings of one RTCMultiConnection that the engine's decisions depend on. The facade
// copies them from the connection object (session, direction, extra, ...) before each call.
#pragma once

#include <cstdint>
#include <string>

#include "session/direction.hpp"
#include "session/session_type.hpp"

namespace rtcmc {

// Who keeps the room's truth: the owner's engine over a pub/sub channel (the seeds'
// openSignalingChannel), or our signaling server (the default socket.io channel), which binds
// userids and enforces membership, passwords, limits, ejection and owner handover.
enum class RoomAuthority { Owner, Server };

struct EngineConfig {
    RoomAuthority authority = RoomAuthority::Owner;
    std::string userid;
    // upstream `connection.channel`: onNewSession offers only rooms of this channel (our server
    // tags each room with its opener's channel; a pub/sub channel is its own scope). "" = any.
    std::string channel;
    SessionType session = defaultSession();
    Direction direction = Direction::ManyToMany;
    std::string extra = "{}";                    // JSON text
    std::uint32_t maxParticipantsAllowed = 1000; // participants besides the owner
    bool autoCloseEntireSession = false;
    std::uint32_t announceIntervalMs = 3000; // upstream `interval`
    std::uint32_t presenceTimeoutMs = 3000;  // upstream v1.8: room-not-available after 3 s
    std::string password;                    // empty: the room has none
    bool autoJoin = true; // connect() joins the room's first announcement (no onNewSession)
    bool dontAttachStream = false; // join without sending media (upstream dontAttachStream)
};

} // namespace rtcmc
