// The protocol's bounds (protocol/limits.def) as the core applies them: characters are Unicode
// code points of well-formed UTF-8, so an id of 128 emoji (512 bytes) is as long as one of 128
// ASCII letters, and the engine refuses settings the server would refuse before anything leaves.
// tests/js/server/protocol-limits.test.js checks that the server agrees at the same bounds.
#include <gtest/gtest.h>

#include "common/utf8.hpp"
#include "engine/engine.hpp"
#include "protocol/codec.hpp"
#include "protocol/limits.hpp"
#include "support/texts.hpp"

#include <string>

namespace rtcmc {
namespace {

namespace proto = protocol;

const std::string kEmoji = "\xF0\x9F\x98\x80"; // U+1F600, two UTF-16 units in JS

std::string repeat(const std::string& unit, std::size_t times) {
    std::string text;
    for (std::size_t i = 0; i < times; ++i) {
        text += unit;
    }
    return text;
}

TEST(Utf8, CountsCodePointsOfWellFormedTextOnly) {
    EXPECT_EQ(utf8CodePoints(""), 0u);
    EXPECT_EQ(utf8CodePoints("abc"), 3u);
    EXPECT_EQ(utf8CodePoints("r\xC3\xA9sum\xC3\xA9"), 6u);
    EXPECT_EQ(utf8CodePoints(kEmoji + "a"), 2u);
    EXPECT_EQ(utf8CodePoints("\xED\xA0\x80"), std::nullopt) << "a surrogate";
    EXPECT_EQ(utf8CodePoints("\xC0\x80"), std::nullopt) << "an overlong NUL";
    EXPECT_EQ(utf8CodePoints("\xF4\x90\x80\x80"), std::nullopt) << "past U+10FFFF";
    EXPECT_EQ(utf8CodePoints("a\xE2\x82"), std::nullopt) << "a cut sequence";
    EXPECT_EQ(utf8CodePoints("\x80"), std::nullopt) << "a lone continuation byte";
}

TEST(Utf8, PrefixNeverCutsACharacter) {
    EXPECT_EQ(utf8Prefix("abc", 5), "abc");
    EXPECT_EQ(utf8Prefix("abc", 2), "ab");
    EXPECT_EQ(utf8Prefix("a" + kEmoji, 4), "a");
    EXPECT_EQ(utf8Prefix("a" + kEmoji, 5), "a" + kEmoji);
    EXPECT_EQ(utf8Prefix("\xC3\xA9\xC3\xA9", 3), "\xC3\xA9");
    EXPECT_TRUE(isValidUtf8(utf8Prefix(repeat("\xC3\xA9", 600), proto::kMaxAbortReasonBytes - 1)));
}

TEST(ProtocolLimits, IdsAreCountedInCodePoints) {
    EXPECT_TRUE(proto::validateId("userid", repeat("a", proto::kMaxIdChars)).ok());
    EXPECT_TRUE(proto::validateId("userid", repeat(kEmoji, proto::kMaxIdChars)).ok());
    const Status tooLong = proto::validateId("userid", repeat(kEmoji, proto::kMaxIdChars + 1));
    ASSERT_FALSE(tooLong.ok());
    EXPECT_EQ(describe(tooLong.error().text), "userid is longer than 128 characters");
    const Status surrogate = proto::validateId("channel", "a\xED\xA0\x80");
    ASSERT_FALSE(surrogate.ok());
    EXPECT_EQ(describe(surrogate.error().text),
              "channel must be well-formed Unicode (no lone surrogate)");
    EXPECT_FALSE(proto::validateId("userid", "a\x7F").ok());
}

// The words of the first onerror that open() gives, or "" when it gives none.
std::string openError(const EngineConfig& config) {
    Engine engine(config);
    for (const Action& action : engine.open("room", 0)) {
        if (action.event == PageEvent::OnError) {
            return testing::wordsOf(action);
        }
    }
    return "";
}

TEST(ProtocolLimits, TheEngineRefusesSettingsTheServerWouldRefuse) {
    EngineConfig config;
    config.userid = "me";
    config.authority = RoomAuthority::Server;
    config.password = repeat("\xC3\xA9", proto::kMaxPasswordChars);
    EXPECT_EQ(openError(config), "");
    config.password += "x";
    EXPECT_NE(openError(config).find("password is longer than 256 characters"), std::string::npos)
        << openError(config);
    config.password = "ok";

    config.maxParticipantsAllowed = static_cast<std::uint32_t>(proto::kMaxParticipantsAllowed);
    EXPECT_EQ(openError(config), "");
    for (std::size_t refused : {std::size_t{0}, proto::kMaxParticipantsAllowed + 1}) {
        config.maxParticipantsAllowed = static_cast<std::uint32_t>(refused);
        EXPECT_NE(openError(config).find("maxParticipantsAllowed must be a whole number from 1 to "
                                         "10000"),
                  std::string::npos)
            << refused;
    }
    config.maxParticipantsAllowed = 10;
    config.channel = repeat(kEmoji, proto::kMaxIdChars + 1);
    EXPECT_NE(openError(config).find("channel is longer than 128 characters"), std::string::npos);
}

} // namespace
} // namespace rtcmc
