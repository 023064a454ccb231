#include "session/direction.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace rtcmc {

Result<Direction> parseDirection(std::string_view text) {
    std::string compact;
    for (char c : text.substr(0, 64)) {
        if (c == '-' || c == '_' || std::isspace(static_cast<unsigned char>(c))) {
            continue;
        }
        compact += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (text.size() <= 64) {
        if (compact == "manytomany") {
            return Direction::ManyToMany;
        }
        if (compact == "onetomany") {
            return Direction::OneToMany;
        }
        if (compact == "onetoone") {
            return Direction::OneToOne;
        }
        if (compact == "oneway") {
            return Direction::OneWay;
        }
    }
    return makeError(ErrorCode::UnknownDirection,
                     {TextId::UnknownDirection, {std::string(text.substr(0, 64))}});
}

const char* toString(Direction direction) {
    switch (direction) {
    case Direction::ManyToMany:
        return "many-to-many";
    case Direction::OneToMany:
        return "one-to-many";
    case Direction::OneToOne:
        return "one-to-one";
    case Direction::OneWay:
        return "one-way";
    }
    return "many-to-many";
}

Direction effectiveDirection(Direction configured, const SessionType& session) {
    if (session.oneway) {
        return Direction::OneWay;
    }
    if (session.broadcast) {
        return Direction::OneToMany;
    }
    return configured;
}

bool shouldConnect(Direction direction, bool firstIsOwner, bool secondIsOwner) {
    if (direction == Direction::ManyToMany) {
        return true;
    }
    return firstIsOwner != secondIsOwner;
}

MediaPlan planMedia(Direction direction, const SessionType& session, const SessionType& joinedAs,
                    bool selfIsOwner) {
    MediaPlan plan;
    plan.data = session.data;
    // What may flow on this link at all is what the room shares.
    const bool oneWay = direction == Direction::OneWay;
    const bool selfSends = selfIsOwner || (!oneWay && !joinedAs.oneway);
    if (selfSends) {
        const SessionType& sendAs = selfIsOwner ? session : joinedAs;
        plan.sendAudio = sendAs.audio && session.audio;
        plan.sendVideo = sendAs.video && session.video;
        plan.sendScreen = sendAs.screen && session.screen;
    }
    // The owner of a one-way room receives nothing; everyone else receives what the room shares
    // (a participant who joined audio-only still sees the others' video).
    const bool selfReceives = !(oneWay && selfIsOwner);
    if (selfReceives) {
        plan.receiveAudio = session.audio;
        plan.receiveVideo = session.video || session.screen;
    }
    return plan;
}

bool needsLocalMedia(Direction direction, const SessionType& sendAs, bool selfIsOwner) {
    if (!sendAs.hasMedia() || (sendAs.oneway && !selfIsOwner)) {
        return false;
    }
    return selfIsOwner || direction != Direction::OneWay;
}

std::size_t participantLimit(Direction direction, std::size_t maxParticipantsAllowed) {
    if (direction == Direction::OneToOne) {
        return 1;
    }
    return std::max<std::size_t>(maxParticipantsAllowed, 1);
}

} // namespace rtcmc
