#include "model_generator.hpp"

#include <random>

namespace rtcmc::fuzz::model {

namespace {

class Picker {
public:
    explicit Picker(std::uint64_t seed) : random_(seed) {}
    int below(int bound) { return std::uniform_int_distribution<int>(0, bound - 1)(random_); }
    bool chance(int percent) { return below(100) < percent; }
    template <typename T> const T& among(const std::vector<T>& list) {
        return list[static_cast<std::size_t>(below(static_cast<int>(list.size())))];
    }
    std::uint32_t next() { return static_cast<std::uint32_t>(random_()); }

private:
    std::mt19937_64 random_;
};

// Mostly one room, so that users meet; sometimes a second one.
std::string room(Picker& pick) {
    return pick.chance(80) ? "r1" : "r2";
}

Step callStep(const World& world, Picker& pick, int user) {
    Step step;
    step.kind = StepKind::Call;
    step.user = user;
    step.peer = pick.below(world.users());
    step.room = room(pick);
    const int roll = pick.below(100);
    step.call = roll < 20   ? Call::Open
                : roll < 45 ? Call::Connect
                : roll < 55 ? Call::Join
                : roll < 67 ? Call::Leave
                : roll < 77 ? Call::Eject
                : roll < 83 ? Call::UpdateExtra
                : roll < 88 ? Call::CheckPresence
                : roll < 93 ? Call::AddStream
                : roll < 96 ? Call::DonotJoin
                            : Call::Mute;
    return step;
}

// Every step that could happen now, by kind, with the weight of each kind.
Step propose(const World& world, Picker& pick, const GeneratorOptions& options) {
    const int users = world.users();
    std::vector<Step> signals;
    std::vector<Step> data;
    std::vector<Step> linked;
    std::vector<int> alive;
    std::vector<int> gone;
    for (int user = 0; user < users; ++user) {
        (world.alive(user) ? alive : gone).push_back(user);
        if (world.serverHasWork(user)) {
            signals.push_back(stepOf(StepKind::ServerTakes, user, 0));
        }
        if (world.alive(user) && world.connectionHasWork(user)) {
            signals.push_back(stepOf(StepKind::ServerDelivers, user, 0));
        }
        for (int peer = 0; peer < users; ++peer) {
            if (world.hasSignal(user, peer)) {
                signals.push_back(stepOf(StepKind::DeliverSignal, user, peer));
            }
            if (world.canDeliverData(user, peer)) {
                data.push_back(stepOf(StepKind::DeliverData, user, peer));
            }
            if (world.alive(user) && world.dataOpen(user, peer)) {
                Step send = stepOf(StepKind::Send, user, peer);
                send.amount = static_cast<std::uint32_t>(pick.below(300));
                send.extra = static_cast<std::uint32_t>(1 + pick.below(64));
                data.push_back(send);
            }
            if (world.alive(user) && world.hasLink(user, peer)) {
                linked.push_back(stepOf(StepKind::LinkFails, user, peer));
            }
        }
    }
    std::vector<Step> reports = world.pendingReports();
    for (Step& report : reports) {
        if (report.report == Report::MediaReady && pick.chance(8)) {
            report.report = Report::MediaFailed;
        }
    }
    for (int attempt = 0; attempt < 20; ++attempt) {
        const int roll = pick.below(100);
        if (roll < 32 && !signals.empty()) {
            return pick.among(signals);
        }
        if (roll >= 32 && roll < 57 && !reports.empty()) {
            return pick.among(reports);
        }
        if (roll >= 57 && roll < 72 && !alive.empty()) {
            return callStep(world, pick, pick.among(alive));
        }
        if (roll >= 72 && roll < 82 && !data.empty()) {
            return pick.among(data);
        }
        if (roll >= 82 && roll < 87) {
            Step tick = stepOf(StepKind::Tick);
            const std::uint32_t amounts[] = {50, 500, 1500, 3100};
            tick.amount = amounts[pick.below(4)];
            return tick;
        }
        if (roll >= 87 && roll < 97 && options.faults) {
            Step fault = stepOf(StepKind::RepeatReport, pick.below(users), pick.below(users));
            switch (pick.below(8)) {
            case 0:
                if (linked.empty()) {
                    continue;
                }
                fault = pick.among(linked);
                break;
            case 1:
                if (pick.chance(50)) {
                    fault.kind = StepKind::Crash;
                } else if (!gone.empty()) {
                    fault.kind = StepKind::Restart;
                    fault.user = pick.among(gone);
                } else {
                    continue;
                }
                break;
            case 2:
            case 3: {
                const Report repeats[] = {Report::Connected, Report::DataOpen, Report::Closed,
                                          Report::Failed, Report::MediaReady};
                fault.report = repeats[pick.below(5)];
                break;
            }
            case 4:
                fault.kind = StepKind::CorruptData;
                break;
            case 5:
                fault.kind = StepKind::DuplicateData;
                break;
            case 6:
                fault.kind = StepKind::SwapData;
                break;
            default:
                fault.kind = StepKind::DataChannelCloses;
                break;
            }
            return fault;
        }
        if (roll >= 97) {
            Step settle = stepOf(StepKind::Settle);
            settle.amount = pick.next();
            return settle;
        }
    }
    Step tick = stepOf(StepKind::Tick);
    tick.amount = 500;
    return tick;
}

} // namespace

WorldConfig configFor(std::uint64_t seed) {
    Picker pick(seed * 0x9E3779B97F4A7C15ULL + 1);
    WorldConfig config;
    config.serverAuthority = seed % 2 == 1;
    config.users = 2 + pick.below(5);
    const int direction = pick.below(100);
    config.direction = direction < 50   ? Direction::ManyToMany
                       : direction < 70 ? Direction::OneToMany
                       : direction < 85 ? Direction::OneToOne
                                        : Direction::OneWay;
    const char* sessions[] = {"audio + video + data", "audio + video", "only data", "audio + data"};
    config.session = parseSession(sessions[pick.below(4)]).value();
    config.autoCloseEntireSession = pick.chance(20);
    config.maxParticipantsAllowed =
        pick.chance(60) ? 1000 : static_cast<std::uint32_t>(1 + pick.below(3));
    config.password = pick.chance(20) ? "pw" : "";
    for (int user = 0; user < config.users; ++user) {
        config.autoJoin.push_back(pick.chance(85));
        config.dontAttachStream.push_back(pick.chance(10));
    }
    return config;
}

std::vector<Step> generate(std::uint64_t seed, const WorldConfig& config,
                           const GeneratorOptions& options) {
    World world(config);
    Picker pick(seed);
    std::vector<Step> steps;
    for (int tries = 0; static_cast<int>(steps.size()) < options.steps && tries < options.steps * 4;
         ++tries) {
        const Step step = propose(world, pick, options);
        if (world.apply(step)) {
            steps.push_back(step);
        }
        if (world.violation()) {
            break;
        }
    }
    return steps;
}

} // namespace rtcmc::fuzz::model
