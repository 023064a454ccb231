// The wasm module's own vsnprintf (bindings/small_printf.cpp) against the C library's: glibc
// natively, musl in the wasm build. Both must print the same for every conversion it supports,
// count the same when the buffer is short, and print what it does not support as written.
#include "small_printf.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <string>

namespace {

struct Formatted {
    std::string text;
    int length;
};

// Format strings are parameters here on purpose: the test feeds the same one to both.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
Formatted ours(std::size_t size, const char* format, ...) {
    std::string buffer(size, '#');
    va_list args;
    va_start(args, format);
    const int length = rtcmc::smallVsnprintf(buffer.data(), size, format, args);
    va_end(args);
    return {size == 0 ? buffer : std::string(buffer.c_str()), length};
}

Formatted libc(std::size_t size, const char* format, ...) {
    std::string buffer(size, '#');
    va_list args;
    va_start(args, format);
    const int length = std::vsnprintf(buffer.data(), size, format, args);
    va_end(args);
    return {size == 0 ? buffer : std::string(buffer.c_str()), length};
}
#pragma GCC diagnostic pop

#define EXPECT_SAME(size, ...)                                                                     \
    do {                                                                                           \
        const Formatted expected = libc(size, __VA_ARGS__);                                        \
        const Formatted got = ours(size, __VA_ARGS__);                                             \
        EXPECT_EQ(got.text, expected.text) << #__VA_ARGS__;                                        \
        EXPECT_EQ(got.length, expected.length) << #__VA_ARGS__;                                    \
    } while (false)

TEST(SmallPrintf, IntegersMatchTheCLibrary) {
    EXPECT_SAME(64, "%d|%i|%d|%d", 0, 42, -42, INT_MIN);
    EXPECT_SAME(64, "%5d|%-5d|%05d|%.3d|%8.3d|%-8.3d|", 7, 7, -7, 7, -7, 7);
    EXPECT_SAME(64, "%u|%x|%X|%04x|%.4X", 4000000000u, 0xbeefu, 0xbeefu, 0xau, 0x1fu);
    EXPECT_SAME(64, "%ld|%lu|%lld|%llu", LONG_MIN, ULONG_MAX, LLONG_MIN, ULLONG_MAX);
    EXPECT_SAME(64, "%zu|%hhu|%hd|%jd", std::size_t{123456}, 200, -3, static_cast<intmax_t>(-9));
    EXPECT_SAME(64, "%*d|%-*d|%.*d", 6, 12, 6, 12, 4, 12);
    EXPECT_SAME(64, "%.0d|%5.0d|", 0, 0);
}

TEST(SmallPrintf, StringsCharactersAndPercent) {
    EXPECT_SAME(64, "%s|%10s|%-10s|%.2s|%c|%3c|%%", "json", "json", "json", "json", 'x', 'y');
    EXPECT_SAME(64, "<U+%.4X>", 0x1F600u); // nlohmann's parse error text
    EXPECT_SAME(64, "\\u%04x", 0x1fu);     // nlohmann's escape of control characters
}

TEST(SmallPrintf, AShortBufferIsCutAndTheFullLengthCounted) {
    EXPECT_SAME(5, "%s and %d", "numbers", 12345);
    EXPECT_SAME(1, "%d", 987);
    EXPECT_SAME(0, "%s", "nothing is written");
}

TEST(SmallPrintf, UnsupportedConversionsArePrintedAsWritten) {
    // Floating point stays out of the module: %f shows up visibly instead of a wrong number.
    EXPECT_EQ(ours(64, "value %f", 1.5).text, "value %f");
    EXPECT_EQ(ours(64, "50%").text, "50%");
}

} // namespace
