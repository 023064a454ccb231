#include "model_shrink.hpp"

#include <algorithm>

namespace rtcmc::fuzz::model {

std::optional<Violation> replay(const WorldConfig& config, const std::vector<Step>& steps) {
    World world(config);
    for (const Step& step : steps) {
        world.apply(step);
        if (world.violation()) {
            return world.violation();
        }
    }
    world.finish();
    return world.violation();
}

std::vector<Step> shrink(const WorldConfig& config, std::vector<Step> steps,
                         const std::string& invariant) {
    auto stillFails = [&](const std::vector<Step>& candidate) {
        const std::optional<Violation> violation = replay(config, candidate);
        return violation && violation->invariant == invariant;
    };
    std::size_t parts = 2;
    while (steps.size() >= 2) {
        const std::size_t chunk = (steps.size() + parts - 1) / parts;
        bool reduced = false;
        for (std::size_t start = 0; start < steps.size(); start += chunk) {
            std::vector<Step> complement(steps.begin(), steps.begin() + static_cast<long>(start));
            complement.insert(complement.end(),
                              steps.begin() +
                                  static_cast<long>(std::min(start + chunk, steps.size())),
                              steps.end());
            if (stillFails(complement)) {
                steps = std::move(complement);
                parts = std::max<std::size_t>(parts - 1, 2);
                reduced = true;
                break;
            }
        }
        if (!reduced) {
            if (parts >= steps.size()) {
                break;
            }
            parts = std::min(parts * 2, steps.size());
        }
    }
    return steps;
}

} // namespace rtcmc::fuzz::model
