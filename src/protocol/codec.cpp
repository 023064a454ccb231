#include "protocol/codec.hpp"

#include <algorithm>
#include <array>
#include <type_traits>
#include <utility>

#include "common/json_text.hpp"
#include "common/utf8.hpp"
#include "protocol/field_reader.hpp"

namespace rtcmc::protocol {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Shared pieces

// JSON nested deeper than this is refused before parsing: serializing or walking it later
// would recurse once per level, and a wasm stack is small.

namespace {

// The deepest nesting of arrays and objects in JSON text, ignoring brackets inside strings.
std::size_t nestingDepth(std::string_view text) {
    std::size_t depth = 0;
    std::size_t deepest = 0;
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                inString = false;
            }
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

} // namespace

std::optional<Text> idProblem(std::string_view id) {
    if (id.empty()) {
        return Text(TextId::MustNotBeEmpty);
    }
    if (id.size() > 4 * kMaxIdChars) { // more bytes than the longest id of kMaxIdChars
        return Text(TextId::IsLongerThanCharacters, {kMaxIdChars});
    }
    const std::optional<std::size_t> characters = utf8CodePoints(id);
    if (!characters) {
        return Text(TextId::MustBeWellFormedUnicode);
    }
    if (*characters > kMaxIdChars) {
        return Text(TextId::IsLongerThanCharacters, {kMaxIdChars});
    }
    if (hasControlCharacter(id)) {
        return Text(TextId::ContainsControlCharacter);
    }
    return std::nullopt;
}

Status validateId(std::string_view what, std::string_view id) {
    if (std::optional<Text> problem = idProblem(id)) {
        return makeError(ErrorCode::InvalidArgument,
                         Text(TextId::Named, {std::string(what)}).then(*problem));
    }
    return okStatus();
}

Result<json> parseExtra(std::string_view jsonText) {
    if (jsonText.empty()) {
        return json::object();
    }
    if (jsonText.size() > kMaxExtraBytes) {
        return makeError(ErrorCode::InvalidArgument, {TextId::ExtraTooLarge, {kMaxExtraBytes}});
    }
    if (nestingDepth(jsonText) > kMaxNestingDepth - 2) {
        return makeError(ErrorCode::InvalidArgument,
                         {TextId::ExtraTooDeep, {kMaxNestingDepth - 2}});
    }
    json value = parseJson(jsonText);
    if (value.is_discarded()) {
        return makeError(ErrorCode::InvalidArgument, {TextId::ExtraNotJson});
    }
    return value;
}

json sessionToJson(const SessionType& session) {
    json out = json::object();
    out["audio"] = session.audio;
    out["video"] = session.video;
    out["screen"] = session.screen;
    out["data"] = session.data;
    if (session.oneway) {
        out["oneway"] = true;
    }
    if (session.broadcast) {
        out["broadcast"] = true;
    }
    return out;
}

namespace {

constexpr std::array<Direction, 4> kDirections{Direction::ManyToMany, Direction::OneToMany,
                                               Direction::OneToOne, Direction::OneWay};

json memberToJson(const MemberInfo& member) {
    return json{{"userid", member.userid},
                {"extra", member.extra},
                {"joinedAs", sessionToJson(member.joinedAs)}};
}

// ---------------------------------------------------------------------------------------------
// Encoding: one function per message, each adding its fields to the envelope.

json envelopeJson(const char* type, const Envelope& envelope) {
    json out = json::object();
    out["v"] = kVersion;
    out["type"] = type;
    out["room"] = envelope.room;
    out["from"] = envelope.from;
    if (envelope.to) {
        out["to"] = *envelope.to;
    }
    return out;
}

void addFields(json& out, const Announce& m) {
    out["session"] = sessionToJson(m.session);
    out["direction"] = toString(m.direction);
    out["extra"] = m.extra;
    out["participants"] = m.participants;
    out["maxParticipantsAllowed"] = m.maxParticipantsAllowed;
    out["passwordProtected"] = m.passwordProtected;
}
void addFields(json&, const PresenceQuery&) {}
void addFields(json& out, const JoinRequest& m) {
    out["extra"] = m.extra;
    out["joinAs"] = sessionToJson(m.joinAs);
    if (m.password) {
        out["password"] = *m.password;
    }
    if (m.request) {
        out["request"] = *m.request;
    }
}
void addFields(json& out, const JoinAccept& m) {
    out["owner"] = m.owner;
    json members = json::array();
    for (const MemberInfo& member : m.members) {
        members.push_back(memberToJson(member));
    }
    out["members"] = std::move(members);
    out["session"] = sessionToJson(m.session);
    out["direction"] = toString(m.direction);
    out["maxParticipantsAllowed"] = m.maxParticipantsAllowed;
    out["autoCloseEntireSession"] = m.autoCloseEntireSession;
    if (m.request) {
        out["request"] = *m.request;
    }
}
void addFields(json& out, const JoinRefuse& m) {
    out["code"] = m.code;
    out["reason"] = m.reason;
    if (m.request) {
        out["request"] = *m.request;
    }
}
void addFields(json& out, const MemberJoined& m) {
    out["member"] = memberToJson(m.member);
}
void addFields(json& out, const MemberLeft& m) {
    out["userid"] = m.userid;
    out["reason"] = toString(m.reason);
}
void addFields(json&, const Eject&) {}
void addFields(json& out, const Leave& m) {
    out["closeEntireSession"] = m.closeEntireSession;
    if (m.successor) {
        out["successor"] = *m.successor;
    }
}
void addFields(json& out, const ExtraUpdated& m) {
    out["extra"] = m.extra;
}
void addFields(json& out, const SessionDescription& m) {
    out["sdpType"] = m.sdpType == SdpType::Offer ? "offer" : "answer";
    out["sdp"] = m.sdp;
    json streams = json::array();
    for (const StreamInfo& stream : m.streams) {
        streams.push_back(
            {{"streamid", stream.streamid}, {"session", sessionToJson(stream.session)}});
    }
    out["streams"] = std::move(streams);
    if (m.replyTo) {
        out["replyTo"] = *m.replyTo;
    }
}
void addFields(json& out, const IceCandidate& m) {
    if (m.candidate) {
        out["candidate"] = *m.candidate;
    }
    if (m.sdpMid) {
        out["sdpMid"] = *m.sdpMid;
    }
    if (m.sdpMLineIndex) {
        out["sdpMLineIndex"] = *m.sdpMLineIndex;
    }
}
void addFields(json& out, const MuteChanged& m) {
    out["streamid"] = m.streamid;
    out["audio"] = m.audio;
    out["video"] = m.video;
    out["muted"] = m.muted;
}
void addFields(json& out, const StreamEnded& m) {
    out["streamid"] = m.streamid;
}

// ---------------------------------------------------------------------------------------------
// Decoding: one function per message type, reading fields with FieldReader.

Direction readDirection(FieldReader& reader) {
    std::optional<std::string> text = reader.optionalText("direction", 32);
    if (!text) {
        return Direction::ManyToMany;
    }
    for (Direction direction : kDirections) {
        if (*text == toString(direction)) {
            return direction;
        }
    }
    reader.fail("direction", {TextId::MustBeDirectionName});
    return Direction::ManyToMany;
}

std::optional<MemberInfo> readMember(FieldReader& outer, const json& value, const char* name) {
    if (!value.is_object()) {
        outer.fail(name, {TextId::MustBeMemberObject});
        return std::nullopt;
    }
    FieldReader reader(value, outer.messageType());
    MemberInfo member;
    member.userid = reader.id("userid");
    member.extra = reader.extra("extra");
    member.joinedAs = reader.session("joinedAs", SessionType{});
    if (!reader.ok()) {
        outer.fail(name, reader.error().text);
        return std::nullopt;
    }
    return member;
}

void readFields(FieldReader& r, Announce& m) {
    m.session = r.session("session", defaultSession());
    m.direction = readDirection(r);
    m.extra = r.extra("extra");
    m.participants = r.count("participants", 1, kMaxParticipantsAllowed + 1, 1);
    m.maxParticipantsAllowed = r.count("maxParticipantsAllowed", 1, kMaxParticipantsAllowed, 1000);
    m.passwordProtected = r.flag("passwordProtected", false);
}
void readFields(FieldReader&, PresenceQuery&) {}
void readFields(FieldReader& r, JoinRequest& m) {
    m.extra = r.extra("extra");
    m.joinAs = r.session("joinAs", defaultSession());
    m.password = r.optionalChars("password", kMaxPasswordChars);
    m.request = r.optionalCount("request", kMaxRequestNumber);
}
void readFields(FieldReader& r, JoinAccept& m) {
    m.owner = r.id("owner");
    m.session = r.session("session", defaultSession());
    m.direction = readDirection(r);
    m.maxParticipantsAllowed = r.count("maxParticipantsAllowed", 1, kMaxParticipantsAllowed, 1000);
    m.autoCloseEntireSession = r.flag("autoCloseEntireSession", false);
    m.request = r.optionalCount("request", kMaxRequestNumber);
    const json* members = r.array("members", kMaxMembers);
    if (!members) {
        return;
    }
    for (const json& value : *members) {
        std::optional<MemberInfo> member = readMember(r, value, "members[]");
        if (!member) {
            return;
        }
        m.members.push_back(std::move(*member));
    }
    if (m.members.empty()) {
        r.fail("members", {TextId::MustListOwner});
    }
}
void readFields(FieldReader& r, JoinRefuse& m) {
    m.code = r.text("code", 64);
    m.reason = r.text("reason", kMaxReasonBytes);
    m.request = r.optionalCount("request", kMaxRequestNumber);
}
void readFields(FieldReader& r, MemberJoined& m) {
    auto it = r.object().find("member");
    if (it == r.object().end()) {
        r.fail("member", {TextId::IsRequired});
        return;
    }
    std::optional<MemberInfo> member = readMember(r, *it, "member");
    if (member) {
        m.member = std::move(*member);
    }
}
void readFields(FieldReader& r, MemberLeft& m) {
    m.userid = r.id("userid");
    const std::string reason = r.text("reason", 32);
    if (reason == "left") {
        m.reason = LeaveReason::Left;
    } else if (reason == "ejected") {
        m.reason = LeaveReason::Ejected;
    } else if (reason == "disconnected") {
        m.reason = LeaveReason::Disconnected;
    } else if (r.ok()) {
        r.fail("reason", {TextId::MustBeLeaveReason});
    }
}
void readFields(FieldReader&, Eject&) {}
void readFields(FieldReader& r, Leave& m) {
    m.closeEntireSession = r.flag("closeEntireSession", false);
    m.successor = r.optionalId("successor");
}
void readFields(FieldReader& r, ExtraUpdated& m) {
    m.extra = r.extra("extra");
}
void readFields(FieldReader& r, SessionDescription& m) {
    const std::string type = r.text("sdpType", 16);
    if (type == "offer") {
        m.sdpType = SdpType::Offer;
    } else if (type == "answer") {
        m.sdpType = SdpType::Answer;
    } else if (r.ok()) {
        r.fail("sdpType", {TextId::MustBeSdpType});
    }
    m.sdp = r.text("sdp", kMaxSdpBytes);
    m.replyTo = r.optionalText("replyTo", kMaxSdpSessionIdBytes);
    const json* streams = r.array("streams", kMaxStreams);
    if (!streams) {
        return;
    }
    for (const json& value : *streams) {
        if (!value.is_object()) {
            r.fail("streams[]", {TextId::MustBeStreamObject});
            return;
        }
        FieldReader stream(value, r.messageType());
        StreamInfo info;
        info.streamid = stream.id("streamid");
        info.session = stream.session("session", SessionType{});
        if (!stream.ok()) {
            r.fail("streams[]", stream.error().text);
            return;
        }
        m.streams.push_back(std::move(info));
    }
}
void readFields(FieldReader& r, IceCandidate& m) {
    m.candidate = r.optionalText("candidate", kMaxCandidateBytes);
    m.sdpMid = r.optionalText("sdpMid", 64);
    m.sdpMLineIndex = r.optionalCount("sdpMLineIndex", 1024);
}
void readFields(FieldReader& r, MuteChanged& m) {
    m.streamid = r.id("streamid");
    m.audio = r.flag("audio", false);
    m.video = r.flag("video", false);
    m.muted = r.flag("muted", true);
    if (r.ok() && !m.audio && !m.video) {
        r.fail("audio", {TextId::OrVideoMustBeTrue});
    }
}
void readFields(FieldReader& r, StreamEnded& m) {
    m.streamid = r.id("streamid");
}

// Wire names, in the order of the Message variant.
constexpr std::array<const char*, std::variant_size_v<Message>> kTypeNames{
    "announce",      "presence",    "join-request", "join-accept", "join-refuse",
    "member-joined", "member-left", "eject",        "leave",       "extra-updated",
    "sdp",           "candidate",   "mute",         "stream-ended"};

template <std::size_t Index = 0>
Result<Message> decodeAs(std::string_view type, const json& object) {
    if constexpr (Index == std::variant_size_v<Message>) {
        return makeError(ErrorCode::UnknownMessageType,
                         {TextId::UnknownMessageType, {std::string(type.substr(0, 64))}});
    } else {
        if (type != kTypeNames[Index]) {
            return decodeAs<Index + 1>(type, object);
        }
        using Type = std::variant_alternative_t<Index, Message>;
        Type message;
        FieldReader reader(object, type);
        message.envelope.room = reader.id("room");
        message.envelope.from = reader.id("from");
        message.envelope.to = reader.optionalId("to");
        if (reader.ok()) {
            readFields(reader, message);
        }
        if (!reader.ok()) {
            return reader.error();
        }
        return Message(std::move(message));
    }
}

} // namespace

std::string encode(const Message& message) {
    return std::visit(
        [&](const auto& m) {
            json out = envelopeJson(kTypeNames[message.index()], m.envelope);
            addFields(out, m);
            // An SDP comes from the browser side as is: writeJson writes U+FFFD for invalid UTF-8.
            return writeJson(out);
        },
        message);
}

Result<Message> decode(std::string_view text) {
    if (text.size() > kMaxMessageBytes) {
        return makeError(ErrorCode::MalformedMessage,
                         {TextId::MessageTooLarge, {kMaxMessageBytes}});
    }
    if (nestingDepth(text) > kMaxNestingDepth) {
        return makeError(ErrorCode::MalformedMessage, {TextId::MessageTooDeep, {kMaxNestingDepth}});
    }
    json object = parseJson(text);
    if (object.is_discarded()) {
        return makeError(ErrorCode::MalformedMessage, {TextId::MessageNotJson});
    }
    if (!object.is_object()) {
        return makeError(ErrorCode::MalformedMessage, {TextId::MessageNotObject});
    }
    auto version = object.find("v");
    if (version == object.end() || !version->is_number_integer()) {
        return makeError(ErrorCode::MalformedMessage, {TextId::MessageWithoutVersion});
    }
    if (version->get<std::int64_t>() != kVersion) {
        return makeError(ErrorCode::UnsupportedVersion, {TextId::MessageVersionUnsupported,
                                                         {version->get<std::int64_t>(), kVersion}});
    }
    auto type = object.find("type");
    if (type == object.end() || !type->is_string()) {
        return makeError(ErrorCode::MalformedMessage, {TextId::MessageWithoutType});
    }
    return decodeAs(type->get_ref<const std::string&>(), object);
}

const Envelope& envelopeOf(const Message& message) {
    return std::visit([](const auto& m) -> const Envelope& { return m.envelope; }, message);
}

Envelope& envelopeOf(Message& message) {
    return std::visit([](auto& m) -> Envelope& { return m.envelope; }, message);
}

const char* typeName(const Message& message) {
    return kTypeNames[message.index()];
}

const char* toString(LeaveReason reason) {
    switch (reason) {
    case LeaveReason::Left:
        return "left";
    case LeaveReason::Ejected:
        return "ejected";
    case LeaveReason::Disconnected:
        return "disconnected";
    }
    return "left";
}

} // namespace rtcmc::protocol
