// The core's JSON reader (common/json_text.cpp) against nlohmann's json::parse, which it
// replaces in the core to keep the wasm small: the same document (same value types, so that an
// unsigned stays unsigned and 1.0 stays a double) or the same refusal, for chosen texts and for
// many random mutations of them. The one difference (a NUL byte) is stated below.
#include "common/json_text.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

// "refused", or the document with its value types (dump() writes 1 and 1.0 differently).
std::string outcome(const json& document) {
    return document.is_discarded() ? "refused" : document.dump();
}

void expectLikeNlohmann(const std::string& text) {
    const json ours = rtcmc::parseJson(text);
    // One deliberate difference: nlohmann ends its input at a NUL byte outside a string, so
    // that "1\0garbage" is 1. A raw NUL is never JSON (RFC 8259): we refuse such texts.
    if (text.find('\0') != std::string::npos) {
        ASSERT_TRUE(ours.is_discarded()) << "text: " << testing::PrintToString(text);
        return;
    }
    const json theirs = json::parse(text, nullptr, /*allow_exceptions=*/false);
    ASSERT_EQ(outcome(ours), outcome(theirs)) << "text: " << testing::PrintToString(text);
}

const std::vector<std::string>& chosenTexts() {
    static const std::vector<std::string> texts = {
        // Documents the core reads every day.
        R"({"v":1,"type":"announce","roomid":"r1","userid":"u1","extra":{"name":"Ada"}})",
        R"({"v":1,"type":"sdp","sdp":{"type":"offer","sdp":"v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\n"}})",
        R"({"transferId":7,"name":"a.bin","size":1048576,"chunkSize":16384,"hash":"0123abcd"})",
        R"([1,2,3,[4,[5,[6]]],{"a":{"b":{"c":[]}}},{},[],"",null,true,false])",
        // White space: only the four JSON allows.
        " \t\r\n{ \"a\" : [ 1 , 2 ] } \n",
        "\f1",
        "1\v",
        "\xC2\xA0"
        "1",
        // Literals.
        "true",
        "false",
        "null",
        "tru",
        "nul",
        "truex",
        "True",
        "NULL",
        "[true false]",
        // Numbers: integer kinds, their limits, doubles, and what is not a JSON number.
        "0",
        "-0",
        "1",
        "-1",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "9223372036854775807",
        "9223372036854775808",
        "123456789012345678901234567890",
        "1.0",
        "1.5e3",
        "1E-3",
        "1e+2",
        "-0.0",
        "0.1",
        "1e308",
        "1e309",
        "-1e309",
        "1e-400",
        "4.9e-324",
        "2.2250738585072014e-308",
        "01",
        "-01",
        "00",
        "1.",
        ".5",
        "-",
        "+1",
        "1e",
        "1e+",
        "1.e3",
        "0x10",
        "NaN",
        "Infinity",
        "-Infinity",
        "1 2",
        "[1,]",
        "[,1]",
        "[1 1]",
        // Strings: escapes, surrogates, control characters, UTF-8 well-formedness.
        R"("")",
        R"("a\"b\\c\/d\be\ff\ng\rh\ti")",
        R"("\u0041\u00e9\u20AC\uFFFF")",
        R"("\u0000")",
        R"("\uD83D\uDE00")",
        R"("\uD83D")",
        R"("\uDE00")",
        R"("\uD83Dx")",
        R"("\uD83D\u0041")",
        R"("\uD83D\uD83D")",
        R"("\u12")",
        R"("\u12G4")",
        R"("\x41")",
        R"("\a")",
        R"("\)",
        "\"abc",
        "\"a\tb\"",
        "\"a\nb\"",
        "\"a\x1f"
        "b\"",
        "\"a\x7f"
        "b\"",
        "\"caf\xC3\xA9\"",
        "\"\xE2\x82\xAC\"",
        "\"\xF0\x9F\x98\x80\"",
        "\"\xC0\x80\"",
        "\"\xC1\xBF\"",
        "\"\xE0\x80\xAF\"",
        "\"\xED\xA0\x80\"",
        "\"\xF4\x90\x80\x80\"",
        "\"\xF5\x80\x80\x80\"",
        "\"\x80\"",
        "\"\xC3\"",
        "\"\xE2\x82\"",
        "\"\xFF\"",
        std::string("\"a\0b\"", 5),
        // Objects: keys must be strings, a repeated key keeps its last value.
        R"({"a":1,"a":2})",
        R"({"a":{"x":1},"a":[2]})",
        R"({a:1})",
        R"({"a" 1})",
        R"({"a":})",
        R"({"a":1,})",
        R"({,"a":1})",
        R"({"a":1 "b":2})",
        R"({1:2})",
        "{",
        "}",
        "[",
        "]",
        "[}",
        "{]",
        R"({"a":[1,2}])",
        // The byte order mark and documents that are not exactly one value.
        "\xEF\xBB\xBF{}",
        "\xEF\xBB{}",
        "\xEF{}",
        "\xEF\xBB\xBF",
        "",
        " ",
        "{}{}",
        "{} x",
        "[]]",
        std::string("1\0", 2),
    };
    return texts;
}

