// A small strtod for the wasm module, replacing musl's (libc.a's strtod.o is then never linked
// in). The only caller is nlohmann/json, for JSON numbers with a fraction or an exponent.
// musl converts through long double, which wasm has only in software: its 128-bit float
// arithmetic (__divtf3, __multf3, __addtf3, fmodl, scalbnl, ...) and the FILE-based scanner
// cost about 9 KB of wasm (4 KB gzipped). This one is exact without it:
//  - the common case (at most 19 significant digits, a value below 2^53 and a power of ten
//    that is itself a double) is one correctly rounded multiplication or division (Clinger);
//  - everything else compares big integers: the decimal value as a fraction num / den, scaled
//    by a power of two until the quotient has 53 bits, rounded half to even on the remainder.
// tests/core/small_strtod_test.cpp checks it bit for bit against the C library's strtod,
// natively (glibc) and in wasm (musl): it compiles this file with RTCMC_SMALL_STRTOD_TEST_ONLY,
// which keeps the converter (rtcmc::smallStrtod) and leaves the C library's names alone.
#include "small_strtod.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace {

// An exact halfway point between two doubles has at most 767 significant digits: 800 digits
// plus one "sticky" digit for whatever follows decide every rounding correctly.
constexpr int kMaxDigits = 800;

// Unsigned big integer, little-endian 32-bit limbs, large enough for 10^1126 shifted by 2^54
// (the widest operand: a 800-digit number times 10^-1125 before scaling).
class BigInt {
public:
    static constexpr int kCapacity = 136;

    explicit BigInt(std::uint32_t value = 0) {
        limbs_[0] = value;
        size_ = value ? 1 : 0;
    }

    void multiplyAdd(std::uint32_t factor, std::uint32_t addend) {
        std::uint64_t carry = addend;
        for (int i = 0; i < size_; ++i) {
            const std::uint64_t product = std::uint64_t{limbs_[i]} * factor + carry;
            limbs_[i] = static_cast<std::uint32_t>(product);
            carry = product >> 32;
        }
        if (carry) {
            limbs_[size_++] = static_cast<std::uint32_t>(carry);
        }
    }

    void multiplyByPowerOfTen(int exponent) {
        for (; exponent >= 9; exponent -= 9) {
            multiplyAdd(1000000000u, 0);
        }
        static constexpr std::uint32_t kSmallPowers[] = {1,      10,      100,      1000,     10000,
                                                         100000, 1000000, 10000000, 100000000};
        multiplyAdd(kSmallPowers[exponent], 0);
    }

    void shiftLeft(int bits) {
        if (size_ == 0 || bits == 0) {
            return;
        }
        const int limbShift = bits / 32;
        const int bitShift = bits % 32;
        limbs_[size_] = 0;
        for (int i = size_; i >= 0; --i) {
            std::uint32_t value = limbs_[i] << bitShift;
            if (bitShift && i > 0) {
                value |= limbs_[i - 1] >> (32 - bitShift);
            }
            limbs_[i + limbShift] = value;
        }
        for (int i = 0; i < limbShift; ++i) {
            limbs_[i] = 0;
        }
        size_ += limbShift + 1;
        trim();
    }

    void shiftRightOne() {
        for (int i = 0; i < size_; ++i) {
            limbs_[i] = (limbs_[i] >> 1) | (i + 1 < size_ ? limbs_[i + 1] << 31 : 0);
        }
        trim();
    }

    void subtract(const BigInt& other) { // *this >= other
        std::int64_t borrow = 0;
        for (int i = 0; i < size_; ++i) {
            std::int64_t difference =
                std::int64_t{limbs_[i]} - (i < other.size_ ? other.limbs_[i] : 0) - borrow;
            borrow = difference < 0;
            limbs_[i] = static_cast<std::uint32_t>(difference + (borrow << 32));
        }
        trim();
    }

    int compare(const BigInt& other) const {
        if (size_ != other.size_) {
            return size_ < other.size_ ? -1 : 1;
        }
        for (int i = size_ - 1; i >= 0; --i) {
            if (limbs_[i] != other.limbs_[i]) {
                return limbs_[i] < other.limbs_[i] ? -1 : 1;
            }
        }
        return 0;
    }

