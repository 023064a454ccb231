#include "session/session_type.hpp"

#include <array>
#include <cctype>

namespace rtcmc {
namespace {

struct MediaWord {
    std::string_view word;
    bool SessionType::*flag;
};

constexpr std::array<MediaWord, 4> kMediaWords{{
    {"audio", &SessionType::audio},
    {"video", &SessionType::video},
    {"screen", &SessionType::screen},
    {"data", &SessionType::data},
}};

// Words upstream removes anywhere ("only-audio and data").
constexpr std::array<std::string_view, 2> kFillerWords{{"only", "and"}};

bool isSeparator(char c) {
    return c == '-' || c == '+' || c == '_' || c == ',' || c == '&' ||
           std::isspace(static_cast<unsigned char>(c));
}

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

Error unknownSession(std::string_view text, const Text& detail) {
    return makeError(ErrorCode::UnknownSession, Text(TextId::UnknownSession, {std::string(text)})
                                                    .then(detail)
                                                    .then(Text(TextId::SessionExpectation)));
}

// Consumes one token that may glue several words together ('audiovideodata', 'onlyaudio').
Status consumeToken(std::string_view token, std::string_view original, SessionType& session) {
    while (!token.empty()) {
        bool matched = false;
        for (std::string_view filler : kFillerWords) {
            if (token.substr(0, filler.size()) == filler) {
                token.remove_prefix(filler.size());
                matched = true;
                break;
            }
        }
        if (matched) {
            continue;
        }
        for (const MediaWord& media : kMediaWords) {
            if (token.substr(0, media.word.size()) == media.word) {
                if (session.*media.flag) {
                    return unknownSession(original,
                                          {TextId::MediaKindTwice, {std::string(media.word)}});
                }
                session.*media.flag = true;
                token.remove_prefix(media.word.size());
                matched = true;
                break;
            }
        }
        if (!matched) {
            return unknownSession(original, {TextId::NotAMediaKind, {std::string(token)}});
        }
    }
    return okStatus();
}

} // namespace

SessionType defaultSession() {
    SessionType session;
    session.audio = true;
    session.video = true;
    return session;
}

Result<SessionType> parseSession(std::string_view text) {
    if (text.size() > 256) {
        return unknownSession(text.substr(0, 32), {TextId::SessionStringTooLong});
    }
    const std::string lowered = lowercase(text);
    SessionType session;
    size_t position = 0;
    while (position < lowered.size()) {
        while (position < lowered.size() && isSeparator(lowered[position])) {
            ++position;
        }
        size_t end = position;
        while (end < lowered.size() && !isSeparator(lowered[end])) {
            ++end;
        }
        if (end > position) {
            Status consumed = consumeToken(
                std::string_view(lowered).substr(position, end - position), text, session);
            if (!consumed) {
                return consumed.error();
            }
        }
        position = end;
    }
    if (!session.hasMedia() && !session.data) {
        return unknownSession(text, {TextId::NamesNoMediaKind});
    }
    return session;
}

Result<SessionType> validateSession(const SessionType& session) {
    if (!session.hasMedia() && !session.data) {
        return makeError(ErrorCode::UnknownSession, {TextId::SessionObjectEnablesNothing});
    }
    if (session.oneway && session.broadcast) {
        return makeError(ErrorCode::UnknownSession, {TextId::SessionObjectTwoDirections});
    }
    return session;
}

std::string toString(const SessionType& session) {
    std::string out;
    for (const MediaWord& media : kMediaWords) {
        if (session.*media.flag) {
            out += media.word;
        }
    }
    return out;
}

} // namespace rtcmc
