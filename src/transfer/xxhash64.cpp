#include "transfer/xxhash64.hpp"

#include "transfer/little_endian.hpp"

#include <cstring>

namespace rtcmc::transfer {

namespace {

// The five primes of the specification ("Step 1. Initialize internal accumulators").
constexpr std::uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
constexpr std::uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
constexpr std::uint64_t kPrime3 = 0x165667B19E3779F9ULL;
constexpr std::uint64_t kPrime4 = 0x85EBCA77C2B2AE63ULL;
constexpr std::uint64_t kPrime5 = 0x27D4EB2F165667C5ULL;

constexpr std::size_t kStripeBytes = 32; // four 8-byte lanes

// The helpers of the hot loops are always inlined: emcc's -Oz (the release wasm build) compiles
// with -fno-inline-functions, so clang would keep them as calls, and a call per 8-byte lane cuts
// throughput about sixfold (bindings/wasm-flags.cmake).
[[gnu::always_inline]] inline std::uint64_t rotateLeft(std::uint64_t value, unsigned bits) {
    return (value << bits) | (value >> (64U - bits));
}

// "Step 2. Process stripes": one lane of one stripe into its accumulator.
[[gnu::always_inline]] inline std::uint64_t accumulateLane(std::uint64_t accumulator,
                                                           std::uint64_t lane) {
    accumulator += lane * kPrime2;
    accumulator = rotateLeft(accumulator, 31);
    return accumulator * kPrime1;
}

// "Step 3. Accumulator convergence": folds one accumulator into the converged value.
[[gnu::always_inline]] inline std::uint64_t mergeAccumulator(std::uint64_t hash,
                                                             std::uint64_t accumulator) {
    hash ^= accumulateLane(0, accumulator);
    return hash * kPrime1 + kPrime4;
}

void initialLanes(std::uint64_t seed, std::uint64_t lanes[4]) {
    lanes[0] = seed + kPrime1 + kPrime2;
    lanes[1] = seed + kPrime2;
    lanes[2] = seed;
    lanes[3] = seed - kPrime1;
}

// The hot loop. The lanes live in locals so the compiler keeps them in registers; each lane's
// chain is independent, so the four multiplies of a stripe overlap.
const std::uint8_t* consumeStripes(std::uint64_t lanes[4], const std::uint8_t* input,
                                   std::size_t stripeCount) {
    std::uint64_t lane0 = lanes[0];
    std::uint64_t lane1 = lanes[1];
    std::uint64_t lane2 = lanes[2];
    std::uint64_t lane3 = lanes[3];
    for (std::size_t stripe = 0; stripe < stripeCount; ++stripe) {
        lane0 = accumulateLane(lane0, loadLittleEndian64(input));
        lane1 = accumulateLane(lane1, loadLittleEndian64(input + 8));
        lane2 = accumulateLane(lane2, loadLittleEndian64(input + 16));
        lane3 = accumulateLane(lane3, loadLittleEndian64(input + 24));
        input += kStripeBytes;
    }
    lanes[0] = lane0;
    lanes[1] = lane1;
    lanes[2] = lane2;
    lanes[3] = lane3;
    return input;
}

// consumeStripes, storing each lane to `output` as it goes.
void consumeStripesCopying(std::uint64_t lanes[4], const std::uint8_t* input, std::uint8_t* output,
                           std::size_t stripeCount) {
    std::uint64_t lane0 = lanes[0];
    std::uint64_t lane1 = lanes[1];
    std::uint64_t lane2 = lanes[2];
    std::uint64_t lane3 = lanes[3];
    for (std::size_t stripe = 0; stripe < stripeCount; ++stripe) {
        const std::uint64_t word0 = loadLittleEndian64(input);
        const std::uint64_t word1 = loadLittleEndian64(input + 8);
        const std::uint64_t word2 = loadLittleEndian64(input + 16);
        const std::uint64_t word3 = loadLittleEndian64(input + 24);
        storeLittleEndian64(output, word0);
        storeLittleEndian64(output + 8, word1);
        storeLittleEndian64(output + 16, word2);
        storeLittleEndian64(output + 24, word3);
        lane0 = accumulateLane(lane0, word0);
        lane1 = accumulateLane(lane1, word1);
        lane2 = accumulateLane(lane2, word2);
        lane3 = accumulateLane(lane3, word3);
        input += kStripeBytes;
        output += kStripeBytes;
    }
    lanes[0] = lane0;
    lanes[1] = lane1;
    lanes[2] = lane2;
    lanes[3] = lane3;
}

std::uint64_t convergeLanes(const std::uint64_t lanes[4]) {
    std::uint64_t hash = rotateLeft(lanes[0], 1) + rotateLeft(lanes[1], 7) +
                         rotateLeft(lanes[2], 12) + rotateLeft(lanes[3], 18);
    hash = mergeAccumulator(hash, lanes[0]);
    hash = mergeAccumulator(hash, lanes[1]);
    hash = mergeAccumulator(hash, lanes[2]);
    hash = mergeAccumulator(hash, lanes[3]);
    return hash;
}

// "Step 5. Consume remaining input" (fewer than 32 bytes) and "Step 6. Final mix".
std::uint64_t finish(std::uint64_t hash, const std::uint8_t* tail, std::size_t tailLength) {
    while (tailLength >= 8) {
        hash ^= accumulateLane(0, loadLittleEndian64(tail));
        hash = rotateLeft(hash, 27) * kPrime1 + kPrime4;
        tail += 8;
        tailLength -= 8;
    }
    if (tailLength >= 4) {
        hash ^= static_cast<std::uint64_t>(loadLittleEndian32(tail)) * kPrime1;
        hash = rotateLeft(hash, 23) * kPrime2 + kPrime3;
        tail += 4;
        tailLength -= 4;
    }
    while (tailLength > 0) {
        hash ^= static_cast<std::uint64_t>(*tail) * kPrime5;
        hash = rotateLeft(hash, 11) * kPrime1;
        ++tail;
        --tailLength;
    }
    hash ^= hash >> 33;
    hash *= kPrime2;
    hash ^= hash >> 29;
    hash *= kPrime3;
    hash ^= hash >> 32;
    return hash;
}

} // namespace

std::uint64_t xxh64(const void* data, std::size_t length, std::uint64_t seed) {
    const auto* input = static_cast<const std::uint8_t*>(data);
    std::uint64_t hash;
    if (length >= kStripeBytes) {
        std::uint64_t lanes[4];
        initialLanes(seed, lanes);
        input = consumeStripes(lanes, input, length / kStripeBytes);
        hash = convergeLanes(lanes);
    } else {
        // "Special case: input is less than 32 bytes".
        hash = seed + kPrime5;
    }
    // "Step 4. Add input length".
    hash += static_cast<std::uint64_t>(length);
    return finish(hash, input, length % kStripeBytes);
}

std::uint64_t copyAndXxh64(void* destination, const void* source, std::size_t length,
                           std::uint64_t seed) {
    const auto* input = static_cast<const std::uint8_t*>(source);
    auto* output = static_cast<std::uint8_t*>(destination);
    const std::size_t stripeBytes = length - length % kStripeBytes;
    std::uint64_t hash;
    if (length >= kStripeBytes) {
        std::uint64_t lanes[4];
        initialLanes(seed, lanes);
        consumeStripesCopying(lanes, input, output, length / kStripeBytes);
        hash = convergeLanes(lanes);
    } else {
        hash = seed + kPrime5;
    }
    const std::size_t tailLength = length % kStripeBytes;
    if (tailLength > 0) {
        std::memcpy(output + stripeBytes, input + stripeBytes, tailLength);
    }
    hash += static_cast<std::uint64_t>(length);
    return finish(hash, output + stripeBytes, tailLength);
}

void Xxh64Stream::reset(std::uint64_t seed) {
    seed_ = seed;
    initialLanes(seed, lanes_);
    pendingLength_ = 0;
    totalLength_ = 0;
}

void Xxh64Stream::update(const void* data, std::size_t length) {
    const auto* input = static_cast<const std::uint8_t*>(data);
    totalLength_ += length;

    // Complete a stripe started by an earlier update first.
    if (pendingLength_ > 0) {
        const std::size_t taken =
            length < kStripeBytes - pendingLength_ ? length : kStripeBytes - pendingLength_;
        std::memcpy(pending_ + pendingLength_, input, taken);
        pendingLength_ += taken;
        input += taken;
        length -= taken;
        if (pendingLength_ < kStripeBytes) {
            return;
        }
        consumeStripes(lanes_, pending_, 1);
        pendingLength_ = 0;
    }

    // Whole stripes straight from the caller's bytes, without copying them.
    input = consumeStripes(lanes_, input, length / kStripeBytes);
    length %= kStripeBytes;

    if (length > 0) {
        std::memcpy(pending_, input, length);
        pendingLength_ = length;
    }
}

std::uint64_t Xxh64Stream::digest() const {
    std::uint64_t hash = totalLength_ >= kStripeBytes ? convergeLanes(lanes_) : seed_ + kPrime5;
    hash += totalLength_;
    return finish(hash, pending_, pendingLength_);
}

} // namespace rtcmc::transfer