    int bitLength() const {
        if (size_ == 0) {
            return 0;
        }
        return (size_ - 1) * 32 + (32 - __builtin_clz(limbs_[size_ - 1]));
    }

private:
    void trim() {
        while (size_ > 0 && limbs_[size_ - 1] == 0) {
            --size_;
        }
    }

    std::uint32_t limbs_[kCapacity + 1] = {};
    int size_ = 0;
};

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

double fromBits(std::uint64_t bits) {
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

constexpr std::uint64_t kHidden = std::uint64_t{1} << 52;
constexpr int kMinExponent = -1074; // of the last mantissa bit of the smallest subnormal

// The double nearest to digits[0..count) * 10^exponent, where digits has no leading zero.
double nearestDouble(const char* digits, int count, int exponent) {
    BigInt num;
    for (int i = 0; i < count; ++i) {
        num.multiplyAdd(10, static_cast<std::uint32_t>(digits[i] - '0'));
    }
    BigInt den(1);
    if (exponent >= 0) {
        num.multiplyByPowerOfTen(exponent);
    } else {
        den.multiplyByPowerOfTen(-exponent);
    }
    // value = num / den = q * 2^binary with 2^52 <= q < 2^53, or a smaller q at the bottom of
    // the subnormals.
    int binary = num.bitLength() - den.bitLength() - 53;
    if (binary < kMinExponent) {
        binary = kMinExponent;
    }
    if (binary < 0) {
        num.shiftLeft(-binary);
    } else {
        den.shiftLeft(binary);
    }
    // The estimate is off by at most one: make num / den < 2^53.
    BigInt limit = den;
    limit.shiftLeft(53);
    if (num.compare(limit) >= 0) {
        den.shiftLeft(1);
        ++binary;
    }
    // ... and >= 2^52 unless the value is subnormal.
    limit = den;
    limit.shiftLeft(52);
    if (num.compare(limit) < 0 && binary > kMinExponent) {
        num.shiftLeft(1);
        --binary;
    }
    // Long division for the 53-bit quotient.
    std::uint64_t quotient = 0;
    BigInt shifted = den;
    shifted.shiftLeft(53);
    for (int bit = 53; bit >= 0; --bit) {
        if (num.compare(shifted) >= 0) {
            num.subtract(shifted);
            quotient |= std::uint64_t{1} << bit;
        }
        shifted.shiftRightOne();
    }
    // Round half to even on the remainder (num now).
    num.shiftLeft(1);
    const int half = num.compare(den);
    if (half > 0 || (half == 0 && (quotient & 1))) {
        ++quotient;
        if (quotient == (kHidden << 1)) {
            quotient = kHidden;
            ++binary;
        }
    }
    if (quotient < kHidden) { // subnormal (binary is kMinExponent), or zero
        if (quotient == 0) {
            errno = ERANGE;
        }
        return fromBits(quotient);
    }
    const int biased = binary + 52 + 1023;
    if (biased >= 2047) {
        errno = ERANGE;
        return fromBits(std::uint64_t{2047} << 52);
    }
    return fromBits((std::uint64_t(biased) << 52) | (quotient - kHidden));
}

} // namespace

