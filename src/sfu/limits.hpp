// The Janus client's bounds as C++ constants, from sfu/limits.def (their one definition).
#pragma once

#include <cstddef>

namespace rtcmc::sfu {

#define RTCMC_SFU_LIMIT(name, value, unit) constexpr std::size_t name = value;
#include "sfu/limits.def"
#undef RTCMC_SFU_LIMIT

} // namespace rtcmc::sfu
