// Every signaling message the library exchanges, as plain structs. Version 1 of our protocol;
// docs/protocol.md describes each one (one section per struct, same order).
//
// Every message travels as one JSON object with a common envelope:
//   {"v":1, "type":"<type>", "room":"<roomid>", "from":"<userid>", "to":"<userid>"?, ...}
// "to" absent means every member of the room. The decoder (codec.hpp) validates each field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/limits.hpp"
#include "session/direction.hpp"
#include "session/session_type.hpp"

namespace rtcmc::protocol {

constexpr int kVersion = 1;

struct Envelope {
    std::string room;
    std::string from;
    std::optional<std::string> to;
};

struct MemberInfo {
    std::string userid;
    nlohmann::json extra = nlohmann::json::object();
    SessionType joinedAs;
};

// The owner advertises its room (every `interval` ms, and in answer to a presence query).
struct Announce {
    Envelope envelope;
    SessionType session;
    Direction direction = Direction::ManyToMany;
    nlohmann::json extra = nlohmann::json::object();
    std::uint32_t participants = 1;              // owner included
    std::uint32_t maxParticipantsAllowed = 1000; // besides the owner
    bool passwordProtected = false;
};

// "Is room <room> there?" (connect(), checkPresence()); the owner answers with an Announce.
struct PresenceQuery {
    Envelope envelope;
};

// A join-request's number, echoed by the owner's answer: a joiner that left and asked again
// (same userid, same room) takes only the answer to its latest request, not a late answer to
// an earlier session's (model_fuzzer --seed 486). Absent from peers that do not send it.
constexpr std::uint32_t kMaxRequestNumber = 0x7fffffff;

struct JoinRequest {
    Envelope envelope; // to = the owner
    nlohmann::json extra = nlohmann::json::object();
    SessionType joinAs;
    std::optional<std::string> password;
    std::optional<std::uint32_t> request;
};

struct JoinAccept {
    Envelope envelope; // to = the joiner
    std::string owner;
    std::vector<MemberInfo> members; // join order, owner first, joiner last
    SessionType session;
    Direction direction = Direction::ManyToMany;
    std::uint32_t maxParticipantsAllowed = 1000;
    bool autoCloseEntireSession = false;
    std::optional<std::uint32_t> request; // the join-request's, echoed
};

struct JoinRefuse {
    Envelope envelope; // to = the refused joiner
    std::string code;  // an ErrorCode name: ROOM_FULL, WRONG_PASSWORD, ...
    std::string reason;
    std::optional<std::uint32_t> request; // the join-request's, echoed
};

struct MemberJoined {
    Envelope envelope; // from = the owner
    MemberInfo member;
};

enum class LeaveReason { Left, Ejected, Disconnected };

struct MemberLeft {
    Envelope envelope; // from = the owner
    std::string userid;
    LeaveReason reason = LeaveReason::Left;
};

struct Eject {
    Envelope envelope; // from = the owner, to = the ejected user
};

struct Leave {
    Envelope envelope;
    bool closeEntireSession = false;      // the owner closes the room for everyone
    std::optional<std::string> successor; // the owner hands the room to this member
};

struct ExtraUpdated {
    Envelope envelope;
    nlohmann::json extra = nlohmann::json::object();
};

struct StreamInfo {
    std::string streamid;
    SessionType session; // what the stream carries (audio, video, screen)
};

enum class SdpType { Offer, Answer };

struct SessionDescription {
    Envelope envelope; // to = the peer
    SdpType sdpType = SdpType::Offer;
    std::string sdp;
    std::vector<StreamInfo> streams; // the sender's streams on this connection
    // On an answer: the SDP session id (o= line) of the offer it answers. A peer that dialed
    // again with a new peer connection tells an answer to its old one from the answer it waits
    // for (docs/protocol.md, "sdp").
    std::optional<std::string> replyTo;
};

struct IceCandidate {
    Envelope envelope;                    // to = the peer
    std::optional<std::string> candidate; // absent = end of candidates
    std::optional<std::string> sdpMid;
    std::optional<std::uint32_t> sdpMLineIndex;
};

struct MuteChanged {
    Envelope envelope;
    std::string streamid;
    bool audio = false; // the change concerns the audio tracks
    bool video = false; // the change concerns the video tracks
    bool muted = true;  // true: mute, false: unmute
};

struct StreamEnded {
    Envelope envelope;
    std::string streamid;
};

using Message = std::variant<Announce, PresenceQuery, JoinRequest, JoinAccept, JoinRefuse,
                             MemberJoined, MemberLeft, Eject, Leave, ExtraUpdated,
                             SessionDescription, IceCandidate, MuteChanged, StreamEnded>;

const Envelope& envelopeOf(const Message& message);
Envelope& envelopeOf(Message& message);
// The wire name of the message's type ("announce", "join-request", ...).
const char* typeName(const Message& message);
const char* toString(LeaveReason reason);

} // namespace rtcmc::protocol
