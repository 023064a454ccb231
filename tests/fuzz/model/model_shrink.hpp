// Shrinks a failing run to a minimal one: delta debugging (Zeller's ddmin) over the list of
// steps, keeping a candidate when its replay still breaks the same invariant.
#pragma once

#include <string>
#include <vector>

#include "model_step.hpp"
#include "model_world.hpp"

namespace rtcmc::fuzz::model {

// The violation a replay of `steps` (then World::finish) ends with, if any.
std::optional<Violation> replay(const WorldConfig& config, const std::vector<Step>& steps);

std::vector<Step> shrink(const WorldConfig& config, std::vector<Step> steps,
                         const std::string& invariant);

} // namespace rtcmc::fuzz::model
