// Text's arguments given as numbers (TextArg) read as std::to_string wrote them, and the JSON
// text Text writes itself (appendJson, for data-plane notices) is what writeJson(toJson()) is.
#include "common/json_text.hpp"
#include "common/text.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace rtcmc {
namespace {

std::vector<std::string> argsOf(const Text& text) {
    std::vector<std::string> args;
    text.forEachPart([&](TextId, const std::vector<std::string_view>& parts) {
        for (std::string_view part : parts) {
            args.emplace_back(part);
        }
    });
    return args;
}

TEST(TextArgs, NumbersReadAsToStringWritesThem) {
    const std::uint64_t largest = std::numeric_limits<std::uint64_t>::max();
    const std::int64_t smallest = std::numeric_limits<std::int64_t>::min();
    const Text text(TextId::TooLongFor, {0u, 42, -7, largest, smallest, std::uint8_t{200}});
    EXPECT_EQ(argsOf(text), (std::vector<std::string>{"0", "42", "-7", std::to_string(largest),
                                                      std::to_string(smallest), "200"}));
}

TEST(TextArgs, WordsStayWords) {
    const std::string owned = "bob";
    const std::string_view view = "file.bin";
    const Text text(TextId::TooLongFor, {owned, view, "a packet"});
    EXPECT_EQ(argsOf(text), (std::vector<std::string>{"bob", "file.bin", "a packet"}));
}

// A number is told from words by a null pointer with a non-zero length: empty words, whose
// pointer may be null too, stay empty words, and 1 and 2 stay numbers.
TEST(TextArgs, EmptyWordsAreNotNumbers) {
    const Text text(TextId::TooLongFor, {std::string_view(), "", std::string(), 1, 2, -1});
    EXPECT_EQ(argsOf(text), (std::vector<std::string>{"", "", "", "1", "2", "-1"}));
}

TEST(TextArgs, AppendJsonWritesWhatWriteJsonOfToJsonWrites) {
    const std::vector<Text> texts = {
        Text(),
        Text(TextId::NotSentNobody),
        Text(TextId::TooLongFor, {"a \"quoted\" packet\n", 262145, 262144}),
        Text(TextId::JobFile, {"\xC3\xA9t\xC3\xA9.bin"})
            .then(Text(TextId::NotSentPeerLeft, {""}))
            .then(Text(TextId::SourceUnreadable, {"NotReadableError: \x01 gone"})),
        Text(TextId::JobFile, {"broken \xC3 utf-8"}),
    };
    for (const Text& text : texts) {
        std::string written;
        text.appendJson(written);
        EXPECT_EQ(written, writeJson(text.toJson()));
    }
}

} // namespace
} // namespace rtcmc
