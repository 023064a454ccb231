#include "common/text.hpp"

#include <vector>

namespace rtcmc {

Text::Text(TextId id, std::initializer_list<std::string_view> args) {
    encoded_ += kPart;
    encoded_ += std::to_string(static_cast<unsigned>(id));
    for (std::string_view value : args) {
        arg(value);
    }
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
