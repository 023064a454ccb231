#include "transfer/transfer_checksum.hpp"

#include "transfer/little_endian.hpp"

namespace rtcmc::transfer {

void TransferChecksum::fold(std::uint64_t digest) {
    std::uint8_t bytes[8];
    storeLittleEndian64(bytes, digest);
    stream_.update(bytes, sizeof bytes);
    ++firstMissing_;
}

void TransferChecksum::add(std::uint32_t index, std::uint64_t digest) {
    if (index != firstMissing_) {
        early_.emplace(index, digest);
        return;
    }
    fold(digest);
    // The gap just closed may free a run of early digests.
    while (!early_.empty() && early_.begin()->first == firstMissing_) {
        fold(early_.begin()->second);
        early_.erase(early_.begin());
    }
}

} // namespace rtcmc::transfer
