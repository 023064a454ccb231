// Non-owning views of bytes. C++17 has no std::span; these two are all the transfer code needs.
// The core never owns payload bytes: it reads them from the caller's buffer and writes packets
// into the caller's buffer.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rtcmc::transfer {

struct ConstBytes {
    const std::uint8_t* data = nullptr;
    std::size_t size = 0; // bytes

    ConstBytes() = default;
    ConstBytes(const std::uint8_t* bytes, std::size_t length) : data(bytes), size(length) {}
    ConstBytes(const void* bytes, std::size_t length)
        : data(static_cast<const std::uint8_t*>(bytes)), size(length) {}

    // Bytes [offset, offset + length); callers keep it within size.
    ConstBytes slice(std::size_t offset, std::size_t length) const {
        return ConstBytes(data + offset, length);
    }
};

struct MutableBytes {
    std::uint8_t* data = nullptr;
    std::size_t size = 0; // bytes

    MutableBytes() = default;
    MutableBytes(std::uint8_t* bytes, std::size_t length) : data(bytes), size(length) {}
};

} // namespace rtcmc::transfer
