// Writes a model run from a seed: the world's configuration, then steps drawn one at a time
// from what can happen in the world at that moment (so that most steps apply), with faults when
// asked for. The same seed always gives the same run.
#pragma once

#include <cstdint>
#include <vector>

#include "model_step.hpp"
#include "model_world.hpp"

namespace rtcmc::fuzz::model {

WorldConfig configFor(std::uint64_t seed);

struct GeneratorOptions {
    int steps = 120;
    bool faults = true; // link failures, crashes, late and repeated reports, data faults
};

// The steps of the run of `seed`. Generation stops early at the first violation, which a replay
// of the steps shows again.
std::vector<Step> generate(std::uint64_t seed, const WorldConfig& config,
                           const GeneratorOptions& options);

} // namespace rtcmc::fuzz::model
