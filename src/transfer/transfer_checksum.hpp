// The checksum of a whole transfer (docs/protocol-packets.md, "Checksum").
//
// Each chunk's payload is hashed on its own: digest_i = XXH64(payload_i, seed 0). The transfer's
// checksum is XXH64 (seed 0) over digest_0 .. digest_{count-1}, each as 8 little-endian bytes, in
// index order. A receiver therefore hashes a packet as soon as it arrives, whatever the order,
// keeps only the 8-byte digest of a packet that arrived early, and folds digests in as soon as
// they are contiguous: constant memory for in-order delivery, and no payload byte is ever held.
#pragma once

#include "transfer/byte_span.hpp"
#include "transfer/xxhash64.hpp"

#include <cstddef>
#include <cstdint>
#include <map>

namespace rtcmc::transfer {

// XXH64 of one chunk's payload, seed 0.
inline std::uint64_t chunkDigest(ConstBytes payload) {
    return xxh64(payload.data, payload.size);
}

class TransferChecksum {
public:
    // Records chunk `index`'s digest. Preconditions (the caller validated the packet): `index` was
    // not added before and is not below firstMissing(). In order it costs no allocation; an early
    // digest waits in a map until the gap before it closes.
    void add(std::uint32_t index, std::uint64_t digest);

    // The lowest index whose digest has not been folded in yet (= chunks folded so far).
    std::uint32_t firstMissing() const { return firstMissing_; }
    // Digests of chunks that arrived ahead of a gap.
    std::size_t earlyDigests() const { return early_.size(); }

    // The checksum over the chunks folded so far; the transfer's checksum once firstMissing()
    // reaches its count.
    std::uint64_t value() const { return stream_.digest(); }

private:
    void fold(std::uint64_t digest);

    Xxh64Stream stream_;
    std::uint32_t firstMissing_ = 0;
    std::map<std::uint32_t, std::uint64_t> early_; // index -> digest, ahead of firstMissing_
};

} // namespace rtcmc::transfer
