// One step of a model run: a page's call, the delivery of one pending message, one browser
// report, the passage of time, a fault, or "let everything settle". A run is a list of steps;
// the generator (model_generator.hpp) writes it from a seed, the world (model_world.hpp)
// replays it, and the shrinker removes steps. A step names what it acts on (users, a kind of
// report), not a position in a queue, so that it still means the same thing, or nothing, when
// earlier steps are removed.
#pragma once

#include <cstdint>
#include <string>

namespace rtcmc::fuzz::model {

enum class StepKind {
    Call,              // user does `call` (room, peer or text as the call needs)
    DeliverSignal,     // pub/sub: the next message from user to peer arrives
    ServerTakes,       // server authority: the server handles user's next request or relay
    ServerDelivers,    // server authority: user's connection gets its next event, reply or relay
    Browser,           // user's browser reports `report` about peer (or about its media)
    Tick,              // `amount` ms pass; every engine ticks
    Send,              // user sends `amount` bytes in chunks of `extra` to peer (data channel)
    DeliverData,       // the next packet from user to peer arrives
    LinkFails,         // the connection between user and peer fails (both ends report it)
    Crash,             // user's tab disappears without a goodbye
    Restart,           // a crashed user comes back with a fresh engine
    RepeatReport,      // user's browser reports `report` about peer again (duplicate, or late)
    CorruptData,       // the next chunk from user to peer has a flipped byte
    DuplicateData,     // the next packet from user to peer arrives twice
    SwapData,          // the next two packets from user to peer swap places
    DataChannelCloses, // the data channel between user and peer closes (the link stays)
    Settle,            // everything pending happens, time passes, until nothing is left
};

enum class Call {
    Open,
    Connect,
    Join,
    Leave,
    Eject,
    UpdateExtra,
    CheckPresence,
    AddStream,
    DonotJoin,
    Mute,
};

enum class Report {
    Offer,       // the offerer's connection made its offer (and a candidate)
    Answer,      // the answerer's connection answered
    Connected,   // connectionState "connected"
    DataOpen,    // the data channel opened
    Closed,      // the far end closed the connection
    Failed,      // the connection failed
    MediaReady,  // getUserMedia succeeded
    MediaFailed, // getUserMedia failed
};

struct Step {
    StepKind kind = StepKind::Settle;
    int user = 0;
    int peer = 0;
    Call call = Call::Open;
    Report report = Report::Connected;
    std::string room;         // Call: Open, Connect, Join, CheckPresence, DonotJoin
    std::uint32_t amount = 0; // Tick: ms; Send: bytes; Settle: the order's seed
    std::uint32_t extra = 0;  // Send: chunk size
};

// A step of `kind` about `user` (and `peer`), every other field at its default.
inline Step stepOf(StepKind kind, int user = 0, int peer = 0) {
    Step step;
    step.kind = kind;
    step.user = user;
    step.peer = peer;
    return step;
}

// "u2 join r1", "u1 -> u3: deliver signal", "u2's browser: answer for u1", ...
std::string describe(const Step& step);
std::string userName(int user);

} // namespace rtcmc::fuzz::model
