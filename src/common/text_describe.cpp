// describe(): the native side of common/texts.def. It lives in its own file so that the wasm
// module, which never calls it, links none of the sentences.
#include <cstddef>
#include <vector>

#include "common/text.hpp"

namespace rtcmc {

namespace {

constexpr const char* kTexts[] = {
#define RTCMC_TEXT(id, text) text,
#include "common/texts.def"
#undef RTCMC_TEXT
};

void fill(std::string& out, const char* sentence, const std::vector<std::string_view>& args) {
    for (const char* c = sentence; *c != '\0'; ++c) {
        if (c[0] == '{' && c[1] >= '0' && c[1] <= '9' && c[2] == '}') {
            const auto index = static_cast<std::size_t>(c[1] - '0');
            // A missing argument shows as written, so that a test reading the text sees it.
            if (index < args.size()) {
                out += args[index];
            } else {
                out.append(c, 3);
            }
            c += 2;
        } else {
            out += *c;
        }
    }
}

} // namespace

std::string describe(const Text& text) {
    std::string out;
    text.forEachPart([&](TextId id, const std::vector<std::string_view>& args) {
        const auto index = static_cast<std::size_t>(id);
        fill(out, index < std::size(kTexts) ? kTexts[index] : "(unknown text)", args);
    });
    return out;
}

} // namespace rtcmc
