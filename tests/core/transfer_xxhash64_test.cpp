// XXH64 against published values and against values computed independently with the system's
// libxxhash 0.8.1 (Debian's libxxhash0), over inputs that cover every path of the algorithm:
// below one stripe (< 32 bytes), whole stripes, and every tail length (8-byte, 4-byte, 1-byte).
#include "transfer/xxhash64.hpp"

#include "transfer_test_support.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

namespace rtcmc::transfer {
namespace {

using testing::patternBytes;

struct TextVector {
    const char* text;
    std::uint64_t seed;
    std::uint64_t expected;
};

// Values published with xxHash and its Python binding's documentation, re-checked locally.
const TextVector kTextVectors[] = {
    {"", 0, 0xEF46DB3751D8E999ULL},
    {"", 1, 0xD5AFBA1336A3BE4BULL},
    {"a", 0, 0xD24EC4F1A98C6E5BULL},
    {"abc", 0, 0x44BC2CF5AD770999ULL},
    {"xxhash", 0, 0x32DD38952C4BC720ULL},
    {"xxhash", 20, 0x48B35AA98DC04F56ULL},
    {"abcdefghijklmnopqrstuvwxyz", 0, 0xCFE1F278FA89835CULL},
    {"12345678901234567890123456789012345678901234567890123456789012345678901234567890", 0,
     0xE04A477F19EE145DULL},
    {"Nobody inspects the spammish repetition", 0, 0xFBCEA83C8A378BF1ULL},
};

TEST(TransferXxh64, MatchesPublishedTextVectors) {
    for (const auto& vector : kTextVectors) {
        EXPECT_EQ(xxh64(vector.text, std::strlen(vector.text), vector.seed), vector.expected)
            << "\"" << vector.text << "\" seed " << vector.seed;
    }
}

struct PatternVector {
    std::size_t length;
    std::uint64_t seed;
    std::uint64_t expected;
};

// The first `length` bytes of patternBytes(1100, 1), hashed by libxxhash 0.8.1.
const PatternVector kPatternVectors[] = {
    {0, 0, 0xEF46DB3751D8E999ULL},
    {1, 0, 0xF88DBA187615C755ULL},
    {3, 0, 0xA8289444BACB8722ULL},
    {4, 0, 0xB5F3937E33746DFEULL},
    {5, 0, 0x2E5EFE3509569597ULL},
    {7, 0, 0x14B81207FEBDE331ULL},
    {8, 0, 0x483DBBB3EFAF16AFULL},
    {9, 0, 0x0FAA477E430AE42EULL},
    {12, 0, 0x0CB8C8F484A741A2ULL},
    {15, 0, 0x343384BE1B80B003ULL},
    {16, 0, 0x45E3168C5A177612ULL},
    {17, 0, 0x44570E72B4CAEF4FULL},
    {24, 0, 0x9E314A2F9B6938F6ULL},
    {31, 0, 0xF5C9F1CA24BFD59EULL},
    {32, 0, 0x9D7BE8531562310DULL},
    {33, 0, 0x0CA16790699C7125ULL},
    {35, 0, 0x0367C9B9EBF1081EULL},
    {40, 0, 0xE03614343FFC7287ULL},
    {63, 0, 0xA333BAEF911FF536ULL},
    {64, 0, 0x3D88D4FD7DECCFC0ULL},
    {65, 0, 0xAC4A4540F43C6383ULL},
    {96, 0, 0xA8F804F4914616F9ULL},
    {100, 0, 0x9EC1C0729F271FCDULL},
    {127, 0, 0x1EC00AD623256169ULL},
    {128, 0, 0xFB584860B12E8DDDULL},
    {129, 0, 0xA8246DDFA8E3DB1CULL},
    {255, 0, 0xE717B23579F76346ULL},
    {256, 0, 0x55B79525060EBEFBULL},
    {257, 0, 0xE5B196ADAE72C5D2ULL},
    {1000, 0, 0x08B112153CDBA2BBULL},
    {1099, 0, 0xE2C760B72FB843EDULL},
    // A seed above 32 bits exercises the 64-bit seed arithmetic (seed - prime1 wraps).
    {0, 0x9E3779B185EBCA87ULL, 0x6EC6D05F61C7E7A7ULL},
    {31, 0x9E3779B185EBCA87ULL, 0xB5D6DDD46F6491C7ULL},
    {32, 0x9E3779B185EBCA87ULL, 0x63FDEA1C248F4EF6ULL},
    {129, 0x9E3779B185EBCA87ULL, 0x758C99D723E2C103ULL},
    {1099, 0x9E3779B185EBCA87ULL, 0x346565910D98E54BULL},
    {1, 2654435761ULL, 0x8CA270B1732889F0ULL},
    {4, 2654435761ULL, 0xCBA9D0E4BC513FFFULL},
    {17, 2654435761ULL, 0x97E9073DC91B6AE5ULL},
    {33, 2654435761ULL, 0x7CC505A21B6E6997ULL},
    {64, 2654435761ULL, 0x3674878D73E5DF45ULL},
    {257, 2654435761ULL, 0xC74790FAAA758D47ULL},
    {1000, 2654435761ULL, 0xB9DD80EA2BD72F91ULL},
};

TEST(TransferXxh64, MatchesIndependentlyComputedVectorsOfEveryTailLength) {
    const auto buffer = patternBytes(1100, 1);
    for (const auto& vector : kPatternVectors) {
        EXPECT_EQ(xxh64(buffer.data(), vector.length, vector.seed), vector.expected)
            << "length " << vector.length << " seed " << vector.seed;
    }
}

TEST(TransferXxh64, DoesNotDependOnTheInputsAlignment) {
    const auto buffer = patternBytes(1100, 1);
    std::vector<std::uint8_t> shifted(1100 + 7);
    for (std::size_t misalignment = 1; misalignment < 8; ++misalignment) {
        std::memcpy(shifted.data() + misalignment, buffer.data(), 1099);
        EXPECT_EQ(xxh64(shifted.data() + misalignment, 1099, 0), 0xE2C760B72FB843EDULL);
    }
}

TEST(TransferXxh64, CopyAndHashCopiesEveryByteAndHashesLikeTheOneShot) {
    const auto buffer = patternBytes(1100, 1);
    for (const auto& vector : kPatternVectors) {
        for (std::size_t misalignment : {0U, 3U}) {
            std::vector<std::uint8_t> destination(vector.length + 8, 0xEE);
            EXPECT_EQ(copyAndXxh64(destination.data() + misalignment, buffer.data(), vector.length,
                                   vector.seed),
                      vector.expected)
                << "length " << vector.length << " seed " << vector.seed;
            EXPECT_EQ(0,
                      std::memcmp(destination.data() + misalignment, buffer.data(), vector.length));
            EXPECT_EQ(destination[misalignment + vector.length], 0xEE) << "no byte past the end";
        }
    }
}

TEST(TransferXxh64, StreamingEqualsOneShotForEverySplitPoint) {
    const auto buffer = patternBytes(300, 7);
    for (std::size_t length : {0U, 1U, 31U, 32U, 33U, 64U, 100U, 300U}) {
        const std::uint64_t expected = xxh64(buffer.data(), length, 5);
        for (std::size_t split = 0; split <= length; ++split) {
            Xxh64Stream stream(5);
            stream.update(buffer.data(), split);
            stream.update(buffer.data() + split, length - split);
            ASSERT_EQ(stream.digest(), expected) << "length " << length << " split " << split;
            ASSERT_EQ(stream.totalLength(), length);
        }
    }
}

TEST(TransferXxh64, StreamingEqualsOneShotForRandomPieceSizes) {
    const auto buffer = patternBytes(1 << 16, 3);
    const std::uint64_t expected = xxh64(buffer.data(), buffer.size(), 0);
    std::mt19937 random(42);
    for (int round = 0; round < 20; ++round) {
        Xxh64Stream stream;
        std::size_t position = 0;
        while (position < buffer.size()) {
            std::size_t piece = std::uniform_int_distribution<std::size_t>(0, 100)(random);
            if (round % 2 == 0) {
                piece *= 37; // some pieces longer than a stripe, some much longer
            }
            piece = std::min(piece, buffer.size() - position);
            stream.update(buffer.data() + position, piece);
            position += piece;
        }
        EXPECT_EQ(stream.digest(), expected);
    }
}

TEST(TransferXxh64, DigestDoesNotConsumeTheStateAndResetStartsOver) {
    Xxh64Stream stream;
    stream.update("abc", 1);
    EXPECT_EQ(stream.digest(), 0xD24EC4F1A98C6E5BULL); // "a"
    EXPECT_EQ(stream.digest(), 0xD24EC4F1A98C6E5BULL);
    stream.update("bc", 2);
    EXPECT_EQ(stream.digest(), 0x44BC2CF5AD770999ULL); // "abc"
    stream.reset(20);
    stream.update("xxhash", 6);
    EXPECT_EQ(stream.digest(), 0x48B35AA98DC04F56ULL);
    stream.reset();
    EXPECT_EQ(stream.digest(), 0xEF46DB3751D8E999ULL);
}

} // namespace
} // namespace rtcmc::transfer
