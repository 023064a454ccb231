#include "session/session_state.hpp"

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
    case SessionEvent::BecameOwner:
        return "became-owner";
    case SessionEvent::Ejected:
        return "ejected";
    case SessionEvent::SessionClosed:
        return "session-closed";
    case SessionEvent::Leave:
        return "leave";
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

// A finished session (left, ejected, closed) may start again like a new one.
bool isRestartable(SessionState state) {
    return state == SessionState::Idle || state == SessionState::Left ||
           state == SessionState::Ejected || state == SessionState::Closed;
}

} // namespace

Result<SessionState> nextState(SessionState current, SessionEvent event) {
    using S = SessionState;
    using E = SessionEvent;
    switch (event) {
    case E::Open:
        // Searching too: v1.2 pages construct with a channel (which starts looking) and open.
        if (isRestartable(current) || current == S::Searching) {
            return S::Opening;
        }
        break;
    case E::MediaReady:
        if (current == S::Opening) {
            return S::Open;
        }
        if (current == S::Joining) {
            return S::Joining;
        }
        break;
    case E::MediaFailed:
        if (current == S::Opening || current == S::Joining) {
            return S::Idle;
        }
        break;
    case E::Connect:
        if (isRestartable(current)) {
            return S::Searching;
        }
        break;
    case E::Join:
        if (isRestartable(current) || current == S::Searching) {
            return S::Joining;
        }
        break;
    case E::Accepted:
        if (current == S::Joining) {
            return S::Joined;
        }
        break;
    case E::Refused:
        if (current == S::Joining || current == S::Opening) {
            return S::Idle;
        }
        break;
    case E::BecameOwner:
        if (current == S::Joined) {
            return S::Open;
        }
        break;
    case E::Ejected:
        if (current == S::Joined || current == S::Joining) {
            return S::Ejected;
        }
        break;
    case E::SessionClosed:
        if (current == S::Joined || current == S::Joining || current == S::Searching) {
            return S::Closed;
        }
        break;
    case E::Leave:
        if (isActive(current)) {
            return S::Left;
        }
        break;
    }
    return makeError(ErrorCode::InvalidState,
                     {TextId::IllegalTransition, {toString(current), toString(event)}});
}

} // namespace rtcmc
