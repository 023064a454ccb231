// Janus frames: what the client sends, and how every received kind is read, from real janus
// 1.1.2 recordings where there are some (tests/core/fixtures/janus/recorded.json).
#include <gtest/gtest.h>

#include "common/json_text.hpp"
#include "sfu/janus_reply.hpp"
#include "sfu/janus_request.hpp"
#include "sfu/limits.hpp"
#include "sfu_fixtures.hpp"

namespace rtcmc::sfu {
namespace {

using testing::Fixtures;

TEST(SfuRequest, CreateAttachKeepaliveDestroy) {
    EXPECT_EQ(encodeCreate("t1"), R"({"janus":"create","transaction":"t1"})");
    EXPECT_EQ(
        encodeAttach("t2", 9007199254740991u),
        R"({"janus":"attach","plugin":"janus.plugin.videoroom","session_id":9007199254740991,"transaction":"t2"})");
    EXPECT_EQ(encodeKeepalive("t3", 7),
              R"({"janus":"keepalive","session_id":7,"transaction":"t3"})");
    EXPECT_EQ(encodeDetach("t4", 7, 8),
              R"({"handle_id":8,"janus":"detach","session_id":7,"transaction":"t4"})");
    EXPECT_EQ(encodeDestroy("t5", 7), R"({"janus":"destroy","session_id":7,"transaction":"t5"})");
}

TEST(SfuRequest, MessageWithBodyAndJsep) {
    nlohmann::json body = {{"request", "publish"}};
    nlohmann::json frame = parseJson(encodeMessage("t", 1, 2, body, Jsep{"offer", "v=0\r\n"}));
    EXPECT_EQ(frame["janus"], "message");
    EXPECT_EQ(frame["session_id"], 1);
    EXPECT_EQ(frame["handle_id"], 2);
    EXPECT_EQ(frame["body"]["request"], "publish");
    EXPECT_EQ(frame["jsep"]["type"], "offer");
    EXPECT_EQ(frame["jsep"]["sdp"], "v=0\r\n");
    EXPECT_FALSE(parseJson(encodeMessage("t", 1, 2, body)).contains("jsep"));
}

TEST(SfuRequest, TrickleAndCompleted) {
    nlohmann::json candidate = {{"candidate", "candidate:1 1 udp 1 127.0.0.1 9 typ host"},
                                {"sdpMid", "0"},
                                {"sdpMLineIndex", 0}};
    nlohmann::json frame = parseJson(encodeTrickle("t", 1, 2, candidate));
    EXPECT_EQ(frame["janus"], "trickle");
    EXPECT_EQ(frame["candidate"], candidate);
    frame = parseJson(encodeTrickleCompleted("t", 1, 2));
    EXPECT_EQ(frame["candidate"]["completed"], true);
}

TEST(SfuReply, RecordedSuccessAckErrorEventTimeout) {
    Fixtures fixtures;
    RTCMC_NEED_FIXTURES(fixtures);
    Result<Reply> create = decodeReply(writeJson(fixtures.received("create")));
    ASSERT_TRUE(create.ok());
    EXPECT_EQ(create.value().kind, ReplyKind::Success);
    EXPECT_EQ(create.value().dataId, 4228559109404896u);
    EXPECT_EQ(create.value().transaction, "create-1");

    Result<Reply> ack = decodeReply(writeJson(fixtures.received("keepalive")));
    ASSERT_TRUE(ack.ok());
    EXPECT_EQ(ack.value().kind, ReplyKind::Ack);
    EXPECT_EQ(ack.value().session, 4228559109404896u);

    Result<Reply> error = decodeReply(writeJson(fixtures.received("keepalive_no_such_session")));
    ASSERT_TRUE(error.ok());
    EXPECT_EQ(error.value().kind, ReplyKind::Error);
    EXPECT_EQ(error.value().errorCode, 458);
    EXPECT_EQ(error.value().errorReason, "No such session 2671631475424641");

    Result<Reply> joined = decodeReply(writeJson(fixtures.received("join_publisher", 1)));
    ASSERT_TRUE(joined.ok());
    EXPECT_EQ(joined.value().kind, ReplyKind::Event);
    EXPECT_EQ(joined.value().sender, 3031313604503842u);
    EXPECT_EQ(joined.value().pluginData["videoroom"], "joined");
    EXPECT_FALSE(joined.value().jsep.has_value());

    Result<Reply> timeout = decodeReply(writeJson(fixtures.received("session_timeout")));
    ASSERT_TRUE(timeout.ok());
    EXPECT_EQ(timeout.value().kind, ReplyKind::Timeout);
}

TEST(SfuReply, HandWrittenMediaKindsAndJsep) {
    Fixtures fixtures;
    RTCMC_NEED_FIXTURES(fixtures);
    struct Case {
        const char* name;
        ReplyKind kind;
    };
    for (Case c : {Case{"webrtcup", ReplyKind::WebrtcUp}, Case{"media", ReplyKind::Media},
                   Case{"slowlink", ReplyKind::Slowlink}, Case{"hangup", ReplyKind::Hangup},
                   Case{"detached", ReplyKind::Detached}}) {
        Result<Reply> reply = decodeReply(writeJson(fixtures.handWritten(c.name)));
        ASSERT_TRUE(reply.ok()) << c.name;
        EXPECT_EQ(reply.value().kind, c.kind) << c.name;
        EXPECT_EQ(replyKindName(reply.value().kind), std::string(c.name));
    }
    Result<Reply> offer = decodeReply(writeJson(fixtures.handWritten("subscriber_attached_offer")));
    ASSERT_TRUE(offer.ok());
    ASSERT_TRUE(offer.value().jsep.has_value());
    EXPECT_EQ(offer.value().jsep->type, "offer");
    EXPECT_EQ(decodeReply(writeJson(fixtures.handWritten("hangup"))).value().reason, "DTLS alert");
}

struct MalformedCase {
    std::string text;
    ErrorCode code;
    const char* words; // part of the reason
};

class SfuMalformedReply : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(SfuMalformedReply, IsAnErrorValueWithAReason) {
    Result<Reply> reply = decodeReply(GetParam().text);
    ASSERT_FALSE(reply.ok()) << GetParam().text;
    EXPECT_EQ(reply.error().code, GetParam().code) << GetParam().text;
    EXPECT_NE(describe(reply.error().text).find(GetParam().words), std::string::npos)
        << describe(reply.error().text);
}

INSTANTIATE_TEST_SUITE_P(
    Frames, SfuMalformedReply,
    ::testing::Values(
        MalformedCase{"not json", ErrorCode::MalformedMessage, "not a JSON object"},
        MalformedCase{"", ErrorCode::MalformedMessage, "not a JSON object"},
        MalformedCase{"[1,2]", ErrorCode::MalformedMessage, "not a JSON object"},
        MalformedCase{R"({"janus":"ack"} {})", ErrorCode::MalformedMessage, "not a JSON"},
        MalformedCase{R"({"transaction":"x"})", ErrorCode::MalformedMessage, "'janus'"},
        MalformedCase{R"({"janus":42,"transaction":"x"})", ErrorCode::MalformedMessage, "'janus'"},
        MalformedCase{R"({"janus":"bogus"})", ErrorCode::UnknownMessageType, "'bogus'"},
        MalformedCase{R"({"janus":"ack"})", ErrorCode::InvalidField, "'transaction'"},
        MalformedCase{R"({"janus":"ack","transaction":7})", ErrorCode::InvalidField,
                      "'transaction'"},
        MalformedCase{R"({"janus":"error","transaction":"x"})", ErrorCode::InvalidField,
                      "'error.code'"},
        MalformedCase{R"({"janus":"error","transaction":"x","error":{"code":"458"}})",
                      ErrorCode::InvalidField, "'error.code'"},
        MalformedCase{R"({"janus":"event","plugindata":[]})", ErrorCode::InvalidField,
                      "'plugindata.data'"},
        MalformedCase{R"({"janus":"event","plugindata":{"data":"x"}})", ErrorCode::InvalidField,
                      "'plugindata.data'"},
        MalformedCase{R"({"janus":"event","plugindata":{"data":{}},"jsep":{"type":"offer"}})",
                      ErrorCode::InvalidField, "'jsep'"},
        MalformedCase{
            R"({"janus":"event","plugindata":{"data":{}},"jsep":{"type":"pranswer","sdp":""}})",
            ErrorCode::InvalidField, "'jsep'"},
        MalformedCase{R"({"janus":"timeout"})", ErrorCode::InvalidField, "'session_id'"},
        MalformedCase{R"({"janus":"timeout","session_id":-5})", ErrorCode::InvalidField,
                      "'session_id'"}));

TEST(SfuReply, OversizeFrameIsRefusedBeforeParsing) {
    std::string big =
        R"({"janus":"ack","transaction":")" + std::string(kMaxFrameBytes, 'a') + "\"}";
    Result<Reply> reply = decodeReply(big);
    ASSERT_FALSE(reply.ok());
    EXPECT_EQ(reply.error().code, ErrorCode::MalformedMessage);
    EXPECT_NE(describe(reply.error().text).find("larger than 262144 bytes"), std::string::npos);
}

TEST(SfuReply, WrongTypesReadAsAbsent) {
    Result<Reply> reply = decodeReply(
        R"({"janus":"success","transaction":"x","session_id":"12","sender":1.5,"data":{"id":"3"}})");
    ASSERT_TRUE(reply.ok());
    EXPECT_EQ(reply.value().session, 0u);
    EXPECT_EQ(reply.value().sender, 0u);
    EXPECT_EQ(reply.value().dataId, 0u);
    EXPECT_TRUE(reply.value().pluginData.is_null());
}

} // namespace
} // namespace rtcmc::sfu
