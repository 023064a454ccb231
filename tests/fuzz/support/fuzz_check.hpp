// An invariant a fuzz target asserts beyond "no crash": when it does not hold, the target says
// which one and aborts, so that libFuzzer keeps the input as a crash (crash-<sha1>).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace rtcmc::fuzz {

[[noreturn]] inline void invariantBroken(const std::string& what) {
    std::fprintf(stderr, "\n*** fuzz invariant broken: %s\n", what.c_str());
    std::abort();
}

// A literal, not a std::string: targets check invariants on every packet, and building a
// string for each check (most messages are past the small-string size) was a third of the
// transfer_packets target's time under ASan.
inline void require(bool holds, const char* what) {
    if (!holds) {
        invariantBroken(what);
    }
}

} // namespace rtcmc::fuzz
