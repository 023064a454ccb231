#include "common/json_text.hpp"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/utf8.hpp"

namespace rtcmc {
namespace {

using nlohmann::json;

// RFC 8259 text, read byte by byte into a json document. It gives the answers of nlohmann's
// json::parse (a UTF-8 byte order mark is skipped; strings must be well-formed UTF-8 without
// raw control characters; a lone \u surrogate is an error; an integer that does not fit 64
// bits becomes a double; a number too large for a double is an error; a repeated key keeps its
// last value) and tests/core/json_text_test.cpp checks that it does, on chosen and on mutated
// texts. One difference: nlohmann ends its input at a NUL byte, where we refuse the text.
// It exists because nlohmann's lexer and SAX parser are generic over input adapters and word
// each error for exceptions the core never throws: the page was 3.7 KB (gzip) larger with them
// (issue 11).
//
// Nesting is read with an explicit stack of open containers, not recursion: a text of many
// '[' must not exhaust the wasm stack (nlohmann's parser is iterative for the same reason).
class Reader {
public:
    explicit Reader(std::string_view text) : text_(text) {}

    bool document(json& root) {
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") {
            at_ = 3;
        }
        json* slot = &root;
        for (;;) {
            // A value goes into *slot; a container is opened and its first slot taken.
            skipSpace();
            bool opened = false;
            if (!value(*slot, opened)) {
                return false;
            }
            if (opened) {
                const bool isObject = slot->is_object();
                skipSpace();
                if (take(isObject ? '}' : ']')) {
                    opened = false; // empty: a complete value
                } else {
                    open_.push_back(slot);
                    slot = nextSlot(isObject);
                    if (!slot) {
                        return false;
                    }
                    continue;
                }
            }
            // A complete value: close containers until one takes another element.
            for (;;) {
                skipSpace();
                if (open_.empty()) {
                    return at_ == text_.size();
                }
                const bool isObject = open_.back()->is_object();
                if (take(',')) {
                    slot = nextSlot(isObject);
                    if (!slot) {
                        return false;
                    }
                    break;
                }
                if (!take(isObject ? '}' : ']')) {
                    return false;
                }
                open_.pop_back();
            }
        }
    }

private:
    // The slot of the next element of the innermost open container: for an object, after its
    // key and the colon.
    json* nextSlot(bool isObject) {
        json& container = *open_.back();
        if (!isObject) {
            auto& array = *container.get_ptr<json::array_t*>();
            array.emplace_back();
            return &array.back();
        }
        skipSpace();
        std::string key;
        if (!take('"') || !string(key)) {
            return nullptr;
        }
        skipSpace();
        if (!take(':')) {
            return nullptr;
        }
        // A repeated key: the later value replaces the earlier one, as in nlohmann.
        return &(*container.get_ptr<json::object_t*>())[std::move(key)];
    }

    // One value into `out`. An object or array is only begun (`opened`): the caller fills it.
    bool value(json& out, bool& opened) {
        if (at_ == text_.size()) {
            return false;
        }
        switch (text_[at_]) {
        case '{':
            ++at_;
            out = json::object();
            opened = true;
            return true;
        case '[':
            ++at_;
            out = json::array();
            opened = true;
            return true;
        case '"': {
            ++at_;
            std::string text;
            if (!string(text)) {
                return false;
            }
            out = std::move(text);
            return true;
        }
        case 't':
            out = true;
            return literal("true");
        case 'f':
            out = false;
            return literal("false");
        case 'n':
            out = nullptr;
            return literal("null");
        default:
            return number(out);
        }
    }

    bool literal(std::string_view word) {
        if (text_.substr(at_, word.size()) != word) {
            return false;
        }
        at_ += word.size();
        return true;
    }

    // The rest of a string whose opening quote is read.
    bool string(std::string& out) {
        for (;;) {
            if (at_ == text_.size()) {
                return false;
            }
            const auto byte = static_cast<std::uint8_t>(text_[at_]);
            if (byte == '"') {
                ++at_;
                return true;
            }
            if (byte < 0x20) {
                return false;
            }
            if (byte == '\\') {
                ++at_;
                if (!escape(out)) {
                    return false;
                }
                continue;
            }
            const std::size_t length = utf8SequenceLength(text_, at_);
            if (length == 0) {
                return false;
            }
            out.append(text_, at_, length);
            at_ += length;
        }
    }

    // An escape after its backslash.
    bool escape(std::string& out) {
        if (at_ == text_.size()) {
            return false;
        }
        const char kind = text_[at_++];
        static constexpr std::string_view kNamed = "\"\"\\\\//b\bf\fn\nr\rt\t";
        for (std::size_t i = 0; i < kNamed.size(); i += 2) {
            if (kNamed[i] == kind) {
                out += kNamed[i + 1];
                return true;
            }
        }
        if (kind != 'u') {
            return false;
        }
        std::uint32_t code = 0;
        if (!hex4(code) || (code >= 0xDC00 && code <= 0xDFFF)) {
            return false;
        }
        if (code >= 0xD800 && code <= 0xDBFF) {
            std::uint32_t low = 0;
            if (!literal("\\u") || !hex4(low) || low < 0xDC00 || low > 0xDFFF) {
                return false;
            }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        }
        appendUtf8(out, code);
        return true;
    }

    bool hex4(std::uint32_t& code) {
        for (int i = 0; i < 4; ++i, ++at_) {
            if (at_ == text_.size()) {
                return false;
            }
            const char c = text_[at_];
            const int digit = c >= '0' && c <= '9'   ? c - '0'
                              : c >= 'a' && c <= 'f' ? c - 'a' + 10
                              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                     : -1;
            if (digit < 0) {
                return false;
            }
            code = code * 16 + static_cast<std::uint32_t>(digit);
        }
        return true;
    }

    // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?  An integer is an unsigned (no sign) or a
    // signed (minus) 64-bit number when it fits, and a double otherwise, as nlohmann reads it.
    bool number(json& out) {
        const std::size_t start = at_;
        const bool negative = take('-');
        if (take('0')) {
        } else if (!digits()) {
            return false;
        }
        bool integer = true;
        if (take('.')) {
            integer = false;
            if (!digits()) {
                return false;
            }
        }
        if (take('e') || take('E')) {
            integer = false;
            if (!take('+')) {
                take('-');
            }
            if (!digits()) {
                return false;
            }
        }
        if (integer) {
            // The magnitude, or nothing when it passes the limit of its kind.
            const std::uint64_t limit =
                negative ? std::uint64_t{1} << 63 : ~std::uint64_t{0}; // -2^63 / 2^64-1
            std::uint64_t magnitude = 0;
            bool fits = true;
            for (std::size_t i = start + (negative ? 1 : 0); i < at_ && fits; ++i) {
                const auto digit = static_cast<std::uint64_t>(text_[i] - '0');
                fits = magnitude <= (limit - digit) / 10;
                magnitude = magnitude * 10 + digit;
            }
            if (fits) {
                if (negative) {
                    out = static_cast<std::int64_t>(0 - magnitude); // two's complement
                } else {
                    out = magnitude;
                }
                return true;
            }
        }
        // strtod needs a terminated copy: the text may go on with more digits of JSON.
        const std::string token(text_.substr(start, at_ - start));
        const double parsed = std::strtod(token.c_str(), nullptr);
        out = parsed;
        return std::isfinite(parsed);
    }

    // One or more decimal digits.
    bool digits() {
        const std::size_t start = at_;
        while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') {
            ++at_;
        }
        return at_ > start;
    }

    bool take(char expected) {
        if (at_ < text_.size() && text_[at_] == expected) {
            ++at_;
            return true;
        }
        return false;
    }

    void skipSpace() {
        while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' ||
                                      text_[at_] == '\n' || text_[at_] == '\r')) {
            ++at_;
        }
    }

    std::string_view text_;
    std::size_t at_ = 0;
    std::vector<json*> open_; // the containers being filled, innermost last
};

// Recursive: the core's documents are at most kMaxNestingDepth deep (protocol/limits.def),
// checked before they are parsed.
void write(std::string& out, const json& value) {
    switch (value.type()) {
    case json::value_t::object: {
        out += '{';
        const char* separator = "";
        for (const auto& [key, member] : *value.get_ptr<const json::object_t*>()) {
            out += separator;
            appendJsonString(out, key);
            out += ':';
            write(out, member);
            separator = ",";
        }
        out += '}';
        return;
    }
    case json::value_t::array: {
        out += '[';
        const char* separator = "";
        for (const json& element : *value.get_ptr<const json::array_t*>()) {
            out += separator;
            write(out, element);
            separator = ",";
        }
        out += ']';
        return;
    }
    case json::value_t::string:
        appendJsonString(out, *value.get_ptr<const json::string_t*>());
        return;
    case json::value_t::boolean:
        out += value.get<bool>() ? "true" : "false";
        return;
    case json::value_t::number_integer: {
        const auto number = value.get<std::int64_t>();
        if (number < 0) {
            out += '-';
        }
        // The magnitude in two's complement: -2^63 has no positive int64.
        appendDecimal(out, number < 0 ? 0 - static_cast<std::uint64_t>(number)
                                      : static_cast<std::uint64_t>(number));
        return;
    }
    case json::value_t::number_unsigned:
        appendDecimal(out, value.get<std::uint64_t>());
        return;
    case json::value_t::number_float: {
        const double number = value.get<double>();
        if (!std::isfinite(number)) {
            break;
        }
        // nlohmann's shortest round-trip formatting, the one its dump() uses.
        char digits[64];
        out.append(digits, nlohmann::detail::to_chars(digits, digits + sizeof digits, number));
        return;
    }
    default:
        break;
    }
    out += "null";
}

} // namespace

void appendJsonString(std::string& out, std::string_view text) {
    out += '"';
    for (std::size_t at = 0; at < text.size();) {
        const auto byte = static_cast<std::uint8_t>(text[at]);
        if (byte >= 0x80) {
            bool complete = false;
            const std::size_t length = utf8Sequence(text, at, complete);
            out.append(complete ? text.substr(at, length) : "\xEF\xBF\xBD"); // U+FFFD
            at += length;
            continue;
        }
        ++at;
        static constexpr std::string_view kNamed = "\"\"\\\\\bb\ff\nn\rr\tt";
        std::size_t named = 0;
        while (named < kNamed.size() && kNamed[named] != static_cast<char>(byte)) {
            named += 2;
        }
        if (named < kNamed.size()) {
            out += '\\';
            out += kNamed[named + 1];
        } else if (byte < 0x20) {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\u00";
            out += kHex[byte >> 4];
            out += kHex[byte & 0xF];
        } else {
            out += static_cast<char>(byte);
        }
    }
    out += '"';
}

void appendDecimal(std::string& out, std::uint64_t number) {
    char digits[20];
    char* first = digits + sizeof digits;
    do {
        *--first = static_cast<char>('0' + number % 10);
        number /= 10;
    } while (number != 0);
    out.append(first, digits + sizeof digits);
}

std::string writeJson(const nlohmann::json& value) {
    std::string out;
    write(out, value);
    return out;
}

nlohmann::json parseJson(std::string_view text) {
    nlohmann::json document;
    if (!Reader(text).document(document)) {
        return nlohmann::json(nlohmann::json::value_t::discarded);
    }
    return document;
}

} // namespace rtcmc
