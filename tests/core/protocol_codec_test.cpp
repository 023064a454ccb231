#include <gtest/gtest.h>

#include <string>

#include "protocol/codec.hpp"

namespace rtcmc::protocol {
namespace {

using nlohmann::json;

Envelope env(std::optional<std::string> to = std::nullopt) {
    return Envelope{"room-1", "alice", std::move(to)};
}

// Every message type survives encode -> decode unchanged.
TEST(ProtocolCodec, RoundTripsEveryMessageType) {
    Announce announce;
    announce.envelope = env();
    announce.session = parseSession("audio + video and data").value();
    announce.direction = Direction::OneWay;
    announce.extra = json{{"username", "Alice"}, {"list", {1, 2, 3}}};
    announce.participants = 3;
    announce.maxParticipantsAllowed = 7;
    announce.passwordProtected = true;

    JoinRequest request;
    request.envelope = env("bob");
    request.extra = json{{"n", 1}};
    request.joinAs = parseSession("only audio").value();
    request.password = "secret";
    request.request = kMaxRequestNumber; // the largest number: a JSON integer both ways

    JoinAccept accept;
    accept.envelope = env("bob");
    accept.owner = "alice";
    accept.members = {MemberInfo{"alice", json::object(), defaultSession()},
                      MemberInfo{"bob", json{{"x", true}}, parseSession("audio").value()}};
    accept.session = defaultSession();
    accept.direction = Direction::OneToMany;
    accept.maxParticipantsAllowed = 4;
    accept.autoCloseEntireSession = true;
    accept.request = 0u;

    SessionDescription sdp;
    sdp.envelope = env("bob");
    sdp.sdpType = SdpType::Answer;
    sdp.sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n";
    sdp.streams = {StreamInfo{"stream-1", parseSession("screen").value()}};

    IceCandidate candidate;
    candidate.envelope = env("bob");
    candidate.candidate = "candidate:1 1 udp 2122260223 198.18.0.1 50000 typ host";
    candidate.sdpMid = "0";
    candidate.sdpMLineIndex = 0;

    const Message messages[] = {
        announce,
        PresenceQuery{env()},
        request,
        accept,
        JoinRefuse{env("bob"), "ROOM_FULL", "room 'room-1' is full", 99u},
        MemberJoined{env(), MemberInfo{"carol", json{{"k", "v"}}, defaultSession()}},
        MemberLeft{env(), "carol", LeaveReason::Ejected},
        Eject{env("carol")},
        Leave{env(), false, std::string("bob")},
        ExtraUpdated{env(), json{{"status", "away"}}},
        sdp,
        candidate,
        IceCandidate{env("bob"), std::nullopt, std::nullopt, std::nullopt},
        MuteChanged{env(), "stream-1", true, false, true},
        StreamEnded{env(), "stream-1"},
    };
    for (const Message& message : messages) {
        const std::string text = encode(message);
        Result<Message> decoded = decode(text);
        ASSERT_TRUE(decoded.ok()) << text << "\n" << describe(decoded.error().text);
        EXPECT_EQ(decoded.value().index(), message.index()) << text;
        EXPECT_EQ(encode(decoded.value()), text) << "re-encoding must be identical";
    }
}

struct BadCase {
    const char* name;
    std::string text;
    ErrorCode code;
    const char* mentions; // a word the error message must contain
};

class ProtocolRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(ProtocolRejects, WithASpecificReason) {
    const BadCase& c = GetParam();
    Result<Message> decoded = decode(c.text);
    ASSERT_FALSE(decoded.ok()) << c.name;
    EXPECT_EQ(decoded.error().code, c.code) << c.name << ": " << describe(decoded.error().text);
    EXPECT_NE(describe(decoded.error().text).find(c.mentions), std::string::npos)
        << c.name << ": " << describe(decoded.error().text);
}

std::string msg(const std::string& fields) {
    return R"({"v":1,"room":"r","from":"a",)" + fields + "}";
}

INSTANTIATE_TEST_SUITE_P(
    Table, ProtocolRejects,
    ::testing::Values(
        BadCase{"empty", "", ErrorCode::MalformedMessage, "JSON"},
        BadCase{"garbage", "\x01\x02garbage{{", ErrorCode::MalformedMessage, "JSON"},
        BadCase{"truncated", R"({"v":1,"type":"announce","room":"r")", ErrorCode::MalformedMessage,
                "JSON"},
        BadCase{"array", "[1,2,3]", ErrorCode::MalformedMessage, "object"},
        BadCase{"string", "\"announce\"", ErrorCode::MalformedMessage, "object"},
        BadCase{"no version", R"({"type":"announce","room":"r","from":"a"})",
                ErrorCode::MalformedMessage, "'v'"},
        BadCase{"future version", R"({"v":2,"type":"announce","room":"r","from":"a"})",
                ErrorCode::UnsupportedVersion, "version 2"},
        BadCase{"version as string", R"({"v":"1","type":"announce","room":"r","from":"a"})",
                ErrorCode::MalformedMessage, "'v'"},
        BadCase{"no type", R"({"v":1,"room":"r","from":"a"})", ErrorCode::MalformedMessage,
                "'type'"},
        BadCase{"unknown type", msg(R"("type":"teleport")"), ErrorCode::UnknownMessageType,
                "teleport"},
        BadCase{"type as number", msg(R"("type":7)"), ErrorCode::MalformedMessage, "'type'"},
        BadCase{"missing room", R"({"v":1,"type":"presence","from":"a"})", ErrorCode::InvalidField,
                "'room'"},
        BadCase{"empty from", R"({"v":1,"type":"presence","room":"r","from":""})",
                ErrorCode::InvalidField, "'from'"},
        BadCase{"from as number", R"({"v":1,"type":"presence","room":"r","from":42})",
                ErrorCode::InvalidField, "'from'"},
        BadCase{"huge id",
                R"({"v":1,"type":"presence","room":")" + std::string(500, 'r') + R"(","from":"a"})",
                ErrorCode::InvalidField, "'room'"},
        BadCase{"control char in id",
                "{\"v\":1,\"type\":\"presence\",\"room\":\"r\\u0001\","
                "\"from\":\"a\"}",
                ErrorCode::InvalidField, "control"},
        BadCase{"bad direction", msg(R"("type":"announce","direction":"sideways")"),
                ErrorCode::InvalidField, "direction"},
        BadCase{"negative participants", msg(R"("type":"announce","participants":-3)"),
                ErrorCode::InvalidField, "participants"},
        BadCase{"huge participants", msg(R"("type":"announce","participants":1e300)"),
                ErrorCode::InvalidField, "participants"},
        BadCase{"fractional max", msg(R"("type":"announce","maxParticipantsAllowed":2.5)"),
                ErrorCode::InvalidField, "maxParticipantsAllowed"},
        BadCase{"session not object", msg(R"("type":"announce","session":"audio")"),
                ErrorCode::InvalidField, "session"},
        BadCase{"session flag not bool", msg(R"("type":"announce","session":{"audio":"yes"})"),
                ErrorCode::InvalidField, "session.audio"},
        BadCase{"oversize extra",
                msg(R"("type":"join-request","to":"o","extra":")" + std::string(20000, 'x') + "\""),
                ErrorCode::InvalidField, "extra"},
        BadCase{"password not string", msg(R"("type":"join-request","password":123)"),
                ErrorCode::InvalidField, "password"},
        BadCase{"accept without members", msg(R"("type":"join-accept","owner":"a")"),
                ErrorCode::InvalidField, "members"},
        BadCase{"accept members not array", msg(R"("type":"join-accept","owner":"a","members":{})"),
                ErrorCode::InvalidField, "members"},
        BadCase{"accept member wrong shape",
                msg(R"("type":"join-accept","owner":"a","members":[42])"), ErrorCode::InvalidField,
                "members"},
        BadCase{"accept empty members", msg(R"("type":"join-accept","owner":"a","members":[])"),
                ErrorCode::InvalidField, "owner"},
        BadCase{"member-left bad reason", msg(R"("type":"member-left","userid":"b","reason":"x")"),
                ErrorCode::InvalidField, "reason"},
        BadCase{"member-joined missing member", msg(R"("type":"member-joined")"),
                ErrorCode::InvalidField, "member"},
        BadCase{"sdp bad type",
                msg(R"("type":"sdp","sdpType":"pranswer","sdp":"v=0","streams":[])"),
                ErrorCode::InvalidField, "sdpType"},
        BadCase{"sdp too large",
                msg(R"("type":"sdp","sdpType":"offer","streams":[],"sdp":")" +
                    std::string(50000, 's') + "\""),
                ErrorCode::InvalidField, "sdp"},
        BadCase{"sdp streams wrong",
                msg(R"("type":"sdp","sdpType":"offer","sdp":"v=0","streams":[{"streamid":5}])"),
                ErrorCode::InvalidField, "streams"},
        BadCase{"candidate not string", msg(R"("type":"candidate","candidate":{"a":1})"),
                ErrorCode::InvalidField, "candidate"},
        BadCase{"mline negative", msg(R"("type":"candidate","candidate":"c","sdpMLineIndex":-1)"),
                ErrorCode::InvalidField, "sdpMLineIndex"},
        BadCase{"mute says nothing", msg(R"("type":"mute","streamid":"s")"),
                ErrorCode::InvalidField, "video"},
        BadCase{"stream-ended no id", msg(R"("type":"stream-ended")"), ErrorCode::InvalidField,
                "streamid"},
        BadCase{"whole message too big",
                msg(R"("type":"presence","pad":")" + std::string(70000, 'p') + "\""),
                ErrorCode::MalformedMessage, "larger"}),
    [](const ::testing::TestParamInfo<BadCase>& param) {
        std::string name;
        for (char c : std::string(param.param.name)) {
            name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
        }
        return name;
    });

