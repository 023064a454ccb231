#include "sfu/stream_ids.hpp"

#include <algorithm>
#include <map>

namespace rtcmc::sfu {
namespace {

constexpr std::size_t kMaxStreamIdChars = 64;
constexpr std::string_view kMidPrefix = "a=mid:";
constexpr std::string_view kMsidPrefix = "a=msid:";

bool isTokenChar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return std::string_view("!#$%&'*+-.^_`{|}~").find(c) != std::string_view::npos;
}

bool startsWith(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

// The SDP's lines without their line ends; the ends (CRLF or LF) are kept apart so that the
// rewritten text keeps them.
struct Line {
    std::string_view text;
    std::string_view end;
};

std::vector<Line> splitLines(std::string_view sdp) {
    std::vector<Line> lines;
    while (!sdp.empty()) {
        std::size_t newline = sdp.find('\n');
        std::size_t next = newline == std::string_view::npos ? sdp.size() : newline + 1;
        std::size_t textEnd = newline == std::string_view::npos ? sdp.size() : newline;
        if (textEnd > 0 && sdp[textEnd - 1] == '\r') {
            --textEnd;
        }
        lines.push_back(Line{sdp.substr(0, textEnd), sdp.substr(textEnd, next - textEnd)});
        sdp.remove_prefix(next);
    }
    return lines;
}

// The media sections: for each, the index of its m= line and of its mid and msid lines.
struct Section {
    std::size_t midLine = 0;
    std::size_t msidLine = 0;
    bool hasMid = false;
    bool hasMsid = false;
};

std::vector<Section> sectionsOf(const std::vector<Line>& lines) {
    std::vector<Section> sections;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (startsWith(lines[i].text, "m=")) {
            sections.emplace_back();
        } else if (!sections.empty() && startsWith(lines[i].text, kMidPrefix)) {
            sections.back().midLine = i;
            sections.back().hasMid = true;
        } else if (!sections.empty() && !sections.back().hasMsid &&
                   startsWith(lines[i].text, kMsidPrefix)) {
            sections.back().msidLine = i;
            sections.back().hasMsid = true;
        }
    }
    return sections;
}

std::string_view midOf(const Line& line) {
    return line.text.substr(kMidPrefix.size());
}

// "a=msid:<stream> <track>": the stream part and what follows it (" <track>" or nothing).
std::pair<std::string_view, std::string_view> msidParts(const Line& line) {
    std::string_view value = line.text.substr(kMsidPrefix.size());
    std::size_t space = value.find(' ');
    if (space == std::string_view::npos) {
        return {value, std::string_view()};
    }
    return {value.substr(0, space), value.substr(space)};
}

} // namespace

bool isStreamIdToken(std::string_view id) {
    return !id.empty() && id.size() <= kMaxStreamIdChars &&
           std::all_of(id.begin(), id.end(), isTokenChar);
}

std::vector<LineStream> lineStreams(std::string_view sdp) {
    std::vector<Line> lines = splitLines(sdp);
    std::vector<LineStream> out;
    for (const Section& section : sectionsOf(lines)) {
        if (!section.hasMid || !section.hasMsid) {
            continue;
        }
        std::string_view stream = msidParts(lines[section.msidLine]).first;
        std::string_view mid = midOf(lines[section.midLine]);
        if (isStreamIdToken(stream) && !mid.empty()) {
            out.push_back(LineStream{std::string(mid), std::string(stream)});
        }
    }
    return out;
}

void assignStreamIds(std::vector<OfferedStream>& streams) {
    // A description belongs to the first feed that claims it, so that one publisher cannot
    // pass its tracks off as another's stream.
    std::map<std::string, std::uint64_t> owners;
    for (OfferedStream& stream : streams) {
        std::string fallback = "feed-" + std::to_string(stream.feed.id);
        if (!isStreamIdToken(stream.description) || startsWith(stream.description, "feed-")) {
            stream.streamid = fallback;
            continue;
        }
        auto owner = owners.emplace(stream.description, stream.feed.id).first;
        stream.streamid = owner->second == stream.feed.id ? stream.description : fallback;
    }
}

std::string withStreamIds(std::string_view sdp, const std::vector<OfferedStream>& streams) {
    std::vector<Line> lines = splitLines(sdp);
    std::map<std::size_t, std::string> replaced;
    for (const Section& section : sectionsOf(lines)) {
        if (!section.hasMid || !section.hasMsid) {
            continue;
        }
        std::string_view mid = midOf(lines[section.midLine]);
        auto stream = std::find_if(streams.begin(), streams.end(),
                                   [&](const OfferedStream& s) { return s.mid == mid; });
        if (stream == streams.end() || stream->streamid.empty()) {
            continue;
        }
        std::string line(kMsidPrefix);
        line += stream->streamid;
        line += msidParts(lines[section.msidLine]).second;
        replaced.emplace(section.msidLine, std::move(line));
    }
    std::string out;
    out.reserve(sdp.size() + 64 * replaced.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        auto line = replaced.find(i);
        if (line != replaced.end()) {
            out += line->second;
        } else {
            out += lines[i].text;
        }
        out += lines[i].end;
    }
    return out;
}

} // namespace rtcmc::sfu
