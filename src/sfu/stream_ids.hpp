// The sender's stream ids through Janus. Janus names the stream of every line of a subscriber
// offer "janus" (a=msid:janus janus<mid>), so a receiving page could not tell which of the
// sender's streams a track belongs to, while mute, removeStream and onstreamended name
// streams by the sender's id, as in a mesh. So the publisher gives Janus each line's stream id
// as the line's description (the publish request's "descriptions"), Janus hands it to
// subscribers as the line's "feed_description", and the subscriber offer's msid lines are
// rewritten with it before the page applies the offer: the page's remote MediaStream then has
// the sender's id.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sfu/client_event.hpp"

namespace rtcmc::sfu {

// A media line's mid and the id of the stream its track belongs to (a=msid:<stream> <track>).
struct LineStream {
    std::string mid;
    std::string streamid;
};

// Whether `id` can stand as an msid stream id: 1 to 64 token characters (RFC 8830).
bool isStreamIdToken(std::string_view id);

// The lines of a local offer with their stream ids; lines without a mid, without an msid or
// with an id that is not a token are left out.
std::vector<LineStream> lineStreams(std::string_view sdp);

// Gives each offered stream the id its track's MediaStream will have on the page: the
// publisher's description when it is a token no other feed claimed first, otherwise
// "feed-<feed id>" (one stream per feed, as before descriptions). Sets OfferedStream::streamid.
void assignStreamIds(std::vector<OfferedStream>& streams);

// `sdp` with the stream id of every line that `streams` names (by mid) in its a=msid line.
std::string withStreamIds(std::string_view sdp, const std::vector<OfferedStream>& streams);

} // namespace rtcmc::sfu
