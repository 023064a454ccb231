// The Janus client state machine, driven by frames recorded from a real janus 1.1.2 where they
// exist (create, attach, joined, errors 426/433/425/458, leaving, timeout) and hand-written ones
// where a browser would be needed (publish answer, subscriber offers, publishers event).
#include <gtest/gtest.h>

#include "common/json_text.hpp"
#include "sfu/janus_client.hpp"
#include "sfu_fixtures.hpp"

namespace rtcmc::sfu {
namespace {

using testing::answering;
using testing::findEvent;
using testing::Fixtures;
using testing::hasEvent;
using testing::sent;

constexpr std::uint64_t kSession = 4228559109404896u;
constexpr std::uint64_t kPublisherHandle = 3031313604503842u;
constexpr std::uint64_t kOwnFeed = 4709401345121849u;
constexpr std::uint64_t kBobFeed = 4053917080160902u;
constexpr std::uint64_t kSubscriberHandle = 5550001112223334u;

JoinRequest aliceJoin() {
    JoinRequest request;
    request.room = 4242;
    request.pin = "roompin";
    request.display = "alice";
    return request;
}

class SfuClient : public ::testing::Test {
protected:
    void SetUp() override { RTCMC_NEED_FIXTURES(fixtures); }

    // create -> attach -> join -> joined, from the recording.
    void joinRoom(JoinRequest request = aliceJoin()) { completeJoin(client.join(request, 0)); }

    // The exchange after the create frame (a first join, or the client joining again).
    void completeJoin(Output out) {
        ASSERT_EQ(out.frames.size(), 1u);
        EXPECT_EQ(sent(out.frames[0])["janus"], "create");
        EXPECT_EQ(client.state(), ClientState::CreatingSession);

        out = client.receive(answering(fixtures.received("create"), out.frames[0]), 10);
        ASSERT_EQ(out.frames.size(), 1u);
        EXPECT_EQ(client.session(), kSession);
        EXPECT_EQ(client.state(), ClientState::AttachingPublisher);
        nlohmann::json attach = sent(out.frames[0]);
        EXPECT_EQ(attach["janus"], "attach");
        EXPECT_EQ(attach["plugin"], "janus.plugin.videoroom");
        EXPECT_EQ(attach["session_id"], kSession);

        out = client.receive(answering(fixtures.received("attach"), out.frames[0]), 20);
        ASSERT_EQ(out.frames.size(), 1u);
        EXPECT_EQ(client.publisherHandle(), kPublisherHandle);
        EXPECT_EQ(client.state(), ClientState::Joining);
        join = out.frames[0];
        nlohmann::json body = sent(join)["body"];
        EXPECT_EQ(body["request"], "join");
        EXPECT_EQ(body["ptype"], "publisher");
        EXPECT_EQ(body["room"], 4242);
        EXPECT_EQ(body["pin"], "roompin");
        EXPECT_EQ(body["display"], "alice");

        out = client.receive(answering(fixtures.received("join_publisher", 0), join), 30);
        EXPECT_TRUE(out.frames.empty());
        EXPECT_TRUE(out.events.empty()) << "an ack only keeps the request outstanding";
        EXPECT_EQ(client.state(), ClientState::Joining);
        out = client.receive(answering(fixtures.received("join_publisher", 1), join), 40);
        EXPECT_EQ(client.state(), ClientState::Joined);
        const ClientEvent* joined = findEvent(out, ClientEventKind::Joined);
        ASSERT_NE(joined, nullptr);
        EXPECT_EQ(joined->feed.id, kOwnFeed);
        EXPECT_EQ(client.ownFeed(), kOwnFeed);
        EXPECT_EQ(client.outstanding(), 0u);
    }

    std::string frame(const char* name) { return writeJson(fixtures.handWritten(name)); }

    // Bob publishes: the subscriber handle attaches, joins with bob's feed and gets an offer.
    Output bobPublishes() {
        Output out = client.receive(frame("publishers_event"), 100);
        const ClientEvent* added = findEvent(out, ClientEventKind::FeedAdded);
        EXPECT_NE(added, nullptr);
        if (added) {
            EXPECT_EQ(added->feed.id, kBobFeed);
            EXPECT_EQ(added->feed.display, "bob");
        }
        EXPECT_EQ(client.subscriberState(), SubscriberState::Attaching);
        EXPECT_EQ(out.frames.size(), 1u);
        Output attached = client.receive(
            answering(fixtures.handWritten("attach_subscriber"), out.frames.at(0)), 110);
        EXPECT_EQ(client.subscriberHandle(), kSubscriberHandle);
        EXPECT_EQ(attached.frames.size(), 1u);
        subscriberJoin = attached.frames.at(0);
        return attached;
    }

