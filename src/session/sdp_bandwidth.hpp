// connection.bandwidth = {audio, video, screen, data} (kbps) applied to a session description:
// each audio, video and application section gets one `b=AS:<kbps>` line (RFC 4566 section 5.8),
// replacing any it had. The SDP we send tells the other side how much we want to receive.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rtcmc {

struct Bandwidth {
    std::uint32_t audio = 0; // kbps; 0 leaves the section as it is
    std::uint32_t video =
        0; // kbps for the video section (the caller passes `screen` when sharing one)
    std::uint32_t data = 0; // kbps for the application (data channel) section
};

std::string applyBandwidth(std::string_view sdp, const Bandwidth& bandwidth);

} // namespace rtcmc
