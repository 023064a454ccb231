// The lifecycle of one RTCMultiConnection's session, as one pure transition function that
// returns an error value for an illegal step (tested row by row in session_state_test.cpp).
#pragma once

#include "common/result.hpp"

namespace rtcmc {

enum class SessionState {
    Idle,      // nothing opened or joined yet
    Opening,   // open() called; waiting for local media before announcing the room
    Open,      // this side owns the room
    Searching, // connect() called; waiting for the room's announcement
    Joining,   // join requested (capturing media, then waiting for the owner's answer)
    Joined,    // a participant of the room
    Left,      // left on its own
    Ejected,   // thrown out by the owner
    Closed,    // the entire session was closed
};

enum class SessionEvent {
    Open,          // open()
    MediaReady,    // local media captured (or not needed)
    MediaFailed,   // local media could not be captured: the open or join is abandoned
    Connect,       // connect(): look for a room
    Join,          // join(): ask to enter a room
    Accepted,      // the room admitted us
    Refused,       // the room refused us (full, wrong password, gone), or the server
                   // refused to open it (it exists)
    RoomTaken,     // open() then connect() for a room that exists: join it instead
    BecameOwner,   // the owner left and the room passed to us
    Ejected,       // the owner ejected us
    SessionClosed, // the entire session was closed (or lost) under us
    DonotJoin,     // donotJoin() for the room being sought or waited for
    Leave,         // leave()
    Dropped,       // the owner counted us out (it gave our link up): ask to join again
};

// One legal step of the lifecycle.
struct Transition {
    SessionState from;
    SessionEvent event;
    SessionState to;
};

// Every legal step, in the table's order (session_state.cpp). The table is the only writer of
// an engine's state (Engine::transition).
const Transition* transitionsBegin();
const Transition* transitionsEnd();

const char* toString(SessionState state);
const char* toString(SessionEvent event);

// The next state by the table, or InvalidState naming "state --event--> ?".
Result<SessionState> nextState(SessionState current, SessionEvent event);

// Whether the session holds or seeks a room (leave() is meaningful).
bool isActive(SessionState state);

} // namespace rtcmc
