// What a session shares: upstream's `connection.session`, given as a string in any spelling
// ('audio + video and data', 'only-audio', 'AUDIO + VIDEO and DATA', RTCSession.* values) or
// in the object form ({audio, video, screen, data, oneway, broadcast}). Both normalise to one
// SessionType value.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace rtcmc {

struct SessionType {
    bool audio = false;
    bool video = false;
    bool screen = false;
    bool data = false;
    // Object-form flags that choose a direction (see direction.hpp): oneway = one-way
    // broadcast, broadcast = one-to-many two-way star.
    bool oneway = false;
    bool broadcast = false;

    bool hasMedia() const { return audio || video || screen; }
    bool isDataOnly() const { return data && !hasMedia(); }
    // Upstream's String.prototype.isAudio(): 'audio' or 'audiodata'.
    bool isAudioOnly() const { return audio && !video && !screen; }
    // Upstream's String.prototype.isScreen(): 'screen' or 'screendata'.
    bool isScreen() const { return screen; }

    friend bool operator==(const SessionType& a, const SessionType& b) {
        return a.audio == b.audio && a.video == b.video && a.screen == b.screen &&
               a.data == b.data && a.oneway == b.oneway && a.broadcast == b.broadcast;
    }
    friend bool operator!=(const SessionType& a, const SessionType& b) { return !(a == b); }
};

// The library's default: audio + video (v1.2 RTCSession.AudioVideo).
SessionType defaultSession();

// Parses a session string. Upstream strips '-', spaces, '+', 'only' and 'and' and matches the
// rest against the RTCSession values; we do the same but accept the media words in any order
// (upstream silently fell back to audio+video on 'video + audio'). Anything else is an
// UnknownSession error naming the offending word.
Result<SessionType> parseSession(std::string_view text);

// Validates the object form: at least one of audio, video, screen, data must be set.
Result<SessionType> validateSession(const SessionType& session);

// The canonical RTCSession value ('audiovideodata', 'screen', ...): media words in upstream's
// order audio, video, screen, data, without the direction flags.
std::string toString(const SessionType& session);

} // namespace rtcmc
