#include <gtest/gtest.h>

#include "session/session_type.hpp"

namespace rtcmc {
namespace {

SessionType media(bool audio, bool video, bool screen, bool data) {
    SessionType session;
    session.audio = audio;
    session.video = video;
    session.screen = screen;
    session.data = data;
    return session;
}

struct SpellingCase {
    const char* text;
    SessionType expected;
    const char* canonical;
};

// Every spelling in the seed documents, the RTCSession values, and orders upstream refused.
class SessionSpelling : public ::testing::TestWithParam<SpellingCase> {};

TEST_P(SessionSpelling, NormalisesToOneValue) {
    const SpellingCase& c = GetParam();
    Result<SessionType> parsed = parseSession(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << describe(parsed.error().text);
    EXPECT_EQ(parsed.value(), c.expected) << c.text;
    EXPECT_EQ(toString(parsed.value()), c.canonical) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Seeds, SessionSpelling,
    ::testing::Values(
        SpellingCase{"audio + video and data", media(true, true, false, true), "audiovideodata"},
        SpellingCase{"audio + video + data", media(true, true, false, true), "audiovideodata"},
        SpellingCase{"audio-video-data", media(true, true, false, true), "audiovideodata"},
        SpellingCase{"audio and video and data", media(true, true, false, true), "audiovideodata"},
        SpellingCase{"AUDIO + VIDEO and DATA", media(true, true, false, true), "audiovideodata"},
        SpellingCase{"audiovideodata", media(true, true, false, true), "audiovideodata"},
        SpellingCase{"audio and-video + data", media(true, true, false, true), "audiovideodata"},
        SpellingCase{"only-audio", media(true, false, false, false), "audio"},
        SpellingCase{"only audio", media(true, false, false, false), "audio"},
        SpellingCase{"audio + video", media(true, true, false, false), "audiovideo"},
        SpellingCase{"screen + data", media(false, false, true, true), "screendata"},
        SpellingCase{"only-audio and data", media(true, false, false, true), "audiodata"},
        SpellingCase{"only video + data", media(false, true, false, true), "videodata"},
        SpellingCase{"only screen", media(false, false, true, false), "screen"},
        SpellingCase{"only-data", media(false, false, false, true), "data"},
        SpellingCase{"only data", media(false, false, false, true), "data"},
        SpellingCase{"Only-Video", media(false, true, false, false), "video"},
        // Upstream silently captured audio+video for these; we read what was meant.
        SpellingCase{"video + audio", media(true, true, false, false), "audiovideo"},
        SpellingCase{"data+audio", media(true, false, false, true), "audiodata"},
        SpellingCase{"  audio\t+\nvideo  ", media(true, true, false, false), "audiovideo"}));

TEST(SessionParse, RejectsUnknownWordsWithTheWordInTheMessage) {
    const char* bad[] = {"",           "   ",           "only",     "and",
                         "audi",       "audio + vidoe", "hologram", "audio audio",
                         "audioaudio", "screenshare",   "12345",    "audio+video+smell"};
    for (const char* text : bad) {
        Result<SessionType> parsed = parseSession(text);
        ASSERT_FALSE(parsed.ok()) << "'" << text << "' must be refused";
        EXPECT_EQ(parsed.error().code, ErrorCode::UnknownSession);
        EXPECT_NE(describe(parsed.error().text).find("unknown session"), std::string::npos);
    }
    Result<SessionType> typo = parseSession("audio + vidoe");
    EXPECT_NE(describe(typo.error().text).find("'vidoe'"), std::string::npos)
        << describe(typo.error().text);
}

TEST(SessionParse, RefusesAbsurdlyLongInput) {
    EXPECT_FALSE(parseSession(std::string(100000, 'a')).ok());
}

TEST(SessionObjectForm, ValidatesFlags) {
    SessionType empty;
    EXPECT_FALSE(validateSession(empty).ok());
    SessionType onlyOneway;
    onlyOneway.oneway = true;
    EXPECT_FALSE(validateSession(onlyOneway).ok()) << "oneway alone shares nothing";
    SessionType both = media(true, true, false, false);
    both.oneway = true;
    both.broadcast = true;
    EXPECT_FALSE(validateSession(both).ok());
    SessionType broadcast = media(true, true, false, true);
    broadcast.broadcast = true;
    ASSERT_TRUE(validateSession(broadcast).ok());
    EXPECT_EQ(toString(broadcast), "audiovideodata") << "direction flags are not media";
}

TEST(SessionHelpers, MatchUpstreamStringHelpers) {
    EXPECT_TRUE(parseSession("only-audio").value().isAudioOnly());
    EXPECT_TRUE(parseSession("audio and data").value().isAudioOnly());
    EXPECT_FALSE(parseSession("audio + video").value().isAudioOnly());
    EXPECT_TRUE(parseSession("screen + data").value().isScreen());
    EXPECT_TRUE(parseSession("only data").value().isDataOnly());
    EXPECT_FALSE(parseSession("audio and data").value().isDataOnly());
    EXPECT_EQ(toString(defaultSession()), "audiovideo");
}

} // namespace
} // namespace rtcmc
