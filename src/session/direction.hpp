// Who talks to whom. Upstream's `connection.direction` in every spelling ('one-to-one',
// 'ONE to MANY', 'oNe-wAy', RTCDirection.*) and the rules each direction implies.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/result.hpp"
#include "session/session_type.hpp"

namespace rtcmc {

enum class Direction {
    ManyToMany, // full mesh, everyone sends and receives (the default)
    OneToMany,  // two-way star around the owner; participants never meet each other
    OneToOne,   // the owner and exactly one participant
    OneWay,     // the owner broadcasts; participants capture nothing and only receive
};

// Lowercases and drops '-', '_' and spaces, then matches oneway / onetoone / onetomany /
// manytomany. Anything else is an UnknownDirection error.
Result<Direction> parseDirection(std::string_view text);

// The canonical spelling, also the value of RTCDirection.*: 'one-way', 'one-to-one', ...
const char* toString(Direction direction);

// The object form of a session can choose the direction (upstream v1.3+): oneway → OneWay,
// broadcast → OneToMany; otherwise the configured direction stands.
Direction effectiveDirection(Direction configured, const SessionType& session);

// Whether two members of a room hold a peer connection with each other.
bool shouldConnect(Direction direction, bool firstIsOwner, bool secondIsOwner);

// The media one side of a link sends and expects to receive.
struct MediaPlan {
    bool sendAudio = false;
    bool sendVideo = false;
    bool sendScreen = false;
    bool receiveAudio = false;
    bool receiveVideo = false; // camera or screen
    bool data = false;         // an RTCDataChannel on this link

    bool sendsMedia() const { return sendAudio || sendVideo || sendScreen; }
};

// `session` is what the room shares; `joinedAs` is what this side chose to send when joining
// (upstream v1.8 join(sessionid, {audio:true}) or {oneway:true}); pass the room's session if
// the side did not choose. In a one-way room only the owner sends.
MediaPlan planMedia(Direction direction, const SessionType& session, const SessionType& joinedAs,
                    bool selfIsOwner);

// Whether this side must capture local media at all before joining or opening.
bool needsLocalMedia(Direction direction, const SessionType& sendAs, bool selfIsOwner);

// Participants allowed besides the owner: one-to-one caps it at 1; otherwise the room's
// maxParticipantsAllowed (upstream: 1 means one-to-one).
std::size_t participantLimit(Direction direction, std::size_t maxParticipantsAllowed);

} // namespace rtcmc
