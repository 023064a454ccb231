// model_fuzzer: model-based fuzzing of the engine. Each seed is a world of 2 to 6 engines
// sharing one fake signaling path and fake browsers (model_world.hpp) and a list of steps
// (model_generator.hpp); invariants are checked after every step. A failing seed is shrunk to
// a minimal list of steps and printed, and replays with --seed.
//
//   model_fuzzer --seeds N [--first S] [--steps K] [--no-faults] [--keep-going]
//   model_fuzzer --seed S [--steps K] [--no-faults] [--trace]
//
// Exit status: 0 when every seed passed, 1 when one broke an invariant, 2 on bad arguments.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "model_generator.hpp"
#include "model_shrink.hpp"
#include "state_coverage.hpp"

using namespace rtcmc::fuzz::model;

namespace {

struct Options {
    std::uint64_t first = 1;
    std::uint64_t seeds = 100;
    bool single = false;
    bool trace = false;
    bool keepGoing = false;
    GeneratorOptions generator;
};

bool parse(int argc, char** argv, Options& options) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool hasValue = i + 1 < argc;
        if (arg == "--seeds" && hasValue) {
            options.seeds = std::strtoull(argv[++i], nullptr, 10);
        } else if (arg == "--first" && hasValue) {
            options.first = std::strtoull(argv[++i], nullptr, 10);
        } else if (arg == "--seed" && hasValue) {
            options.first = std::strtoull(argv[++i], nullptr, 10);
            options.seeds = 1;
            options.single = true;
        } else if (arg == "--steps" && hasValue) {
            options.generator.steps = std::atoi(argv[++i]);
        } else if (arg == "--no-faults") {
            options.generator.faults = false;
        } else if (arg == "--trace") {
            options.trace = true;
        } else if (arg == "--keep-going") {
            options.keepGoing = true;
        } else {
            return false;
        }
    }
    return options.generator.steps > 0;
}

// Replays the steps, printing each one and the engines after it.
void trace(const WorldConfig& config, const std::vector<Step>& steps) {
    World world(config);
    world.setLog(true);
    for (std::size_t i = 0; i < steps.size() && !world.violation(); ++i) {
        const bool applied = world.apply(steps[i]);
        std::printf("  %3zu. %s%s\n%s", i + 1, describe(steps[i]).c_str(),
                    applied ? "" : "   (does not apply)", world.describeEngines().c_str());
    }
    if (!world.violation()) {
        std::printf("  then: everything settles, everyone leaves, u1 and u2 meet again\n");
        world.finish();
    }
}

// Shrinks and prints the failing run of `seed`.
void report(std::uint64_t seed, const WorldConfig& config, const std::vector<Step>& steps,
            const Violation& found, const Options& options) {
    std::printf("\nseed %llu breaks invariant '%s' (%zu steps); shrinking...\n",
                static_cast<unsigned long long>(seed), found.invariant.c_str(), steps.size());
    const std::vector<Step> minimal = shrink(config, steps, found.invariant);
    const std::optional<Violation> violation = replay(config, minimal);
    std::printf("minimal reproduction (%zu steps), world: %s\n", minimal.size(),
                config.describe().c_str());
    for (std::size_t i = 0; i < minimal.size(); ++i) {
        std::printf("  %3zu. %s\n", i + 1, describe(minimal[i]).c_str());
    }
    std::printf("  then: everything settles, everyone leaves, u1 and u2 meet again\n");
    std::printf("invariant '%s' broken: %s\n", violation->invariant.c_str(),
                violation->detail.c_str());
    if (options.trace) {
        std::printf("trace:\n");
        trace(config, minimal);
    }
    std::printf("replay: model_fuzzer --seed %llu%s%s\n", static_cast<unsigned long long>(seed),
                options.generator.faults ? "" : " --no-faults",
                options.generator.steps == GeneratorOptions{}.steps
                    ? ""
                    : (" --steps " + std::to_string(options.generator.steps)).c_str());
}

} // namespace

int main(int argc, char** argv) {
    Options options;
    if (!parse(argc, argv, options)) {
        std::fprintf(stderr, "usage: model_fuzzer --seeds N [--first S] [--steps K] [--no-faults] "
                             "[--keep-going]\n       model_fuzzer --seed S [--steps K] "
                             "[--no-faults] [--trace]\n");
        return 2;
    }
    const auto started = std::chrono::steady_clock::now();
    std::size_t totalSteps = 0;
    std::size_t failures = 0;
    for (std::uint64_t seed = options.first; seed < options.first + options.seeds; ++seed) {
        const WorldConfig config = configFor(seed);
        const std::vector<Step> steps = generate(seed, config, options.generator);
        totalSteps += steps.size();
        const std::optional<Violation> violation = replay(config, steps);
        if (violation) {
            ++failures;
            report(seed, config, steps, *violation, options);
            if (!options.keepGoing) {
                break;
            }
        } else if (options.single && options.trace) {
            trace(config, steps);
        }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const StateCoverage coverage = stateCoverage();
    std::printf("\nmodel_fuzzer: %llu seeds from %llu, %zu steps, %.1f s, %zu failing\n",
                static_cast<unsigned long long>(options.seeds),
                static_cast<unsigned long long>(options.first), totalSteps, seconds, failures);
    std::printf("session state table: %d of %d legal rows taken, %d illegal rows attempted "
                "(refused), of %d rows\n%s",
                coverage.legalRowsSeen, coverage.legalRows, coverage.illegalRowsSeen, coverage.rows,
                coverage.table.c_str());
    if (!coverage.legalRowsMissed.empty()) {
        std::printf("legal rows never taken:\n%s", coverage.legalRowsMissed.c_str());
    }
    if (!coverage.outsideTable.empty()) {
        std::printf("state changes outside the table (assigned by the engine):\n%s",
                    coverage.outsideTable.c_str());
    }
    return failures == 0 ? 0 : 1;
}
