// Words for the developer reading the console, kept out of the wasm module: the core says
// which sentence of common/texts.def applies and with which arguments; the JS side turns that
// into text with the table generated from the same file (web/generated/core-texts.js, by
// scripts/generate-texts.mjs), and native code (tests, tools) with describe().
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

namespace rtcmc {

enum class TextId : std::uint16_t {
#define RTCMC_TEXT(id, text) id,
#include "common/texts.def"
#undef RTCMC_TEXT
    Count
};

// One argument of a Text: words, or a whole number that the Text writes in decimal itself. Error
// sites pass numbers as they are instead of std::to_string(): a temporary std::string per
// argument, and its destructor, cost the wasm more code than the error site itself.
class TextArg {
public:
    TextArg(std::string_view words) : data_(words.data()), size_(words.size()) {}
    TextArg(const std::string& words) : data_(words.data()), size_(words.size()) {}
    TextArg(const char* words) : TextArg(std::string_view(words)) {}
    template <typename Number, typename = std::enable_if_t<std::is_integral_v<Number>>>
    TextArg(Number number)
        : number_(static_cast<std::uint64_t>(number)), data_(nullptr),
          size_(std::is_signed_v<Number> && number < 0 ? kNegative : kPositive) {}

    // Never copied, so that a word's number_, left unset (zeroing it cost the page 241 B of
    // wasm over all the error sites), is never read: a TextArg lives only in the braces of
    // one Text's arguments.
    TextArg(const TextArg&) = delete;
    TextArg& operator=(const TextArg&) = delete;

private:
    friend class Text;
    // A number is a null data_ with size_ kPositive or kNegative (words with null data have
    // size 0); number_ is read only then. Three fields, the least each error site can store.
    static constexpr std::size_t kPositive = 1;
    static constexpr std::size_t kNegative = 2;
    bool isNumber() const { return data_ == nullptr && size_ != 0; }
    std::uint64_t number_; // the magnitude's two's complement when negative
    const char* data_;
    std::size_t size_;
};

// One sentence of texts.def with its arguments ({0}, {1}, ... in the sentence), or several
// read in a row: a context followed by what went wrong in it ("packet from 'bob': " + "chunk
// 4 was already received").
class Text {
public:
    Text() = default;
    Text(TextId id, std::initializer_list<TextArg> args = {});

    // Appends `more` (a context first, then what happened in it).
    Text& then(const Text& more);
    // Appends an argument to the last sentence.
    Text& arg(std::string_view value);
    bool empty() const { return encoded_.empty(); }

    // [[id, "arg", ...], ...]: the form that crosses to JS.
    nlohmann::json toJson() const;
    // The same as JSON text, appended to `out` (what writeJson(toJson()) writes).
    void appendJson(std::string& out) const;

    // Calls part(id, args) for each sentence in order (describe(), tests).
    template <typename PartFunction> void forEachPart(PartFunction part) const;

private:
    void addArg(const TextArg& value);

    // One string, so that making and dropping a Text costs little code at each of the core's
    // many error sites: each part is kPart + decimal id, each argument kArgument + its bytes
    // (those two bytes in an argument are replaced by '?').
    static constexpr char kPart = '\x1e';
    static constexpr char kArgument = '\x1f';
    std::string encoded_;
};

// The sentences filled in, natively. Not linked into the wasm module (nothing there calls it):
// the texts are not in the module at all.
std::string describe(const Text& text);

template <typename PartFunction> void Text::forEachPart(PartFunction part) const {
    std::size_t at = 0;
    while (at < encoded_.size()) {
        std::size_t next = encoded_.find(kPart, at + 1);
        if (next == std::string::npos) {
            next = encoded_.size();
        }
        const std::string_view whole(encoded_.data() + at + 1, next - at - 1);
        std::size_t cut = whole.find(kArgument);
        unsigned id = 0;
        for (char digit : whole.substr(0, cut)) {
            id = id * 10 + static_cast<unsigned>(digit - '0');
        }
        std::string_view rest =
            cut == std::string_view::npos ? std::string_view() : whole.substr(cut);
        std::vector<std::string_view> args;
        while (!rest.empty()) {
            std::size_t end = rest.find(kArgument, 1);
            if (end == std::string_view::npos) {
                end = rest.size();
            }
            args.push_back(rest.substr(1, end - 1));
            rest.remove_prefix(end);
        }
        part(static_cast<TextId>(id), args);
        at = next;
    }
}

} // namespace rtcmc