TEST(JsonText, ReadsChosenTextsAsNlohmannDoes) {
    for (const std::string& text : chosenTexts()) {
        expectLikeNlohmann(text);
    }
}

// Random edits of the chosen texts, biased towards the bytes that matter to a JSON reader.
TEST(JsonText, ReadsMutatedTextsAsNlohmannDoes) {
    static const std::string kBytes = "{}[],:\"\\/u0123456789abcdefABCDEF.eE+- \t\r\ntrufalsn"
                                      "\x00\x1f\x7f\x80\xBF\xC2\xDF\xE0\xED\xEF\xF0\xF4\xFF";
    std::mt19937 random(20261204);
    const std::vector<std::string>& seeds = chosenTexts();
    for (int round = 0; round < 40000; ++round) {
        std::string text = seeds[random() % seeds.size()];
        const int edits = 1 + static_cast<int>(random() % 4);
        for (int edit = 0; edit < edits; ++edit) {
            const std::size_t at = text.empty() ? 0 : random() % (text.size() + 1);
            const char byte = kBytes[random() % kBytes.size()];
            switch (random() % 3) {
            case 0:
                text.insert(at, 1, byte);
                break;
            case 1:
                if (at < text.size()) {
                    text.erase(at, 1);
                }
                break;
            default:
                if (at < text.size()) {
                    text[at] = byte;
                }
                break;
            }
        }
        expectLikeNlohmann(text);
        if (HasFatalFailure()) {
            return;
        }
    }
}

// writeJson against dump(-1, ' ', false, replace): the same text for every document the reader
// accepts, and for strings of random bytes (ill-formed UTF-8, control characters) and doubles.
void expectWrittenLikeNlohmann(const json& value) {
    ASSERT_EQ(rtcmc::writeJson(value), value.dump(-1, ' ', false, json::error_handler_t::replace))
        << "value of type " << value.type_name();
}

TEST(JsonText, WritesAsNlohmannDumps) {
    for (const std::string& text : chosenTexts()) {
        const json document = rtcmc::parseJson(text);
        if (!document.is_discarded()) {
            expectWrittenLikeNlohmann(document);
        }
    }
    std::mt19937 random(4122026);
    static const std::string kBytes =
        "\"\\/\b\f\n\r\t\x00\x01\x1f\x20\x7f"
        "aZ\x80\xBF\xC2\xC3\xA9\xDF\xE0\xE2\x82\xAC\xED\xA0\xEF\xF0\x9F"
        "\x98\xF4\x90\x8F\xF5\xFF";
    for (int round = 0; round < 20000; ++round) {
        std::string text;
        const std::size_t length = random() % 12;
        for (std::size_t i = 0; i < length; ++i) {
            text += kBytes[random() % kBytes.size()];
        }
        std::uint64_t bits = (std::uint64_t{random()} << 32) | random();
        double number = 0;
        std::memcpy(&number, &bits, sizeof number);
        expectWrittenLikeNlohmann(json{{"s", text}, {text, {number, -static_cast<int>(round)}}});
        if (HasFatalFailure()) {
            return;
        }
    }
    for (const double number :
         {0.0, -0.0, 1.0, 0.1, 1e21, 1e-7, 123456789.125, 5e-324, 1.7976931348623157e308}) {
        expectWrittenLikeNlohmann(json::array({number}));
    }
}

// A hostile text of deep nesting is read without recursion: no stack overflow, natively or in
// the wasm build's smaller stack.
TEST(JsonText, ReadsDeepNestingWithoutRecursion) {
    constexpr int kDepth = 200000;
    const std::string open(kDepth, '['), close(kDepth, ']');
    const json deep = rtcmc::parseJson(open + close);
    ASSERT_TRUE(deep.is_array());
    int depth = 0;
    for (const json* at = &deep; at->is_array() && !at->empty(); at = &(*at)[0]) {
        ++depth;
    }
    EXPECT_EQ(depth + 1, kDepth);
    EXPECT_TRUE(rtcmc::parseJson(open + close.substr(1)).is_discarded());
}

} // namespace
