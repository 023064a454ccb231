#include "session/session_state.hpp"

#include <array>
#include <string>

namespace rtcmc {

const char* toString(SessionState state) {
    switch (state) {
    case SessionState::Idle:
        return "idle";
    case SessionState::Opening:
        return "opening";
    case SessionState::Open:
        return "open";
    case SessionState::Searching:
        return "searching";
    case SessionState::Joining:
        return "joining";
    case SessionState::Joined:
        return "joined";
    case SessionState::Left:
        return "left";
    case SessionState::Ejected:
        return "ejected";
    case SessionState::Closed:
        return "closed";
    }
    return "idle";
}

const char* toString(SessionEvent event) {
    switch (event) {
    case SessionEvent::Open:
        return "open";
    case SessionEvent::MediaReady:
        return "media-ready";
    case SessionEvent::MediaFailed:
        return "media-failed";
    case SessionEvent::Connect:
        return "connect";
    case SessionEvent::Join:
        return "join";
    case SessionEvent::Accepted:
        return "accepted";
    case SessionEvent::Refused:
        return "refused";
    case SessionEvent::RoomTaken:
        return "room-taken";
    case SessionEvent::BecameOwner:
        return "became-owner";
    case SessionEvent::Ejected:
        return "ejected";
    case SessionEvent::SessionClosed:
        return "session-closed";
    case SessionEvent::DonotJoin:
        return "donot-join";
    case SessionEvent::Leave:
        return "leave";
    case SessionEvent::Dropped:
        return "dropped";
    }
    return "?";
}

bool isActive(SessionState state) {
    switch (state) {
    case SessionState::Opening:
    case SessionState::Open:
    case SessionState::Searching:
    case SessionState::Joining:
    case SessionState::Joined:
        return true;
    default:
        return false;
    }
}

namespace {

using S = SessionState;
using E = SessionEvent;

// The whole lifecycle: every legal step is one row, every other step is refused. A finished
// session (left, ejected, closed) starts again like a new one (Idle).
constexpr std::array kTransitions{
    // open(); from Searching too: v1.2 pages construct with a channel (which starts looking)
    // and then open.
    Transition{S::Idle, E::Open, S::Opening},
    Transition{S::Left, E::Open, S::Opening},
    Transition{S::Ejected, E::Open, S::Opening},
    Transition{S::Closed, E::Open, S::Opening},
    Transition{S::Searching, E::Open, S::Opening},
    // Media captured (or not needed): the opener owns the room; a joiner goes on asking.
    Transition{S::Opening, E::MediaReady, S::Open},
    Transition{S::Joining, E::MediaReady, S::Joining},
    Transition{S::Opening, E::MediaFailed, S::Idle},
    Transition{S::Joining, E::MediaFailed, S::Idle},
    // connect(): look for the room.
    Transition{S::Idle, E::Connect, S::Searching},
    Transition{S::Left, E::Connect, S::Searching},
    Transition{S::Ejected, E::Connect, S::Searching},
    Transition{S::Closed, E::Connect, S::Searching},
    // join(), or the room of connect() found.
    Transition{S::Idle, E::Join, S::Joining},
    Transition{S::Searching, E::Join, S::Joining},
    Transition{S::Left, E::Join, S::Joining},
    Transition{S::Ejected, E::Join, S::Joining},
    Transition{S::Closed, E::Join, S::Joining},
    Transition{S::Joining, E::Accepted, S::Joined},
    Transition{S::Joining, E::Refused, S::Idle},
    Transition{S::Opening, E::Refused, S::Idle},
    // open() followed by connect() (the v1.2 "Second Step") and the room exists: join it.
    Transition{S::Opening, E::RoomTaken, S::Joining},
    Transition{S::Open, E::RoomTaken, S::Joining},
    Transition{S::Joined, E::BecameOwner, S::Open},
    // Over pub/sub the owner's member-left names us (it gave our link up, e.g. our offer came
    // after its connect deadline) while we count ourselves in: ask it again, once per session.
    Transition{S::Joined, E::Dropped, S::Joining},
    Transition{S::Joined, E::Ejected, S::Ejected},
    Transition{S::Joining, E::Ejected, S::Ejected},
    // The room was closed (or lost) under us; the owner's too when the server dropped it.
    Transition{S::Joined, E::SessionClosed, S::Closed},
    Transition{S::Joining, E::SessionClosed, S::Closed},
    Transition{S::Searching, E::SessionClosed, S::Closed},
    Transition{S::Open, E::SessionClosed, S::Closed},
    // donotJoin() for the room being sought or waited for.
    Transition{S::Searching, E::DonotJoin, S::Idle},
    Transition{S::Joining, E::DonotJoin, S::Idle},
    Transition{S::Opening, E::Leave, S::Left},
    Transition{S::Open, E::Leave, S::Left},
    Transition{S::Searching, E::Leave, S::Left},
    Transition{S::Joining, E::Leave, S::Left},
    Transition{S::Joined, E::Leave, S::Left},
};

} // namespace

const Transition* transitionsBegin() {
    return kTransitions.data();
}
const Transition* transitionsEnd() {
    return kTransitions.data() + kTransitions.size();
}

Result<SessionState> nextState(SessionState current, SessionEvent event) {
    for (const Transition& row : kTransitions) {
        if (row.from == current && row.event == event) {
            return row.to;
        }
    }
    return makeError(ErrorCode::InvalidState,
                     {TextId::IllegalTransition, {toString(current), toString(event)}});
}

} // namespace rtcmc