namespace rtcmc {

double smallStrtod(const char* text, char** end) {
    const char* p = text;
    while (*p == ' ' || (*p >= '\t' && *p <= '\r')) {
        ++p;
    }
    const bool negative = *p == '-';
    if (*p == '-' || *p == '+') {
        ++p;
    }
    // The significant digits, leading zeros dropped, the rest kept up to kMaxDigits; `scale`
    // is the power of ten of the last digit kept.
    char digits[kMaxDigits + 1];
    int count = 0;
    bool sticky = false; // a non-zero digit beyond kMaxDigits
    int scale = 0;
    bool anyDigit = false;
    for (; isDigit(*p); ++p) {
        anyDigit = true;
        if (count == 0 && *p == '0') {
            continue;
        }
        if (count < kMaxDigits) {
            digits[count++] = *p;
        } else {
            ++scale;
            sticky |= *p != '0';
        }
    }
    if (*p == '.') {
        const char* fraction = p + 1;
        if (isDigit(*fraction) || anyDigit) {
            p = fraction;
            for (; isDigit(*p); ++p) {
                anyDigit = true;
                if (count == 0 && *p == '0') {
                    --scale;
                    continue;
                }
                if (count < kMaxDigits) {
                    digits[count++] = *p;
                    --scale;
                } else {
                    sticky |= *p != '0';
                }
            }
        }
    }
    if (!anyDigit) {
        if (end) {
            *end = const_cast<char*>(text);
        }
        return 0.0;
    }
    if (*p == 'e' || *p == 'E') {
        const char* q = p + 1;
        const bool negativeExponent = *q == '-';
        if (*q == '-' || *q == '+') {
            ++q;
        }
        if (isDigit(*q)) {
            int exponent = 0;
            for (; isDigit(*q); ++q) {
                if (exponent < 100000) {
                    exponent = exponent * 10 + (*q - '0');
                }
            }
            scale += negativeExponent ? -exponent : exponent;
            p = q;
        }
    }
    if (end) {
        *end = const_cast<char*>(p);
    }
    if (sticky) {
        digits[count++] = '1';
        --scale;
    }
    while (count > 0 && digits[count - 1] == '0') {
        --count;
        ++scale;
    }
    double magnitude;
    if (count == 0) {
        magnitude = 0.0;
    } else if (count + scale > 310) { // >= 10^309: beyond the largest double
        errno = ERANGE;
        magnitude = fromBits(std::uint64_t{2047} << 52);
    } else if (count + scale < -324) { // < 10^-324: below half the smallest subnormal
        errno = ERANGE;
        magnitude = 0.0;
    } else {
        std::uint64_t small = 0;
        if (count <= 19) {
            for (int i = 0; i < count; ++i) {
                small = small * 10 + static_cast<std::uint64_t>(digits[i] - '0');
            }
        }
        // Clinger's fast path: both operands exact, so the one operation rounds correctly.
        static constexpr double kPowers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                             1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                             1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
        if (count <= 19 && small <= kHidden * 2 && scale >= -22 && scale <= 22) {
            const double value = static_cast<double>(small);
            magnitude = scale >= 0 ? value * kPowers[scale] : value / kPowers[-scale];
        } else {
            magnitude = nearestDouble(digits, count, scale);
        }
    }
    return negative ? -magnitude : magnitude;
}

} // namespace rtcmc

#ifndef RTCMC_SMALL_STRTOD_TEST_ONLY
extern "C" double strtod(const char* text, char** end) {
    return rtcmc::smallStrtod(text, end);
}

// The other names of musl's strtod.o. libc++'s string.o (std::to_string's file) refers to
// strtof and strtold for std::stof/std::stold, which nothing here calls; defining every name
// of strtod.o keeps it, and the long-double code, out of the link. LTO then drops these.
extern "C" float strtof(const char* text, char** end) {
    return static_cast<float>(rtcmc::smallStrtod(text, end));
}
extern "C" long double strtold(const char* text, char** end) {
    return rtcmc::smallStrtod(text, end);
}
struct __locale_struct;
extern "C" float strtof_l(const char* text, char** end, __locale_struct*) {
    return strtof(text, end);
}
extern "C" double strtod_l(const char* text, char** end, __locale_struct*) {
    return strtod(text, end);
}
extern "C" long double strtold_l(const char* text, char** end, __locale_struct*) {
    return strtold(text, end);
}
extern "C" [[gnu::alias("strtof_l")]] float __strtof_l(const char*, char**, __locale_struct*);
extern "C" [[gnu::alias("strtod_l")]] double __strtod_l(const char*, char**, __locale_struct*);
extern "C" [[gnu::alias("strtold_l")]] long double __strtold_l(const char*, char**,
                                                               __locale_struct*);
#endif
