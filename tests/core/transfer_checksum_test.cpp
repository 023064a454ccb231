// The transfer checksum: XXH64 over the chunks' 8-byte little-endian digests in index order,
// whatever order the chunks arrive in (docs/protocol-packets.md, "Checksum").
#include "transfer/transfer_checksum.hpp"

#include "transfer_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

namespace rtcmc::transfer {
namespace {

using testing::bytesOf;
using testing::patternBytes;

TEST(TransferChecksum, MatchesTheDocumentedInteroperabilityVector) {
    // docs/protocol-packets.md: 43 bytes cut into chunks of 16, 16 and 11 bytes.
    const auto text = bytesOf("The quick brown fox jumps over the lazy dog");
    const std::uint64_t expectedDigests[] = {0x0F7E67014943A311ULL, 0xF6CF52469AE95C79ULL,
                                             0x4A7A768291C25123ULL};
    TransferChecksum checksum;
    for (std::uint32_t index = 0; index < 3; ++index) {
        const std::size_t offset = index * 16;
        const std::size_t length = std::min<std::size_t>(16, text.size() - offset);
        const std::uint64_t digest = chunkDigest(ConstBytes(text.data() + offset, length));
        EXPECT_EQ(digest, expectedDigests[index]);
        checksum.add(index, digest);
    }
    EXPECT_EQ(checksum.value(), 0x6FFF9B864EAFE57AULL);
}

TEST(TransferChecksum, OfAnEmptyTransferIsTheHashOfNothing) {
    EXPECT_EQ(TransferChecksum().value(), 0xEF46DB3751D8E999ULL);
}

TEST(TransferChecksum, EqualsTheDefinitionForAnyArrivalOrder) {
    const auto digests = patternBytes(8 * 500, 9);
    std::vector<std::uint64_t> values(500);
    std::memcpy(values.data(), digests.data(), digests.size());

    // The definition, written out: one XXH64 over the concatenated little-endian digests.
    std::vector<std::uint8_t> concatenated;
    for (const auto value : values) {
        testing::putLittleEndian(concatenated, value, 8);
    }
    const std::uint64_t expected = xxh64(concatenated.data(), concatenated.size());

    std::vector<std::uint32_t> order(values.size());
    std::iota(order.begin(), order.end(), 0U);
    std::mt19937 random(1);
    for (int round = 0; round < 4; ++round) {
        if (round == 1) {
            std::reverse(order.begin(), order.end());
        } else if (round > 1) {
            std::shuffle(order.begin(), order.end(), random);
        }
        TransferChecksum checksum;
        for (const auto index : order) {
            checksum.add(index, values[index]);
        }
        EXPECT_EQ(checksum.firstMissing(), 500U);
        EXPECT_EQ(checksum.earlyDigests(), 0U) << "every early digest was folded";
        EXPECT_EQ(checksum.value(), expected) << "round " << round;
    }
}

TEST(TransferChecksum, HoldsOnlyTheDigestsThatArrivedAheadOfTheGap) {
    TransferChecksum checksum;
    checksum.add(0, 10);
    checksum.add(2, 12);
    checksum.add(3, 13);
    EXPECT_EQ(checksum.firstMissing(), 1U);
    EXPECT_EQ(checksum.earlyDigests(), 2U);
    checksum.add(1, 11);
    EXPECT_EQ(checksum.firstMissing(), 4U);
    EXPECT_EQ(checksum.earlyDigests(), 0U);
}

} // namespace
} // namespace rtcmc::transfer
