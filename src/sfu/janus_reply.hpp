// The frames Janus sends back, decoded defensively: a reply whose fields are missing or of the
// wrong type is an error value saying which, never an exception.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "sfu/janus_request.hpp"

namespace rtcmc::sfu {

enum class ReplyKind {
    Success,  // a synchronous request succeeded (data.id for create/attach, or plugindata)
    Error,    // a request failed: error.code, error.reason
    Ack,      // an asynchronous request was received; its event follows
    Event,    // plugindata (+ jsep), with the request's transaction or unsolicited
    WebrtcUp, // a handle's PeerConnection is up
    Media,    // media of a type started or stopped flowing
    Slowlink, // Janus sees losses on a handle
    Hangup,   // a handle's PeerConnection closed
    Timeout,  // the session timed out (no keepalive)
    Detached, // a handle was detached
};

const char* replyKindName(ReplyKind kind);

struct Reply {
    ReplyKind kind = ReplyKind::Event;
    std::string transaction;   // empty when none (unsolicited)
    std::uint64_t session = 0; // session_id, 0 when absent
    std::uint64_t sender = 0;  // sender (the handle), 0 when absent
    std::uint64_t dataId = 0;  // data.id of a success (new session or handle), else 0
    int errorCode = 0;         // error.code of an error
    std::string errorReason;   // error.reason of an error
    nlohmann::json pluginData; // plugindata.data (an object) of a success/event, else null
    std::optional<Jsep> jsep;  // an event's session description
    std::string reason;        // hangup's reason
};

// Decodes one received frame (text of at most kMaxFrameBytes).
Result<Reply> decodeReply(std::string_view text);

} // namespace rtcmc::sfu
