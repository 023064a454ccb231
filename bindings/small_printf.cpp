// A small vsnprintf for the wasm module, replacing musl's (libc.a's vsnprintf is then never
// linked in). The module formats with the printf family in three places only: nlohmann/json's
// "\u%04x" escapes and "<U+%.4X>" in parse error messages, and embind's "%p" for an unbound
// type. musl's vsnprintf brings its whole printf core with floating-point formatting: about
// 7.5 KB of wasm (3 KB gzipped) for none of it. This one does integers, strings and
// characters with the flags, width, precision and length modifiers of C99; anything else (%f,
// %n, ...) prints the conversion itself, visibly, instead of pulling the float code back.
// tests/core/small_printf_test.cpp checks it against the C library's vsnprintf natively and in
// wasm: it compiles this file with RTCMC_SMALL_PRINTF_TEST_ONLY, which keeps the formatter
// (rtcmc::smallVsnprintf) and leaves the C library's names alone.
#include "small_printf.hpp"

#include <cstdarg>
#include <cstddef>
#include <cstdint>

namespace {

// Writes into buffer[0, size - 1] and counts what would have been written, as C99 asks.
class Output {
public:
    Output(char* buffer, std::size_t size) : buffer_(buffer), size_(size) {}

    void put(char c) {
        if (length_ + 1 < size_) {
            buffer_[length_] = c;
        }
        ++length_;
    }
    void repeat(char c, int count) {
        for (; count > 0; --count) {
            put(c);
        }
    }
    int finish() {
        if (size_ > 0) {
            buffer_[length_ < size_ ? length_ : size_ - 1] = '\0';
        }
        return static_cast<int>(length_);
    }

private:
    char* buffer_;
    std::size_t size_;
    std::size_t length_ = 0;
};

struct Spec {
    bool leftAlign = false;
    bool zeroPad = false;
    int width = 0;
    int precision = -1; // none
};

int readNumber(const char*& format, va_list& args) {
    if (*format == '*') {
        ++format;
        return va_arg(args, int);
    }
    int value = 0;
    while (*format >= '0' && *format <= '9') {
        value = value * 10 + (*format++ - '0');
    }
    return value;
}

void putPadded(Output& out, const Spec& spec, const char* text, int length, const char* prefix) {
    int prefixLength = 0;
    while (prefix[prefixLength] != '\0') {
        ++prefixLength;
    }
    const int padding = spec.width - length - prefixLength;
    if (!spec.leftAlign && !spec.zeroPad) {
        out.repeat(' ', padding);
    }
    for (int i = 0; i < prefixLength; ++i) {
        out.put(prefix[i]);
    }
    if (!spec.leftAlign && spec.zeroPad) {
        out.repeat('0', padding);
    }
    for (int i = 0; i < length; ++i) {
        out.put(text[i]);
    }
    if (spec.leftAlign) {
        out.repeat(' ', padding);
    }
}

void putInteger(Output& out, Spec spec, std::uint64_t value, unsigned base, bool upper,
                const char* prefix) {
    char digits[24];
    int length = 0;
    const char* alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    for (; value != 0; value /= base) {
        digits[sizeof digits - 1 - length++] = alphabet[value % base];
    }
    // A precision is the minimum digit count and turns zero padding off (C99 7.19.6.1).
    const int minimumDigits = spec.precision < 0 ? 1 : spec.precision;
    while (length < minimumDigits && length < static_cast<int>(sizeof digits)) {
        digits[sizeof digits - 1 - length++] = '0';
    }
    if (spec.precision >= 0) {
        spec.zeroPad = false;
    }
    putPadded(out, spec, digits + sizeof digits - length, length, prefix);
}

} // namespace

int rtcmc::smallVsnprintf(char* buffer, std::size_t size, const char* format, va_list args) {
    Output out(buffer, size);
    va_list rest;
    va_copy(rest, args);
    while (*format != '\0') {
        if (*format != '%') {
            out.put(*format++);
            continue;
        }
        const char* conversionStart = format++;
        Spec spec;
        for (;; ++format) {
            if (*format == '-') {
                spec.leftAlign = true;
            } else if (*format == '0') {
                spec.zeroPad = true;
            } else if (*format != '+' && *format != ' ' && *format != '#') {
                break;
            }
        }
        spec.width = readNumber(format, rest);
        if (spec.width < 0) {
            spec.leftAlign = true;
            spec.width = -spec.width;
        }
        if (*format == '.') {
            ++format;
            spec.precision = readNumber(format, rest);
        }
        int longs = 0; // 'l' count; h, hh, z, j, t read as int or long long below
        for (;
             *format == 'l' || *format == 'h' || *format == 'z' || *format == 'j' || *format == 't';
             ++format) {
            longs += *format == 'l' ? 1 : (*format == 'j' ? 2 : 0);
        }
        const auto readUnsigned = [&]() -> std::uint64_t {
            return longs >= 2 ? va_arg(rest, unsigned long long)
                              : (longs == 1 ? va_arg(rest, unsigned long) : va_arg(rest, unsigned));
        };
        switch (*format) {
        case 'd':
        case 'i': {
            const long long value = longs >= 2
                                        ? va_arg(rest, long long)
                                        : (longs == 1 ? va_arg(rest, long) : va_arg(rest, int));
            const std::uint64_t magnitude = value < 0 ? 0 - static_cast<std::uint64_t>(value)
                                                      : static_cast<std::uint64_t>(value);
            putInteger(out, spec, magnitude, 10, false, value < 0 ? "-" : "");
            break;
        }
        case 'u':
            putInteger(out, spec, readUnsigned(), 10, false, "");
            break;
        case 'x':
        case 'X':
            putInteger(out, spec, readUnsigned(), 16, *format == 'X', "");
            break;
        case 'p':
            putInteger(out, spec, reinterpret_cast<std::uintptr_t>(va_arg(rest, void*)), 16, false,
                       "0x");
            break;
        case 'c': {
            const char c = static_cast<char>(va_arg(rest, int));
            putPadded(out, spec, &c, 1, "");
            break;
        }
        case 's': {
            const char* text = va_arg(rest, const char*);
            text = text != nullptr ? text : "(null)";
            int length = 0;
            while (text[length] != '\0' && (spec.precision < 0 || length < spec.precision)) {
                ++length;
            }
            spec.zeroPad = false;
            putPadded(out, spec, text, length, "");
            break;
        }
        case '%':
            out.put('%');
            break;
        default: // unsupported: print the conversion as written
            for (; conversionStart != format && *conversionStart != '\0'; ++conversionStart) {
                out.put(*conversionStart);
            }
            if (*format == '\0') {
                va_end(rest);
                return out.finish();
            }
            out.put(*format);
            break;
        }
        ++format;
    }
    va_end(rest);
    return out.finish();
}

#ifndef RTCMC_SMALL_PRINTF_TEST_ONLY
extern "C" int vsnprintf(char* buffer, std::size_t size, const char* format, va_list args) {
    return rtcmc::smallVsnprintf(buffer, size, format, args);
}

// The other names of musl's vsnprintf.o: clang calls the integer-only variants (siprintf, ...)
// when no argument is floating point, and they end in these. Defining them all keeps
// vsnprintf.o, and with it musl's printf core, out of the link.
extern "C" [[gnu::alias("vsnprintf")]] int vsniprintf(char* buffer, std::size_t size,
                                                      const char* format, va_list args);
extern "C" [[gnu::alias("vsnprintf")]] int __small_vsnprintf(char* buffer, std::size_t size,
                                                             const char* format, va_list args);
#endif
