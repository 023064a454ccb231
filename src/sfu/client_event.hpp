// What the Janus client asks of the page: frames to send on the WebSocket and events for the
// facade. One Output per input; both lists may be empty.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "sfu/feed_roster.hpp"

namespace rtcmc::sfu {

enum class ClientEventKind {
    Joined,            // the publisher handle is in the room (feed = our own feed id)
    FeedAdded,         // a remote publisher appeared (feed)
    FeedRemoved,       // a remote publisher unpublished or left (feed)
    RemoteOffer,       // the subscriber handle's offer (sdp): answer it with answerSubscription()
    LocalAnswer,       // Janus's answer (sdp) to our publish offer: apply it to the publisher pc
    PublishingStarted, // Janus accepted our publish offer
    Error,             // a request failed or something was dropped (error); state as said
    FrameDropped,      // a received frame was ignored, with the reason (error); nothing changed
    JanusGone,         // Janus stopped answering or lost our session (error): client is Closed
    SessionTimedOut,   // Janus timed our session out (error): client is Closed
    Left,              // leave() finished, or the client closed: nothing more will be sent
};

// One media line of the subscriber handle's offer: which feed it carries, so that the page
// can give each remote track to the user who publishes it (the offer's "streams" list).
struct OfferedStream {
    std::string mid;
    Feed feed;
    std::string type;        // "audio", "video" or "data"
    std::string description; // the publisher's description of the line: its stream id
    std::string streamid;    // the stream id the page's track gets (stream_ids.hpp)
};

struct ClientEvent {
    ClientEventKind kind;
    Feed feed;
    std::string sdp;
    std::vector<OfferedStream> streams; // RemoteOffer: the offer's media lines
    std::optional<Error> error;
};

struct Output {
    std::vector<std::string> frames;
    std::vector<ClientEvent> events;
};

} // namespace rtcmc::sfu