    Fixtures fixtures;
    JanusClient client;
    std::string join;
    std::string subscriberJoin;
};

TEST_F(SfuClient, JoinsWithTheRecordedExchange) {
    joinRoom();
    EXPECT_TRUE(client.roster().feeds().empty()) << "the recorded room had no publishers yet";
}

TEST_F(SfuClient, JoinTwiceIsRefusedWithoutFrames) {
    joinRoom();
    Output out = client.join(aliceJoin(), 50);
    EXPECT_TRUE(out.frames.empty());
    const ClientEvent* error = findEvent(out, ClientEventKind::Error);
    ASSERT_NE(error, nullptr);
    EXPECT_EQ(error->error->code, ErrorCode::InvalidState);
    EXPECT_EQ(client.state(), ClientState::Joined);
}

TEST_F(SfuClient, KeepaliveEveryIntervalWellWithinTheSessionTimeout) {
    joinRoom();
    EXPECT_LT(kKeepaliveIntervalMs, 60000u / 2);
    EXPECT_TRUE(client.tick(10 + kKeepaliveIntervalMs - 1).frames.empty());
    Output out = client.tick(10 + kKeepaliveIntervalMs);
    ASSERT_EQ(out.frames.size(), 1u);
    nlohmann::json keepalive = sent(out.frames[0]);
    EXPECT_EQ(keepalive["janus"], "keepalive");
    EXPECT_EQ(keepalive["session_id"], kSession);
    EXPECT_TRUE(client.tick(10 + kKeepaliveIntervalMs + 1).frames.empty());
    // The recorded ack answers it.
    EXPECT_TRUE(client.receive(answering(fixtures.received("keepalive"), out.frames[0]), 20000)
                    .events.empty());
    EXPECT_EQ(client.outstanding(), 0u);
    EXPECT_EQ(client.tick(10 + 2 * kKeepaliveIntervalMs).frames.size(), 1u);
}

TEST_F(SfuClient, JanusThatVanishesIsGoneAfterTheDeadline) {
    joinRoom();
    Output out = client.tick(10 + kKeepaliveIntervalMs);
    ASSERT_EQ(out.frames.size(), 1u);
    EXPECT_TRUE(client.tick(10 + kKeepaliveIntervalMs + kTransactionDeadlineMs - 1).events.empty());
    out = client.tick(10 + kKeepaliveIntervalMs + kTransactionDeadlineMs);
    const ClientEvent* gone = findEvent(out, ClientEventKind::JanusGone);
    ASSERT_NE(gone, nullptr);
    EXPECT_EQ(gone->error->code, ErrorCode::SfuUnavailable);
    EXPECT_NE(describe(gone->error->text).find("did not answer keepalive within 20000 ms"),
              std::string::npos);
    EXPECT_TRUE(hasEvent(out, ClientEventKind::Left));
    EXPECT_EQ(client.state(), ClientState::Closed);
    // One destroy, in case Janus is only slow: it frees the session for the page's next join.
    ASSERT_EQ(out.frames.size(), 1u);
    EXPECT_EQ(sent(out.frames[0])["janus"], "destroy");
    EXPECT_EQ(sent(out.frames[0])["session_id"], kSession);
    const std::uint64_t goneAt = 10 + kKeepaliveIntervalMs + kTransactionDeadlineMs;
    EXPECT_EQ(client.rejoinAtMs(), goneAt + kRejoinFirstPauseMs);
    EXPECT_TRUE(client.tick(goneAt + kRejoinFirstPauseMs - 1).frames.empty())
        << "no keepalive once closed";
}

// Janus given up (a starved page, a restarted Janus the server has not noticed): the page joins
// again by itself, pausing 1 s, 2 s, 4 s ... up to 30 s between attempts.
TEST_F(SfuClient, JanusGivenUpIsJoinedAgainAfterPausesThatDouble) {
    Output out = client.join(aliceJoin(), 0);
    std::uint64_t now = kTransactionDeadlineMs;
    std::vector<std::uint64_t> pauses;
    for (int attempt = 0; attempt < 7; ++attempt) {
        out = client.tick(now);
        ASSERT_TRUE(hasEvent(out, ClientEventKind::JanusGone));
        ASSERT_NE(client.rejoinAtMs(), 0u);
        const std::uint64_t pause = client.rejoinAtMs() - now;
        pauses.push_back(pause);
        EXPECT_TRUE(client.tick(now + pause - 1).frames.empty());
        out = client.tick(now + pause);
        ASSERT_EQ(out.frames.size(), 1u);
        EXPECT_EQ(sent(out.frames[0])["janus"], "create");
        EXPECT_EQ(client.state(), ClientState::CreatingSession);
        now += pause + kTransactionDeadlineMs;
    }
    EXPECT_EQ(pauses, (std::vector<std::uint64_t>{1000, 2000, 4000, 8000, 16000, 30000, 30000}));
}

TEST_F(SfuClient, JoiningAgainWorksAndStartsThePausesOver) {
    joinRoom();
    // Twice given up without joining: the pause has doubled.
    ASSERT_EQ(client.tick(10 + kKeepaliveIntervalMs).frames.size(), 1u); // never answered
    std::uint64_t now = 10 + kKeepaliveIntervalMs + kTransactionDeadlineMs;
    ASSERT_TRUE(hasEvent(client.tick(now), ClientEventKind::JanusGone));
    now = client.rejoinAtMs();
    client.tick(now);
    now += kTransactionDeadlineMs;
    ASSERT_TRUE(hasEvent(client.tick(now), ClientEventKind::JanusGone));
    EXPECT_EQ(client.rejoinAtMs() - now, 2 * kRejoinFirstPauseMs);

    // The third attempt is answered: the same room, pin and display, a new session.
    completeJoin(client.tick(client.rejoinAtMs()));
    EXPECT_EQ(client.state(), ClientState::Joined);
    EXPECT_EQ(client.rejoinAtMs(), 0u);

    // Given up again later: the first pause again.
    Output out = client.receive(writeJson(fixtures.received("a_unsolicited", 0)), 200000);
    ASSERT_TRUE(hasEvent(out, ClientEventKind::SessionTimedOut));
    EXPECT_EQ(client.rejoinAtMs(), 200000 + kRejoinFirstPauseMs);
}

TEST_F(SfuClient, WhileTheServerHasNoJanusNothingIsTriedUntilItIsBack) {
    joinRoom();
    Output out = client.serverStatus(false, 100);
    const ClientEvent* gone = findEvent(out, ClientEventKind::JanusGone);
    ASSERT_NE(gone, nullptr);
    EXPECT_EQ(gone->error->code, ErrorCode::SfuUnavailable);
    EXPECT_NE(describe(gone->error->text).find("the signaling server lost its Janus"),
              std::string::npos);
    EXPECT_TRUE(out.frames.empty()) << "the server closed our Janus connection";
    EXPECT_EQ(client.state(), ClientState::Closed);
    EXPECT_EQ(client.rejoinAtMs(), 0u);
    EXPECT_TRUE(client.tick(10000000).frames.empty());

    out = client.serverStatus(true, 10000001);
    ASSERT_EQ(out.frames.size(), 1u);
    EXPECT_EQ(sent(out.frames[0])["janus"], "create");
    EXPECT_TRUE(client.serverStatus(true, 10000002).frames.empty()) << "one join at a time";
}

TEST_F(SfuClient, APageThatLeftNeverJoinsAgain) {
    Output out = client.join(aliceJoin(), 0);
    ASSERT_TRUE(hasEvent(client.tick(kTransactionDeadlineMs), ClientEventKind::JanusGone));
    out = client.leave(kTransactionDeadlineMs + 1);
    EXPECT_TRUE(out.frames.empty());
    EXPECT_FALSE(hasEvent(out, ClientEventKind::Error)) << "leaving while waiting is not an error";
    EXPECT_EQ(client.rejoinAtMs(), 0u);
    EXPECT_TRUE(client.tick(10000000).frames.empty());
    EXPECT_TRUE(client.serverStatus(true, 10000001).frames.empty());
}

TEST_F(SfuClient, TheServerLosingJanusWhileWeLeaveIsNoAlarm) {
    joinRoom();
    Output out = client.leave(100);
    EXPECT_EQ(client.state(), ClientState::Closing);
    out = client.serverStatus(false, 200);
    EXPECT_FALSE(hasEvent(out, ClientEventKind::JanusGone));
    EXPECT_TRUE(hasEvent(out, ClientEventKind::Left));
    EXPECT_EQ(client.state(), ClientState::Closed);
    EXPECT_TRUE(client.serverStatus(true, 300).frames.empty());
}

TEST_F(SfuClient, NoReplyToCreateIsJanusGone) {
    Output out = client.join(aliceJoin(), 0);
    ASSERT_EQ(out.frames.size(), 1u);
    out = client.tick(kTransactionDeadlineMs);
    ASSERT_TRUE(hasEvent(out, ClientEventKind::JanusGone));
    EXPECT_TRUE(out.frames.empty()) << "no session to destroy";
    EXPECT_EQ(client.state(), ClientState::Closed);
    // The late reply is dropped with a reason.
    out = client.receive(answering(fixtures.received("create"), R"({"transaction":"rtcmc-1"})"),
                         20000);
    EXPECT_TRUE(hasEvent(out, ClientEventKind::FrameDropped));
    EXPECT_EQ(client.session(), 0u);
}

TEST_F(SfuClient, SessionTimeoutRecorded) {
    joinRoom();
    // The recording's unsolicited timeout of session A, which was left without keepalives.
    Output out = client.receive(writeJson(fixtures.received("a_unsolicited", 0)), 70000);
    const ClientEvent* timedOut = findEvent(out, ClientEventKind::SessionTimedOut);
    ASSERT_NE(timedOut, nullptr);
    EXPECT_EQ(timedOut->error->code, ErrorCode::SfuUnavailable);
    EXPECT_EQ(client.state(), ClientState::Closed);
    EXPECT_TRUE(out.frames.empty());
}

TEST_F(SfuClient, TimeoutOfAnotherSessionIsDropped) {
    joinRoom();
    Output out = client.receive(writeJson(fixtures.received("session_timeout")), 70000);
    EXPECT_TRUE(hasEvent(out, ClientEventKind::FrameDropped));
    EXPECT_EQ(client.state(), ClientState::Joined);
}

struct PluginErrorCase {
    const char* exchange;
    int code;
};

class SfuJoinRefused : public SfuClient, public ::testing::WithParamInterface<PluginErrorCase> {};

TEST_P(SfuJoinRefused, RecordedErrorTearsDown) {
    JanusClient fresh;
    Output step = fresh.join(aliceJoin(), 0);
    step = fresh.receive(answering(fixtures.received("create"), step.frames[0]), 1);
    step = fresh.receive(answering(fixtures.received("attach"), step.frames[0]), 2);
    std::string joinFrame = step.frames.at(0);
    step = fresh.receive(answering(fixtures.received(GetParam().exchange, 0), joinFrame), 3);
    EXPECT_TRUE(step.events.empty());
    step = fresh.receive(answering(fixtures.received(GetParam().exchange, 1), joinFrame), 4);
    const ClientEvent* error = findEvent(step, ClientEventKind::Error);
    ASSERT_NE(error, nullptr);
    EXPECT_EQ(error->error->code, ErrorCode::SfuRefused);
    std::string words = describe(error->error->text);
    EXPECT_NE(words.find("Janus refused join"), std::string::npos) << words;
    EXPECT_NE(words.find("(error " + std::to_string(GetParam().code) + ")"), std::string::npos)
        << words;
    EXPECT_EQ(fresh.state(), ClientState::Closing);
    ASSERT_EQ(step.frames.size(), 2u) << "detach the handle, destroy the session";
    EXPECT_EQ(sent(step.frames[0])["janus"], "detach");
    EXPECT_EQ(sent(step.frames[1])["janus"], "destroy");
    step = fresh.receive(answering(fixtures.received("detach_b"), step.frames[0]), 5);
    EXPECT_TRUE(hasEvent(step, ClientEventKind::FrameDropped)) << "another session's reply";
}

INSTANTIATE_TEST_SUITE_P(Recorded, SfuJoinRefused,
                         ::testing::Values(PluginErrorCase{"join_no_such_room", 426},
                                           PluginErrorCase{"join_wrong_pin", 433}));

TEST_F(SfuClient, RefusedJoinThenDestroyConfirmedCloses) {
    Output step = client.join(aliceJoin(), 0);
    step = client.receive(answering(fixtures.received("create"), step.frames[0]), 1);
    step = client.receive(answering(fixtures.received("attach"), step.frames[0]), 2);
    std::string joinFrame = step.frames.at(0);
    step = client.receive(answering(fixtures.received("join_no_such_room", 1), joinFrame), 3);
    ASSERT_EQ(step.frames.size(), 2u);
    nlohmann::json success = {{"janus", "success"}, {"session_id", kSession}};
    Output out = client.receive(answering(success, step.frames[1]), 4);
    EXPECT_TRUE(hasEvent(out, ClientEventKind::Left));
    EXPECT_EQ(client.state(), ClientState::Closed);
}

TEST_F(SfuClient, AlreadyJoinedErrorLeavesTheClientJoined) {
    joinRoom();
    // Janus's 425 arrives as an event for a transaction we are not waiting for: dropped.
    Output out = client.receive(answering(fixtures.received("join_publisher_again", 1), join), 50);
    EXPECT_TRUE(hasEvent(out, ClientEventKind::FrameDropped));
    EXPECT_EQ(client.state(), ClientState::Joined);
}

TEST_F(SfuClient, AttachErrorIsRefusedAndTornDown) {
    Output step = client.join(aliceJoin(), 0);
    step = client.receive(answering(fixtures.received("create"), step.frames[0]), 1);
    // The recorded 460 "No such plugin" answers our attach.
    Output out =
        client.receive(answering(fixtures.received("attach_wrong_plugin"), step.frames[0]), 2);
    const ClientEvent* error = findEvent(out, ClientEventKind::Error);
    ASSERT_NE(error, nullptr);
    EXPECT_EQ(error->error->code, ErrorCode::SfuRefused);
    EXPECT_NE(describe(error->error->text).find("(error 460)"), std::string::npos);
    EXPECT_EQ(client.state(), ClientState::Closing);
    ASSERT_EQ(out.frames.size(), 1u);
    EXPECT_EQ(sent(out.frames[0])["janus"], "destroy");
    EXPECT_TRUE(hasEvent(client.tick(2 + kTransactionDeadlineMs), ClientEventKind::Left))
        << "no reply to destroy: closed at its deadline, without a janus-gone alarm";
    EXPECT_EQ(client.state(), ClientState::Closed);
}

TEST_F(SfuClient, NoSuchSessionIsJanusGone) {
    joinRoom();
    Output keepalive = client.tick(10 + kKeepaliveIntervalMs);
    nlohmann::json error = fixtures.received("keepalive_no_such_session");
    error["session_id"] = kSession;
    Output out = client.receive(answering(error, keepalive.frames.at(0)), 26000);
    const ClientEvent* gone = findEvent(out, ClientEventKind::JanusGone);
    ASSERT_NE(gone, nullptr);
    EXPECT_EQ(gone->error->code, ErrorCode::SfuUnavailable);
    EXPECT_EQ(client.state(), ClientState::Closed);
}

TEST_F(SfuClient, RecordedLeavingOfAnotherPublisherRemovesItsFeed) {
    joinRoom();
    bobPublishes();
    Output out = client.receive(writeJson(fixtures.received("leaving_seen_by_a")), 200);
    const ClientEvent* removed = findEvent(out, ClientEventKind::FeedRemoved);
    ASSERT_NE(removed, nullptr);
    EXPECT_EQ(removed->feed.id, kBobFeed);
    EXPECT_EQ(removed->feed.display, "bob");
    EXPECT_TRUE(client.roster().feeds().empty());
}

TEST_F(SfuClient, PublishSendsTheOfferAndAppliesJanusAnswer) {
    joinRoom();
    Output out = client.publish("v=0\r\noffer\r\n", 50);
    ASSERT_EQ(out.frames.size(), 1u);
    nlohmann::json publish = sent(out.frames[0]);
    EXPECT_EQ(publish["body"]["request"], "publish");
    EXPECT_EQ(publish["handle_id"], kPublisherHandle);
    EXPECT_EQ(publish["jsep"]["type"], "offer");
    EXPECT_EQ(publish["jsep"]["sdp"], "v=0\r\noffer\r\n");
    EXPECT_TRUE(hasEvent(client.publish("again", 51), ClientEventKind::Error))
        << "one publish at a time";
    EXPECT_TRUE(client.receive(answering(fixtures.handWritten("publish_ack"), out.frames[0]), 52)
                    .events.empty());
    Output answer =
        client.receive(answering(fixtures.handWritten("publish_answer"), out.frames[0]), 60);
    const ClientEvent* local = findEvent(answer, ClientEventKind::LocalAnswer);
    ASSERT_NE(local, nullptr);
    EXPECT_EQ(local->sdp.rfind("v=0", 0), 0u);
    EXPECT_TRUE(hasEvent(answer, ClientEventKind::PublishingStarted));
    EXPECT_TRUE(client.publishing());
    // Media notifications change nothing.
    for (const char* name : {"webrtcup", "media", "slowlink"}) {
        Output info = client.receive(frame(name), 70);
        EXPECT_TRUE(info.events.empty() && info.frames.empty()) << name;
    }
    client.receive(frame("hangup"), 80);
    EXPECT_FALSE(client.publishing()) << "a hangup ends the publication";
}

TEST_F(SfuClient, ALaterOfferReconfiguresThePublication) {
    joinRoom();
    Output out = client.publish("v=0\r\nfirst\r\n", 50);
    client.receive(answering(fixtures.handWritten("publish_answer"), out.frames[0]), 60);
    ASSERT_TRUE(client.publishing());
    // A screen added: the new offer goes as "configure", with its jsep.
    Output again = client.publish("v=0\r\nsecond\r\n", 70);
    ASSERT_EQ(again.frames.size(), 1u);
    nlohmann::json configure = sent(again.frames[0]);
    EXPECT_EQ(configure["body"]["request"], "configure");
    EXPECT_EQ(configure["jsep"]["type"], "offer");
    EXPECT_EQ(configure["jsep"]["sdp"], "v=0\r\nsecond\r\n");
    EXPECT_TRUE(hasEvent(client.publish("third", 71), ClientEventKind::Error))
        << "one offer at a time";
    Output answer =
        client.receive(answering(fixtures.handWritten("publish_answer"), again.frames[0]), 80);
    EXPECT_NE(findEvent(answer, ClientEventKind::LocalAnswer), nullptr);
    EXPECT_TRUE(client.publishing());
    EXPECT_EQ(sent(client.publish("v=0\r\nfourth\r\n", 90).frames.at(0))["body"]["request"],
              "configure");
}

TEST_F(SfuClient, PublishRefusedByThePluginIsAnError) {
    joinRoom();
    Output out = client.publish("v=0\r\n", 50);
    nlohmann::json refused = {
        {"janus", "event"},
        {"session_id", kSession},
        {"sender", kPublisherHandle},
        {"plugindata",
         {{"plugin", "janus.plugin.videoroom"},
          {"data", {{"videoroom", "event"}, {"error_code", 434}, {"error", "Invalid SDP"}}}}}};
    Output refusal = client.receive(answering(refused, out.frames.at(0)), 60);
    ASSERT_TRUE(hasEvent(refusal, ClientEventKind::Error));
    EXPECT_FALSE(client.publishing());
    EXPECT_EQ(client.publish("v=0\r\n", 70).frames.size(), 1u) << "may try again";
}

TEST_F(SfuClient, SubscriberOnlyMayNotPublish) {
    JoinRequest request = aliceJoin();
    request.publisher = false;
    joinRoom(request);
    Output out = client.publish("v=0\r\n", 50);
    EXPECT_TRUE(out.frames.empty());
    EXPECT_TRUE(hasEvent(out, ClientEventKind::Error));
}

TEST_F(SfuClient, MultistreamSubscriberJoinsTakesTheOfferAndStarts) {
    joinRoom();
    bobPublishes();
    nlohmann::json body = sent(subscriberJoin)["body"];
    EXPECT_EQ(body["request"], "join");
    EXPECT_EQ(body["ptype"], "subscriber");
    EXPECT_EQ(body["room"], 4242);
    EXPECT_EQ(body["private_id"], 1515100556u) << "the recorded joined event's private_id";
    EXPECT_EQ(body["streams"], parseJson(R"([{"feed":4053917080160902}])"));
    EXPECT_EQ(sent(subscriberJoin)["handle_id"], kSubscriberHandle);
    EXPECT_EQ(client.subscriberState(), SubscriberState::Joining);

    Output offer = client.receive(
        answering(fixtures.handWritten("subscriber_attached_offer"), subscriberJoin), 120);
    const ClientEvent* remote = findEvent(offer, ClientEventKind::RemoteOffer);
    ASSERT_NE(remote, nullptr);
    EXPECT_EQ(remote->sdp.rfind("v=0", 0), 0u);
    EXPECT_EQ(client.subscriberState(), SubscriberState::AwaitingAnswer);

    Output start = client.answerSubscription("v=0\r\nanswer\r\n", 130);
    ASSERT_EQ(start.frames.size(), 1u);
    nlohmann::json startFrame = sent(start.frames[0]);
    EXPECT_EQ(startFrame["body"]["request"], "start");
    EXPECT_EQ(startFrame["jsep"]["type"], "answer");
    EXPECT_EQ(client.subscriberState(), SubscriberState::Starting);
    client.receive(answering(fixtures.handWritten("subscriber_started"), start.frames[0]), 140);
    EXPECT_EQ(client.subscriberState(), SubscriberState::Ready);
    EXPECT_EQ(client.subscribedFeeds(), std::vector<std::uint64_t>{kBobFeed});
}

TEST_F(SfuClient, ALineAFeedAddsLaterIsSubscribedToAlone) {
    joinRoom();
    bobPublishes();
    Output offer = client.receive(
        answering(fixtures.handWritten("subscriber_attached_offer"), subscriberJoin), 120);
    Output start = client.answerSubscription("v=0\r\nanswer\r\n", 130);
    client.receive(answering(fixtures.handWritten("subscriber_started"), start.frames.at(0)), 140);
    ASSERT_EQ(client.subscriberState(), SubscriberState::Ready);

    // Bob shares his screen: Janus announces him again with a third line, and with his
    // removed lines disabled.
    nlohmann::json again = fixtures.handWritten("publishers_event");
    nlohmann::json& streams = again["plugindata"]["data"]["publishers"][0]["streams"];
    streams.push_back(parseJson(R"({"type":"video","mindex":2,"mid":"2","codec":"vp8"})"));
    streams.push_back(parseJson(R"({"type":"video","mindex":3,"mid":"3","disabled":true})"));
    Output out = client.receive(writeJson(again), 150);
    EXPECT_FALSE(hasEvent(out, ClientEventKind::FeedAdded)) << "bob is not new";
    ASSERT_EQ(out.frames.size(), 1u);
    nlohmann::json update = sent(out.frames[0]);
    EXPECT_EQ(update["body"]["request"], "update");
    EXPECT_EQ(update["body"]["subscribe"], parseJson(R"([{"feed":4053917080160902,"mid":"2"}])"));
    EXPECT_EQ(client.subscriberState(), SubscriberState::Updating);

    // The same announcement again asks for nothing.
    client.receive(answering(fixtures.handWritten("subscriber_updated_offer"), out.frames[0]), 160);
    client.answerSubscription("v=0\r\nanswer\r\n", 170);
    EXPECT_TRUE(client.receive(writeJson(again), 180).frames.empty());
}

TEST_F(SfuClient, TheOfferSaysWhichFeedEachMediaLineCarries) {
    joinRoom();
    bobPublishes();
    nlohmann::json attached = fixtures.handWritten("subscriber_attached_offer");
    nlohmann::json& streams = attached["plugindata"]["data"]["streams"];
    // A line without a feed (Janus's data line) and one with a mistyped mid are skipped.
    streams.push_back(parseJson(R"({"type":"data","mid":"2"})"));
    streams.push_back(parseJson(R"({"type":"video","mid":3,"feed_id":77,"feed_display":"x"})"));
    Output offer = client.receive(answering(attached, subscriberJoin), 120);
    const ClientEvent* remote = findEvent(offer, ClientEventKind::RemoteOffer);
    ASSERT_NE(remote, nullptr);
    ASSERT_EQ(remote->streams.size(), 1u);
    EXPECT_EQ(remote->streams[0].mid, "0");
    EXPECT_EQ(remote->streams[0].feed.id, kBobFeed);
    EXPECT_EQ(remote->streams[0].feed.display, "bob");
    EXPECT_EQ(remote->streams[0].type, "audio");
}

TEST_F(SfuClient, PublishTellsJanusEachLinesStreamId) {
    joinRoom();
    Output out =
        client.publish("v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=msid:cam-a t1\r\n"
                       "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=msid:cam-a t2\r\n",
                       50);
    ASSERT_EQ(out.frames.size(), 1u);
    EXPECT_EQ(
        sent(out.frames[0])["body"]["descriptions"],
        parseJson(R"([{"mid":"0","description":"cam-a"},{"mid":"1","description":"cam-a"}])"));
}

TEST_F(SfuClient, TheOfferReachesThePageWithTheSendersStreamIds) {
    joinRoom();
    bobPublishes();
    nlohmann::json attached = fixtures.handWritten("subscriber_attached_offer");
    attached["plugindata"]["data"]["streams"][0]["feed_description"] = "bob-camera";
    attached["jsep"]["sdp"] =
        "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=msid:janus janus0\r\n";
    Output offer = client.receive(answering(attached, subscriberJoin), 120);
    const ClientEvent* remote = findEvent(offer, ClientEventKind::RemoteOffer);
    ASSERT_NE(remote, nullptr);
    ASSERT_EQ(remote->streams.size(), 1u);
    EXPECT_EQ(remote->streams[0].streamid, "bob-camera");
    EXPECT_NE(remote->sdp.find("a=msid:bob-camera janus0\r\n"), std::string::npos) << remote->sdp;
}

TEST_F(SfuClient, OnlyTheFeedsThePlanAsksForAreReceived) {
    JoinRequest viewer = aliceJoin();
    viewer.receiveFrom = ReceiveFrom::OneUser;
    viewer.receiveUser = "carol";
    joinRoom(viewer);
    // Bob is announced but not the user this page receives: no subscriber handle.
    Output out = client.receive(frame("publishers_event"), 100);
    EXPECT_TRUE(hasEvent(out, ClientEventKind::FeedAdded));
    EXPECT_TRUE(out.frames.empty());
    EXPECT_EQ(client.subscriberState(), SubscriberState::None);
    nlohmann::json carol = fixtures.handWritten("publishers_event");
    carol["plugindata"]["data"]["publishers"][0]["id"] = 77;
    carol["plugindata"]["data"]["publishers"][0]["display"] = "carol";
    out = client.receive(writeJson(carol), 110);
    ASSERT_EQ(out.frames.size(), 1u);
    EXPECT_EQ(sent(out.frames[0])["janus"], "attach");
    EXPECT_EQ(client.subscriberState(), SubscriberState::Attaching);
}

TEST_F(SfuClient, AWatcherOfNobodyNeverSubscribes) {
    JoinRequest owner = aliceJoin();
    owner.receiveFrom = ReceiveFrom::Nobody;
    joinRoom(owner);
    Output out = client.receive(frame("publishers_event"), 100);
    EXPECT_TRUE(out.frames.empty());
    EXPECT_EQ(client.subscriberState(), SubscriberState::None);
}

TEST_F(SfuClient, AnswerWithoutOfferIsRefused) {
    joinRoom();
    Output out = client.answerSubscription("v=0\r\n", 50);
    EXPECT_TRUE(out.frames.empty());
    EXPECT_TRUE(hasEvent(out, ClientEventKind::Error));
}

TEST_F(SfuClient, FeedsComingAndGoingUpdateTheOneSubscriberHandle) {
    joinRoom();
    bobPublishes();
    client.receive(answering(fixtures.handWritten("subscriber_attached_offer"), subscriberJoin),
                   120);
    // Carol publishes while the offer waits for our answer: queued, not a second handle.
    nlohmann::json carol = fixtures.handWritten("publishers_event");
    carol["plugindata"]["data"]["publishers"][0]["id"] = 77;
    carol["plugindata"]["data"]["publishers"][0]["display"] = "carol";
    Output added = client.receive(writeJson(carol), 125);
    EXPECT_TRUE(hasEvent(added, ClientEventKind::FeedAdded));
    EXPECT_TRUE(added.frames.empty());
    Output start = client.answerSubscription("v=0\r\n", 130);
    Output started = client.receive(
        answering(fixtures.handWritten("subscriber_started"), start.frames.at(0)), 140);
    ASSERT_EQ(started.frames.size(), 1u) << "the queued feed goes in one update";
    nlohmann::json update = sent(started.frames[0]);
    EXPECT_EQ(update["handle_id"], kSubscriberHandle);
    EXPECT_EQ(update["body"]["request"], "update");
    EXPECT_EQ(update["body"]["subscribe"], parseJson(R"([{"feed":77}])"));
    EXPECT_EQ(client.subscriberState(), SubscriberState::Updating);
    Output reoffer = client.receive(
        answering(fixtures.handWritten("subscriber_updated_offer"), started.frames[0]), 150);
    EXPECT_TRUE(hasEvent(reoffer, ClientEventKind::RemoteOffer));
    start = client.answerSubscription("v=0\r\n", 160);
    client.receive(answering(fixtures.handWritten("subscriber_started"), start.frames.at(0)), 170);
    EXPECT_EQ(client.subscribedFeeds(), (std::vector<std::uint64_t>{kBobFeed, 77}));

    // Bob unpublishes: his feed is removed and unsubscribed.
    Output gone = client.receive(frame("unpublished_event"), 200);
    const ClientEvent* removed = findEvent(gone, ClientEventKind::FeedRemoved);
    ASSERT_NE(removed, nullptr);
    EXPECT_EQ(removed->feed.id, kBobFeed);
    ASSERT_EQ(gone.frames.size(), 1u);
    EXPECT_EQ(sent(gone.frames[0])["body"]["unsubscribe"],
              parseJson(R"([{"feed":4053917080160902}])"));
    EXPECT_EQ(client.subscribedFeeds(), std::vector<std::uint64_t>{77});
}

TEST_F(SfuClient, OnlyFeedLeavesWhileTheSubscriberAttaches) {
    joinRoom();
    Output out = client.receive(frame("publishers_event"), 100);
    ASSERT_EQ(out.frames.size(), 1u);
    std::string attach = out.frames[0];
    client.receive(frame("unpublished_event"), 105);
    Output attached =
        client.receive(answering(fixtures.handWritten("attach_subscriber"), attach), 110);
    ASSERT_EQ(attached.frames.size(), 1u);
    EXPECT_EQ(sent(attached.frames[0])["janus"], "detach");
    EXPECT_EQ(sent(attached.frames[0])["handle_id"], kSubscriberHandle);
    EXPECT_EQ(client.subscriberState(), SubscriberState::None);
    EXPECT_EQ(client.subscriberHandle(), 0u);
    // The next feed attaches a new subscriber handle.
    EXPECT_EQ(sent(client.receive(frame("publishers_event"), 120).frames.at(0))["janus"], "attach");
}

TEST_F(SfuClient, JanusRenegotiatesTheSubscriberUnasked) {
    joinRoom();
    bobPublishes();
    client.receive(answering(fixtures.handWritten("subscriber_attached_offer"), subscriberJoin),
                   120);
    Output start = client.answerSubscription("v=0\r\n", 130);
    client.receive(answering(fixtures.handWritten("subscriber_started"), start.frames.at(0)), 140);
    nlohmann::json unasked = fixtures.handWritten("subscriber_updated_offer");
    unasked.erase("transaction");
    Output out = client.receive(writeJson(unasked), 150);
    EXPECT_TRUE(hasEvent(out, ClientEventKind::RemoteOffer));
    EXPECT_EQ(client.subscriberState(), SubscriberState::AwaitingAnswer);
}

TEST_F(SfuClient, TrickleOnBothHandles) {
    joinRoom();
    nlohmann::json candidate = {{"candidate", "candidate:1 1 udp 1 127.0.0.1 9 typ host"},
                                {"sdpMid", "0"},
                                {"sdpMLineIndex", 0}};
    Output out = client.trickle(HandleRole::Publisher, candidate, 50);
    ASSERT_EQ(out.frames.size(), 1u);
    EXPECT_EQ(sent(out.frames[0])["handle_id"], kPublisherHandle);
    nlohmann::json ack = {{"janus", "ack"}, {"session_id", kSession}};
    client.receive(answering(ack, out.frames[0]), 51);
    EXPECT_EQ(client.outstanding(), 0u) << "a trickle is answered by its ack";
    EXPECT_TRUE(
        hasEvent(client.trickle(HandleRole::Subscriber, candidate, 52), ClientEventKind::Error))
        << "no subscriber handle yet";
    bobPublishes();
    out = client.trickleCompleted(HandleRole::Subscriber, 120);
    ASSERT_EQ(out.frames.size(), 1u);
    EXPECT_EQ(sent(out.frames[0])["handle_id"], kSubscriberHandle);
    EXPECT_EQ(sent(out.frames[0])["candidate"]["completed"], true);
}

TEST_F(SfuClient, LeaveLeavesDetachesAndDestroys) {
    joinRoom();
    bobPublishes();
    Output out = client.leave(200);
    ASSERT_EQ(out.frames.size(), 4u);
    EXPECT_EQ(sent(out.frames[0])["body"]["request"], "leave");
    EXPECT_EQ(sent(out.frames[1])["handle_id"], kSubscriberHandle);
    EXPECT_EQ(sent(out.frames[1])["janus"], "detach");
    EXPECT_EQ(sent(out.frames[2])["handle_id"], kPublisherHandle);
    EXPECT_EQ(sent(out.frames[3])["janus"], "destroy");
    EXPECT_TRUE(hasEvent(out, ClientEventKind::FeedRemoved));
    EXPECT_EQ(client.state(), ClientState::Closing);
    EXPECT_TRUE(hasEvent(client.leave(201), ClientEventKind::Error)) << "already leaving";
    // Janus's recorded answers to leave, detach and destroy (another session's ids there:
    // only the transaction and session change).
    nlohmann::json leaveAck = fixtures.received("leave_b", 0);
    leaveAck["session_id"] = kSession;
    EXPECT_TRUE(client.receive(answering(leaveAck, out.frames[0]), 202).events.empty());
    nlohmann::json left = fixtures.received("leave_b", 1);
    left["session_id"] = kSession;
    left["sender"] = kPublisherHandle;
    EXPECT_TRUE(client.receive(answering(left, out.frames[0]), 203).events.empty());
    nlohmann::json detached = fixtures.received("detach_b");
    detached["session_id"] = kSession;
    EXPECT_TRUE(client.receive(answering(detached, out.frames[1]), 204).events.empty());
    EXPECT_TRUE(client.receive(answering(detached, out.frames[2]), 205).events.empty());
    nlohmann::json destroyed = fixtures.received("destroy_b");
    destroyed["session_id"] = kSession;
    Output closed = client.receive(answering(destroyed, out.frames[3]), 206);
    EXPECT_TRUE(hasEvent(closed, ClientEventKind::Left));
    EXPECT_EQ(client.state(), ClientState::Closed);
    EXPECT_TRUE(client.tick(1000000).frames.empty());
}

TEST_F(SfuClient, LeaveBeforeTheSessionExistsClosesAtOnce) {
    client.join(aliceJoin(), 0);
    Output out = client.leave(1);
    EXPECT_TRUE(out.frames.empty());
    EXPECT_TRUE(hasEvent(out, ClientEventKind::Left));
    EXPECT_EQ(client.state(), ClientState::Closed);
    EXPECT_TRUE(hasEvent(client.leave(2), ClientEventKind::Error));
}

class SfuClientDrops : public SfuClient, public ::testing::WithParamInterface<const char*> {};

TEST_P(SfuClientDrops, MalformedOrStrayFramesChangeNothing) {
    joinRoom();
    bobPublishes();
    std::size_t outstanding = client.outstanding();
    Output out = client.receive(GetParam(), 300);
    EXPECT_TRUE(out.frames.empty()) << GetParam();
    ASSERT_EQ(out.events.size(), 1u) << GetParam();
    EXPECT_EQ(out.events[0].kind, ClientEventKind::FrameDropped);
    EXPECT_FALSE(describe(out.events[0].error->text).empty());
    EXPECT_EQ(client.state(), ClientState::Joined);
    EXPECT_EQ(client.subscriberState(), SubscriberState::Joining);
    EXPECT_EQ(client.outstanding(), outstanding);
    EXPECT_EQ(client.roster().feeds().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Frames, SfuClientDrops,
    ::testing::Values(
        "not json at all", "{", "[]", "null", R"({"janus":"surprise"})",
        R"({"janus":"ack","transaction":"rtcmc-999"})",
        R"({"janus":"success","transaction":"never-sent","data":{"id":1}})",
        R"({"janus":"error","transaction":"rtcmc-999","error":{"code":458,"reason":"x"}})",
        R"({"janus":"event","transaction":"rtcmc-999","plugindata":{"data":{"leaving":4053917080160902}}})",
        R"({"janus":"event","session_id":1,"plugindata":{"data":{"leaving":4053917080160902}}})",
        R"({"janus":"timeout","session_id":1})", R"({"janus":"event","plugindata":{"data":[]}})",
        R"({"janus":"event","sender":5550001112223334,"plugindata":{"data":{}},"jsep":{"type":"offer","sdp":7}})"));

TEST_F(SfuClient, FramesBeforeJoinAreDropped) {
    Output out = client.receive(writeJson(fixtures.received("create")), 0);
    EXPECT_TRUE(hasEvent(out, ClientEventKind::FrameDropped));
    EXPECT_EQ(client.state(), ClientState::Idle);
}

TEST_F(SfuClient, FeedsBeyondTheLimitAreRefused) {
    ClientConfig config;
    config.maxFeeds = 1;
    client = JanusClient(config);
    joinRoom();
    nlohmann::json two = fixtures.handWritten("publishers_event");
    nlohmann::json second = two["plugindata"]["data"]["publishers"][0];
    second["id"] = 77;
    two["plugindata"]["data"]["publishers"].push_back(second);
    Output out = client.receive(writeJson(two), 100);
    const ClientEvent* error = findEvent(out, ClientEventKind::Error);
    ASSERT_NE(error, nullptr);
    EXPECT_EQ(error->error->code, ErrorCode::RoomFull);
    EXPECT_EQ(client.roster().feeds().size(), 1u);
}

TEST_F(SfuClient, ShorterTimingsFromTheConfig) {
    ClientConfig config;
    config.keepaliveIntervalMs = 1000;
    config.transactionDeadlineMs = 500;
    client = JanusClient(config);
    joinRoom();
    EXPECT_EQ(client.tick(1010).frames.size(), 1u);
    EXPECT_TRUE(hasEvent(client.tick(1510), ClientEventKind::JanusGone));
}

} // namespace
} // namespace rtcmc::sfu
