// The protocol's bounds as C++ constants, from protocol/limits.def (their one definition).
#pragma once

#include <cstddef>

namespace rtcmc::protocol {

#define RTCMC_LIMIT(name, jsName, value, unit) constexpr std::size_t name = value;
#include "protocol/limits.def"
#undef RTCMC_LIMIT

} // namespace rtcmc::protocol
