// Little-endian loads and stores through memcpy: no alignment assumptions, no aliasing
// violations, and on little-endian targets (x86, wasm) each compiles to one plain load/store.
// Always inlined: the XXH64 loops call them per 8-byte lane, and emcc's -Oz (the release wasm
// build) compiles with -fno-inline-functions, which would leave them as calls.
#pragma once

#include <cstdint>
#include <cstring>

namespace rtcmc::transfer {

namespace detail {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
constexpr bool kHostIsBigEndian = true;
#else
constexpr bool kHostIsBigEndian = false;
#endif
} // namespace detail

[[gnu::always_inline]] inline std::uint16_t loadLittleEndian16(const std::uint8_t* bytes) {
    std::uint16_t value;
    std::memcpy(&value, bytes, sizeof value);
    return detail::kHostIsBigEndian ? __builtin_bswap16(value) : value;
}

[[gnu::always_inline]] inline std::uint32_t loadLittleEndian32(const std::uint8_t* bytes) {
    std::uint32_t value;
    std::memcpy(&value, bytes, sizeof value);
    return detail::kHostIsBigEndian ? __builtin_bswap32(value) : value;
}

[[gnu::always_inline]] inline std::uint64_t loadLittleEndian64(const std::uint8_t* bytes) {
    std::uint64_t value;
    std::memcpy(&value, bytes, sizeof value);
    return detail::kHostIsBigEndian ? __builtin_bswap64(value) : value;
}

[[gnu::always_inline]] inline void storeLittleEndian16(std::uint8_t* bytes, std::uint16_t value) {
    if (detail::kHostIsBigEndian) {
        value = __builtin_bswap16(value);
    }
    std::memcpy(bytes, &value, sizeof value);
}

[[gnu::always_inline]] inline void storeLittleEndian32(std::uint8_t* bytes, std::uint32_t value) {
    if (detail::kHostIsBigEndian) {
        value = __builtin_bswap32(value);
    }
    std::memcpy(bytes, &value, sizeof value);
}

[[gnu::always_inline]] inline void storeLittleEndian64(std::uint8_t* bytes, std::uint64_t value) {
    if (detail::kHostIsBigEndian) {
        value = __builtin_bswap64(value);
    }
    std::memcpy(bytes, &value, sizeof value);
}

} // namespace rtcmc::transfer
