// An enum crosses the embind boundary as a plain JS number. Its names are on the JS side only:
// scripts/generate-enums.mjs reads them from the C++ declaration into Module.<Name> (a post-js),
// so the wasm holds neither the names nor one registration per value, and the glue needs none
// of embind's enum_ machinery (issue 11).
#pragma once

#include <emscripten/bind.h>

#include <limits>
#include <type_traits>

namespace rtcmc {

template <typename Enum> void registerEnumAsNumber(const char* name) {
    static_assert(std::is_enum_v<Enum>);
    using Number = std::underlying_type_t<Enum>;
    emscripten::internal::_embind_register_integer(emscripten::internal::TypeID<Enum>::get(), name,
                                                   sizeof(Enum), std::numeric_limits<Number>::min(),
                                                   std::numeric_limits<Number>::max());
}

} // namespace rtcmc
