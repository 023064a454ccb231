// Which rows of the session state table (session/session_state.hpp: SessionState x
// SessionEvent) the engines went through during model runs. The model fuzzer is linked with
// -Wl,--wrap for rtcmc::nextState (tests/fuzz/CMakeLists.txt), so every transition the engines
// attempt passes through state_coverage.cpp on its way, legal or not, with no hook in src/.
#pragma once

#include <string>

#include "session/session_state.hpp"

namespace rtcmc::fuzz::model {

struct StateCoverage {
    int legalRows = 0;           // rows the table allows
    int legalRowsSeen = 0;       // of those, taken at least once
    int illegalRowsSeen = 0;     // refused rows attempted at least once
    int rows = 0;                // every state x event pair
    std::string table;           // one line per state: the events seen, legal ones in capitals
    std::string legalRowsMissed; // "state --event--> next" of each legal row never taken
    // State changes no table row explains (the engine assigned the state itself), with the
    // input that caused them and how often: "joined -> left (leave()) x12".
    std::string outsideTable;
};

StateCoverage stateCoverage();

// After each engine input: its state before and after. A change that no legal row attempted
// during the input explains is counted as outside the table.
void noteStateChange(SessionState before, SessionState after, const std::string& inputKind);

} // namespace rtcmc::fuzz::model
