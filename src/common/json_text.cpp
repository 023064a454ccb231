#include "common/json_text.hpp"

namespace rtcmc {

nlohmann::json parseJson(std::string_view text) {
    // json::parse would also instantiate the callback-driven parser, which the core never uses;
    // the DOM-building SAX handler is what json::parse uses when no callback is given.
    nlohmann::json document;
    nlohmann::detail::json_sax_dom_parser<nlohmann::json> builder(document,
                                                                  /*allow_exceptions=*/false);
    if (!nlohmann::json::sax_parse(text.data(), text.data() + text.size(), &builder)) {
        return nlohmann::json(nlohmann::json::value_t::discarded);
    }
    return document;
}

} // namespace rtcmc
