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
    // open({captureUserMediaOnDemand: true}) (v1.8): the opener captures its media only when
    // the first participant is admitted, then sends it to everyone linked.
    bool captureMediaOnDemand = false;
    // sdpConstraints (v1.8 mandatory.OfferToReceiveAudio/Video, or offerToReceiveAudio/Video):
    // -1 = as the room's session says; 0 = do not ask for it; 1 = ask for it even when the
    // room shares none (so that media added later rides on the first negotiation).
    std::int8_t offerToReceiveAudio = -1;
    std::int8_t offerToReceiveVideo = -1;
    // candidates (v1.8 {host, reflexive, relay}; v3 {host, stun, turn}): the kinds of local ICE
    // candidates sent to peers. Relay alone also tells the browser to gather nothing else.
    bool candidateHost = true;
    bool candidateReflexive = true;
    bool candidateRelay = true;
    // trickleIce (v1.8, default true): false sends no candidate messages; each description
    // then carries every candidate (the browser waits for gathering to complete).
    bool trickleIce = true;
    // autoRedialOnFailure (v1.8, default true): a link whose path broke is restarted (ICE
    // restart through the same signaling) instead of being given up at once
    // (engine_recovery.cpp). A link reported "disconnected" gets iceRestartDelayMs to come back
    // by itself (ICE often does after a short loss); each restart gets iceRestartTimeoutMs to
    // reconnect; after maxIceRestarts restarts that did not, the peer is reported gone.
    // Engine::configure() keeps them within the bounds below, so that a page's typo cannot make
    // a link wait for days or retry without pause.
    bool autoRedialOnFailure = true;
    std::uint32_t iceRestartDelayMs = 2000;
    std::uint32_t iceRestartTimeoutMs = 6000;
    std::uint32_t maxIceRestarts = 4;
    // connection.sfu: the opener asks our signaling server to route the room's media through
    // its SFU (Janus). The server decides (it may have none); joiners follow the room.
    // sfuBitrate (bits/s) caps each published video in the SFU; 0, or a value outside
    // protocol/limits.def's bounds, leaves it to the server's default.
    bool sfu = false;
    std::uint32_t sfuBitrate = 0;
};

constexpr std::uint32_t kMaxIceRestartDelayMs = 600000;
constexpr std::uint32_t kMinIceRestartTimeoutMs = 1000;
constexpr std::uint32_t kMaxIceRestartTimeoutMs = 600000;
constexpr std::uint32_t kMaxIceRestarts = 100;

} // namespace rtcmc
