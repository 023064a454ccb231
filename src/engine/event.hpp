// Everything the engine hears, as one closed set of kinds with typed fields: the page's calls,
// the browser's reports, the signaling channel's messages and time. bindings/ exposes EventKind
// with embind's enum_ and Event as a value_object, and the facade (web/runtime.js) reaches the
// engine only through Engine::handle(Event). Native code (tests, fuzzers) may call the
// engine's methods directly: handle() is a switch over them. Each field means one thing per
// kind (the table below).
#pragma once

#include <cstdint>
#include <string>

#include "engine/engine.hpp"

namespace rtcmc {

enum class EventKind : std::uint8_t {
    // The page's calls.
    Open,          // id = room
    Connect,       // id = room
    Join,          // id = room; flag: media = what to send (join(id, {audio:true}))
    Leave,         //
    Eject,         // peer = the user to eject
    UpdateExtra,   // text = the new extra (JSON)
    CheckPresence, // id = room
    DonotJoin,     // id = room
    SetMuted,      // id = stream; media.audio / media.video = which tracks; flag = muted
    EndStream,     // id = stream (removeStream)
    AddStream,     // media = what to add
    // Time.
    Tick, //
    // The browser.
    MediaReady,          // id = the captured stream; media = what it carries
    MediaFailed,         // text = the browser's reason
    StreamAdded,         // id = a stream captured for addStream(); media = what it carries
    PeerStateChanged,    // peer; state
    DataChannelOpened,   // peer
    DataChannelClosed,   // peer
    LocalDescription,    // peer; name = "offer" | "answer"; text = SDP
    LocalCandidate,      // peer; text = candidate ("" = end of candidates); name = sdpMid;
                         // index = sdpMLineIndex (-1: none)
    RemoteStreamAdded,   // peer; id = stream
    RemoteStreamRemoved, // peer; id = stream
    // The signaling channel.
    Signal,      // text = the message; peer = its sender as the channel vouches for it ("" if
                 // the channel cannot tell)
    ServerReply, // name = the request; body = what it carried (JSON); text = the answer (JSON)
    ServerEvent, // name = the event; text = its payload (JSON)
};

struct Event {
    EventKind kind = EventKind::Tick;
    std::string peer;
    std::string id;
    std::string name;
    std::string text;
    std::string body;
    SessionType media;
    bool flag = false;
    PeerState state = PeerState::Connecting;
    int index = -1;
    double now = 0; // ms, for every kind
};

// The engine's answer to one event.
Actions handle(Engine& engine, const Event& event);

} // namespace rtcmc
