#include "common/text.hpp"

#include "common/json_text.hpp"

#include <vector>

namespace rtcmc {

Text::Text(TextId id, std::initializer_list<TextArg> args) {
    encoded_ += kPart;
    appendDecimal(encoded_, static_cast<unsigned>(id));
    for (const TextArg& value : args) {
        addArg(value);
    }
}

void Text::addArg(const TextArg& value) {
    if (!value.isNumber()) {
        arg(std::string_view(value.data_, value.size_));
        return;
    }
    encoded_ += kArgument;
    const bool negative = value.size_ == TextArg::kNegative;
    if (negative) {
        encoded_ += '-';
    }
    appendDecimal(encoded_, negative ? 0 - value.number_ : value.number_);
}

Text& Text::arg(std::string_view value) {
    encoded_ += kArgument;
    for (char c : value) {
        encoded_ += c == kPart || c == kArgument ? '?' : c;
    }
    return *this;
}

Text& Text::then(const Text& more) {
    encoded_ += more.encoded_;
    return *this;
}

// Straight from the encoded form: a part's id is decimal there already.
void Text::appendJson(std::string& out) const {
    out += '[';
    std::size_t at = 0;
    while (at < encoded_.size()) {
        static constexpr char kSeparators[] = {kPart, kArgument, '\0'};
        std::size_t end = encoded_.find_first_of(kSeparators, at + 1);
        if (end == std::string::npos) {
            end = encoded_.size();
        }
        const std::string_view piece(encoded_.data() + at + 1, end - at - 1);
        if (encoded_[at] == kPart) {
            out += at == 0 ? "[" : "],[";
            out += piece;
        } else {
            out += ',';
            appendJsonString(out, piece);
        }
        at = end;
    }
    out += encoded_.empty() ? "]" : "]]";
}

nlohmann::json Text::toJson() const {
    nlohmann::json out = nlohmann::json::array();
    forEachPart([&](TextId id, const std::vector<std::string_view>& args) {
        nlohmann::json entry = nlohmann::json::array();
        entry.push_back(static_cast<unsigned>(id));
        for (std::string_view arg : args) {
            entry.push_back(std::string(arg));
        }
        out.push_back(std::move(entry));
    });
    return out;
}

} // namespace rtcmc