TEST(ProtocolCodec, DeeplyNestedJsonIsRefusedNotFollowed) {
    // Deep nesting is bounded by the 64 KiB message limit; make sure it cannot crash either.
    std::string deep = msg(R"("type":"extra-updated","extra":)" + std::string(30000, '[') +
                           std::string(30000, ']'));
    Result<Message> decoded = decode(deep);
    ASSERT_FALSE(decoded.ok());
    EXPECT_NE(describe(decoded.error().text).find("nested deeper"), std::string::npos);
    // Brackets inside strings are text, not nesting.
    EXPECT_TRUE(
        decode(msg(R"("type":"extra-updated","extra":")" + std::string(100, '[') + "\"")).ok());
    EXPECT_FALSE(parseExtra(std::string(40, '[') + std::string(40, ']')).ok());
}

TEST(ProtocolCodec, UnknownFieldsAreIgnoredForForwardCompatibility) {
    Result<Message> decoded = decode(msg(R"("type":"presence","futureField":{"a":1})"));
    ASSERT_TRUE(decoded.ok());
    EXPECT_TRUE(std::holds_alternative<PresenceQuery>(decoded.value()));
}

TEST(ProtocolCodec, ParseExtraBoundsSizeAndSyntax) {
    EXPECT_TRUE(parseExtra("").ok());
    EXPECT_TRUE(parseExtra(R"({"a":[1,2,{"b":null}]})").ok());
    EXPECT_EQ(parseExtra("{nope").error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(parseExtra("\"" + std::string(17000, 'x') + "\"").error().code,
              ErrorCode::InvalidArgument);
}

TEST(ProtocolCodec, RandomBytesNeverCrashTheDecoder) {
    std::uint32_t state = 12345;
    auto next = [&] {
        state = state * 1664525u + 1013904223u;
        return state >> 24;
    };
    const std::string valid = encode(
        Message(Announce{env(), defaultSession(), Direction::OneWay, json{{"a", 1}}, 1, 5, false}));
    for (int round = 0; round < 5000; ++round) {
        std::string text = valid;
        const int mutations = 1 + static_cast<int>(next() % 8);
        for (int i = 0; i < mutations; ++i) {
            text[next() % text.size()] = static_cast<char>(next());
        }
        Result<Message> decoded = decode(text); // must return, valid or not
        if (decoded.ok()) {
            EXPECT_FALSE(encode(decoded.value()).empty());
        }
    }
}

} // namespace
} // namespace rtcmc::protocol
