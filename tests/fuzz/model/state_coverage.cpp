#include "state_coverage.hpp"

#include <cctype>
#include <map>
#include <tuple>
#include <vector>

#include "session/session_state.hpp"

namespace {

// SessionState::Idle .. Closed and SessionEvent::Open .. Dropped (session_state.hpp: the last
// enumerator of each).
constexpr int kStates = static_cast<int>(rtcmc::SessionState::Closed) + 1;
constexpr int kEvents = static_cast<int>(rtcmc::SessionEvent::Dropped) + 1;
int seen[kStates][kEvents] = {};
// Transitions the engine reached through the table since the last noteStateChange().
std::vector<rtcmc::SessionState> reached;
// (before, after, input kind) -> how often, for state changes outside the table.
std::map<std::tuple<int, int, std::string>, int> outside;

} // namespace

// The linker sends every call of rtcmc::nextState here (-Wl,--wrap=<its mangled name>); the
// real function is __real_<name>. C linkage is what the linker's renaming needs; the types stay
// the C++ ones, so the calling convention is that of the wrapped function.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wreturn-type-c-linkage"
extern "C" rtcmc::Result<rtcmc::SessionState>
__real__ZN5rtcmc9nextStateENS_12SessionStateENS_12SessionEventE(rtcmc::SessionState state,
                                                                rtcmc::SessionEvent event);

extern "C" rtcmc::Result<rtcmc::SessionState>
__wrap__ZN5rtcmc9nextStateENS_12SessionStateENS_12SessionEventE(rtcmc::SessionState state,
                                                                rtcmc::SessionEvent event) {
    rtcmc::Result<rtcmc::SessionState> next =
        __real__ZN5rtcmc9nextStateENS_12SessionStateENS_12SessionEventE(state, event);
    seen[static_cast<int>(state)][static_cast<int>(event)] = 1;
    if (next) {
        reached.push_back(next.value());
    }
    return next;
}
#pragma clang diagnostic pop

namespace rtcmc::fuzz::model {

void noteStateChange(SessionState before, SessionState after, const std::string& inputKind) {
    bool explained = before == after;
    for (SessionState next : reached) {
        explained = explained || next == after;
    }
    reached.clear();
    if (!explained) {
        ++outside[{static_cast<int>(before), static_cast<int>(after), inputKind}];
    }
}

StateCoverage stateCoverage() {
    StateCoverage coverage;
    coverage.rows = kStates * kEvents;
    for (int s = 0; s < kStates; ++s) {
        const auto state = static_cast<SessionState>(s);
        std::string line = std::string("    ") + toString(state) + ":";
        for (int e = 0; e < kEvents; ++e) {
            const auto event = static_cast<SessionEvent>(e);
            // The real table, not the wrapper: asking must not count as a visit.
            const Result<SessionState> next =
                __real__ZN5rtcmc9nextStateENS_12SessionStateENS_12SessionEventE(state, event);
            if (next) {
                ++coverage.legalRows;
            }
            if (!seen[s][e]) {
                if (next) {
                    coverage.legalRowsMissed += std::string("    ") + toString(state) + " --" +
                                                toString(event) + "--> " + toString(next.value()) +
                                                "\n";
                }
                continue;
            }
            std::string name = toString(event);
            if (next) {
                ++coverage.legalRowsSeen;
                for (char& c : name) {
                    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                }
            } else {
                ++coverage.illegalRowsSeen;
            }
            line += " " + name;
        }
        coverage.table += line + "\n";
    }
    for (const auto& [key, count] : outside) {
        coverage.outsideTable += std::string("    ") +
                                 toString(static_cast<SessionState>(std::get<0>(key))) + " -> " +
                                 toString(static_cast<SessionState>(std::get<1>(key))) + " (" +
                                 std::get<2>(key) + ") x" + std::to_string(count) + "\n";
    }
    return coverage;
}

} // namespace rtcmc::fuzz::model
