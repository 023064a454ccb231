#include "session/sdp_bandwidth.hpp"

namespace rtcmc {
namespace {

std::uint32_t limitFor(std::string_view mediaLine, const Bandwidth& bandwidth) {
    if (mediaLine.rfind("m=audio", 0) == 0) {
        return bandwidth.audio;
    }
    if (mediaLine.rfind("m=video", 0) == 0) {
        return bandwidth.video;
    }
    if (mediaLine.rfind("m=application", 0) == 0) {
        return bandwidth.data;
    }
    return 0;
}

bool startsWith(std::string_view line, std::string_view prefix) {
    return line.substr(0, prefix.size()) == prefix;
}

} // namespace

std::string applyBandwidth(std::string_view sdp, const Bandwidth& bandwidth) {
    // Keep the SDP's own line ending (browsers write CRLF; LF is accepted on input).
    const std::string_view eol = sdp.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
    std::string out;
    out.reserve(sdp.size() + 64);
    std::uint32_t limit = 0; // the current media section's limit (0: leave it alone)
    bool written = false;    // its b=AS line is out
    auto finishSection = [&] {
        if (limit != 0 && !written) {
            out.append("b=AS:").append(std::to_string(limit)).append(eol);
        }
    };
    std::size_t start = 0;
    while (start < sdp.size()) {
        std::size_t end = sdp.find('\n', start);
        if (end == std::string_view::npos) {
            end = sdp.size();
        }
        std::string_view line = sdp.substr(start, end - start);
        start = end + 1;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty()) {
            continue;
        }
        if (startsWith(line, "m=")) {
            finishSection();
            limit = limitFor(line, bandwidth);
            written = false;
        } else if (limit != 0) {
            if (startsWith(line, "b=")) {
                continue; // replaced by ours
            }
            // RFC 4566 section order within a media description: i=, c=, then b=.
            if (!written && !startsWith(line, "i=") && !startsWith(line, "c=")) {
                out.append("b=AS:").append(std::to_string(limit)).append(eol);
                written = true;
            }
        }
        out.append(line).append(eol);
    }
    finishSection();
    return out;
}

} // namespace rtcmc
