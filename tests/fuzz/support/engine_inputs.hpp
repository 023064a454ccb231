// The names the engine's libFuzzer target picks from with a record's selector byte (who sends a
// signal, which server event or reply it is), shared with the seed corpus generator so that a
// seed says exactly what the target will call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rtcmc::fuzz {

// Record operations of engine_json_fuzzer (op % kEngineOps).
enum EngineOp : std::uint8_t {
    kSignalOp = 0,        // Signal: bytes from kSenders[selector]
    kServerEventOp = 1,   // ServerEvent kServerEvents[selector]: bytes
    kServerReplyOp = 2,   // ServerReply to kRequests[selector], asked kAsked[selector / 16]: bytes
    kBrowserReportOp = 3, // a peer, data-channel, media, stream or timer report (selector % 11)
    kUserCallOp = 4,      // a page's call (selector % 11)
    kEngineOps = 5,
};

inline constexpr const char* kSenders[] = {"", "alice", "bob", "carol", "me"};
inline constexpr const char* kServerEvents[] = {
    "member-joined", "member-left", "owner-changed", "ejected", "room-closed",
    "extra-updated", "user-status", "room-list",     "welcome", "unknown-event"};
inline constexpr const char* kRequests[] = {
    "open-room", "join-room",  "check-presence", "list-rooms",   "subscribe-rooms",
    "eject",     "leave-room", "close-room",     "update-extra", "unknown-request"};
inline constexpr const char* kAsked[] = {R"({"roomid":"room"})",
                                         R"({"roomid":"room","userid":"bob"})",
                                         R"({"roomid":"other"})",
                                         "{}",
                                         "",
                                         "[1"};

template <typename T, std::size_t N> const T& pick(const T (&list)[N], std::uint8_t selector) {
    return list[selector % N];
}

// The selector that picks `name` from `list` (the generator's side of pick()).
template <std::size_t N>
std::uint8_t selectorOf(const char* const (&list)[N], std::string_view name) {
    for (std::size_t i = 0; i < N; ++i) {
        if (name == list[i]) {
            return static_cast<std::uint8_t>(i);
        }
    }
    return 0;
}

} // namespace rtcmc::fuzz
