// The wasm module's own strtod (bindings/small_strtod.cpp) against the C library's: glibc
// natively, musl in the wasm build. Both must give the same double, bit for bit, and stop at
// the same character, for every decimal number: the short ones JSON carries every day, the
// 17-digit round trips, long digit strings, halfway cases, subnormals and the ends of the range.
#include "small_strtod.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cfloat>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

namespace {

std::uint64_t bitsOf(double value) {
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
}

double fromBits(std::uint64_t bits) {
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

// Parses `text` with both and expects the same value and the same end.
void expectSame(const std::string& text) {
    char* libraryEnd = nullptr;
    char* ourEnd = nullptr;
    const double library = std::strtod(text.c_str(), &libraryEnd);
    const double ours = rtcmc::smallStrtod(text.c_str(), &ourEnd);
    ASSERT_EQ(bitsOf(ours), bitsOf(library))
        << "\"" << text << "\": ours " << ours << ", the C library's " << library;
    ASSERT_EQ(ourEnd - text.c_str(), libraryEnd - text.c_str()) << "\"" << text << "\"";
}

std::string format(const char* pattern, double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, pattern, value);
    return buffer;
}

TEST(SmallStrtod, EverydayJsonNumbers) {
    for (const char* text : {"0",
                             "-0",
                             "0.0",
                             "1",
                             "-1",
                             "0.5",
                             "0.1",
                             "0.2",
                             "0.3",
                             "1.5",
                             "3.14159",
                             "2.5e3",
                             "1e10",
                             "1E-7",
                             "-12.75e+2",
                             "123456789012345678",
                             "1234567890123456789012",
                             "9007199254740992",
                             "9007199254740993",
                             "9007199254740995",
                             "0.000001",
                             "1700000000000.5",
                             "6.02214076e23",
                             "1.602176634e-19",
                             "100",
                             "1e22",
                             "1e23"}) {
        expectSame(text);
    }
}

TEST(SmallStrtod, RoundTripsOfRandomDoubles) {
    std::mt19937_64 random(20261204);
    for (int i = 0; i < 30000; ++i) {
        double value;
        do {
            value = fromBits(random());
        } while (!std::isfinite(value));
        expectSame(format("%.17g", value));
        expectSame(format("%.16g", value));
        expectSame(format("%.6g", value));
    }
}

TEST(SmallStrtod, RandomDigitStringsAndExponents) {
    std::mt19937_64 random(7);
    for (int i = 0; i < 30000; ++i) {
        std::string text;
        const int digits = 1 + static_cast<int>(random() % 40);
        for (int d = 0; d < digits; ++d) {
            text += static_cast<char>('0' + random() % 10);
        }
        if (random() % 2) {
            text.insert(random() % text.size(), ".");
        }
        text += "e" + std::to_string(static_cast<int>(random() % 700) - 350);
        expectSame(text);
    }
}

TEST(SmallStrtod, HalfwayPointsRoundToEven) {
    // 2^53 + 1 and 2^53 + 3 lie halfway between doubles; the exact midpoints of many doubles,
    // written out in full, and the same plus or minus a little beyond the 17th digit.
    expectSame("9007199254740993");
    expectSame("9007199254740995");
    expectSame("9007199254740993.0000000000000000000000000000001");
    expectSame("9007199254740992.9999999999999999999999999999999");
    std::mt19937_64 random(99);
    for (int i = 0; i < 2000; ++i) {
        const double value = std::ldexp(static_cast<double>((random() >> 11) | 1),
                                        static_cast<int>(random() % 200) - 100);
        const double next = std::nextafter(value, INFINITY);
        // The midpoint has one more bit than a double: print it exactly with %.{many}f/e.
        const long double middle = (static_cast<long double>(value) + next) / 2;
        char buffer[2048];
        std::snprintf(buffer, sizeof buffer, "%.1000Le", middle);
        expectSame(buffer);
    }
}

TEST(SmallStrtod, LongDigitStrings) {
    // More digits than the 800 kept: the rest still decides a halfway case.
    std::string halfway = "9007199254740993";
    expectSame(halfway + std::string(900, '0'));
    expectSame(halfway + std::string(900, '0') + "1");
    expectSame("0." + std::string(500, '0') + "123456789");
    expectSame(std::string(1200, '9'));
    expectSame("1" + std::string(1000, '0') + "e-1000");
}

TEST(SmallStrtod, SubnormalsAndTheEndsOfTheRange) {
    for (const char* text :
         {"4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
          "2.2250738585072011e-308", "2.2250738585072014e-308", "2.225073858507201136e-308",
          "1e-320", "3e-324", "1e-400", "1.7976931348623157e308", "1.7976931348623158e308",
          "1.797693134862315807e308", "1e308", "-1e308"}) {
        expectSame(text);
    }
}

TEST(SmallStrtod, OverflowAndUnderflowSetErange) {
    for (const char* text : {"1e309", "-1e400", "1.8e308", "1e-400", "-2e-324", "1e99999999"}) {
        errno = 0;
        const double ours = rtcmc::smallStrtod(text, nullptr);
        EXPECT_EQ(errno, ERANGE) << text;
        EXPECT_EQ(bitsOf(ours), bitsOf(std::strtod(text, nullptr))) << text;
    }
}

TEST(SmallStrtod, StopsWhereTheNumberEnds) {
    for (const char* text : {"12abc", "  \t-0.5e", "1.5e+", "5.", ".5", "-.5e1x", "+7", "1e5.5",
                             "007", "0.0e0e0", "12,5", "1_000"}) {
        expectSame(text);
    }
}

TEST(SmallStrtod, WhatIsNotADecimalNumberIsNotParsed) {
    for (const char* text :
         {"", "abc", "-", "+", ".", "-.", "e5", " ", "inf", "nan", "-infinity"}) {
        char* end = nullptr;
        EXPECT_EQ(bitsOf(rtcmc::smallStrtod(text, &end)), bitsOf(0.0)) << text;
        EXPECT_EQ(end, text) << text;
    }
    // Hexadecimal: the C library reads 0x10 as 16; here only the leading 0 is a number.
    char* end = nullptr;
    const char* hex = "0x10";
    EXPECT_EQ(rtcmc::smallStrtod(hex, &end), 0.0);
    EXPECT_EQ(end, hex + 1);
}

} // namespace
