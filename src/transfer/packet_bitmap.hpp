// Which chunk indices of a transfer arrived: one bit per packet, so a duplicate is caught in
// O(1). The words are allocated as indices arrive (a Start alone costs nothing), and the
// receiver caps how far ahead of the first gap an index may be, so a peer cannot make us
// allocate for packets it never sends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rtcmc::transfer {

class PacketBitmap {
public:
    bool contains(std::uint32_t index) const {
        const std::size_t word = index / 64;
        return word < words_.size() && ((words_[word] >> (index % 64)) & 1U) != 0;
    }

    void insert(std::uint32_t index) {
        const std::size_t word = index / 64;
        if (word >= words_.size()) {
            words_.resize(word + 1, 0);
        }
        words_[word] |= std::uint64_t{1} << (index % 64);
    }

    // Room for `packets` bits without reallocating.
    void reserve(std::uint32_t packets) { words_.reserve(packets / 64 + 1); }

    std::size_t bytesHeld() const { return words_.capacity() * sizeof(std::uint64_t); }

private:
    std::vector<std::uint64_t> words_;
};

} // namespace rtcmc::transfer
