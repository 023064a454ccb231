// One page's Janus videoroom client, without I/O: a session with its keepalive, a publisher
// handle that joins the room (and publishes if asked), and one multistream subscriber handle
// that receives every remote feed. Inputs are received frames, timer ticks and page intents;
// each returns the frames to send and the events for the facade (client_event.hpp).
//
//   Idle --join--> CreatingSession --success--> AttachingPublisher --success--> Joining
//   Joining --joined event--> Joined --leave--> Closing --destroy success--> Closed
//   any refusal before Joined, Janus gone, session timeout --> Closed
//   Closed (Janus gone or timed out, not left) --tick at the rejoin time, or the server's
//     "back"--> CreatingSession with the same request; the pause before it doubles from
//     kRejoinFirstPauseMs to kRejoinLastPauseMs and starts over once Joined. While the server
//     says it has no Janus, nothing is tried until it says "back".
// docs/sfu-janus-core.md has the subscriber's states and the frames of each step.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sfu/client_event.hpp"
#include "sfu/feed_roster.hpp"
#include "sfu/janus_reply.hpp"
#include "sfu/limits.hpp"
#include "sfu/transactions.hpp"

namespace rtcmc::sfu {

struct ClientConfig {
    std::uint64_t keepaliveIntervalMs = kKeepaliveIntervalMs;
    std::uint64_t transactionDeadlineMs = kTransactionDeadlineMs;
    std::size_t maxFeeds = kMaxFeedsPerRoom;
    std::uint64_t rejoinFirstPauseMs = kRejoinFirstPauseMs;
    std::uint64_t rejoinLastPauseMs = kRejoinLastPauseMs;
};

// Whose feeds the subscriber handle receives: the room's direction decides (the engine's
// Engine::sfuPlan()). A one-to-many viewer receives the owner only; a one-way owner, nobody.
enum class ReceiveFrom { Everyone, OneUser, Nobody };

struct JoinRequest {
    std::uint64_t room = 0;
    std::string pin;     // the room's pin, empty when it has none
    std::string display; // shown to the others (our pages put the userid here)
    // false: subscriber only. The page still joins as a publisher that never publishes, which
    // is how the videoroom plugin tells a participant about the room's feeds.
    bool publisher = true;
    ReceiveFrom receiveFrom = ReceiveFrom::Everyone;
    std::string receiveUser; // OneUser: the display whose feeds are received
};

enum class ClientState {
    Idle,
    CreatingSession,
    AttachingPublisher,
    Joining,
    Joined,
    Closing,
    Closed
};
enum class SubscriberState { None, Attaching, Joining, AwaitingAnswer, Starting, Ready, Updating };
enum class HandleRole { Publisher, Subscriber };

const char* clientStateName(ClientState state);

class JanusClient {
public:
    explicit JanusClient(ClientConfig config = {});

    Output join(const JoinRequest& request, std::uint64_t nowMs);
    // The publisher connection's offer: "publish" the first time, "configure" (renegotiation:
    // a stream added or removed) afterwards; one at a time, until Janus answers.
    Output publish(const std::string& offerSdp, std::uint64_t nowMs);
    Output answerSubscription(const std::string& answerSdp, std::uint64_t nowMs);
    Output trickle(HandleRole role, const nlohmann::json& candidate, std::uint64_t nowMs);
    Output trickleCompleted(HandleRole role, std::uint64_t nowMs);
    Output leave(std::uint64_t nowMs);
    Output receive(std::string_view frame, std::uint64_t nowMs);
    Output tick(std::uint64_t nowMs);
    // The signaling server's word about its Janus: false ("gone") ends our session there
    // without a frame and holds every rejoin; true ("back") joins again at once.
    Output serverStatus(bool serverHasJanus, std::uint64_t nowMs);

    ClientState state() const { return state_; }
    SubscriberState subscriberState() const { return subscriber_; }
    bool publishing() const { return published_; }
    std::uint64_t session() const { return session_; }
    std::uint64_t publisherHandle() const { return publisherHandle_; }
    std::uint64_t subscriberHandle() const { return subscriberHandle_; }
    std::uint64_t ownFeed() const { return ownFeed_; }
    const FeedRoster& roster() const { return roster_; }
    const std::vector<std::uint64_t>& subscribedFeeds() const { return subscribed_; }
    std::size_t outstanding() const { return transactions_.size(); }
    // When tick() joins again after Janus was given up; 0: no rejoin is due.
    std::uint64_t rejoinAtMs() const { return rejoinAtMs_; }

private:
    std::string open(Purpose purpose, std::uint64_t nowMs);
    void wrongState(Output& out, const char* what) const;
    void dropped(Output& out, Error error) const;
    void closeLocally(Output& out);
    void teardown(Output& out, std::uint64_t nowMs);
    void fail(Output& out, ClientEventKind kind, Error error);
    void giveUp(Output& out, ClientEventKind kind, Error error, std::uint64_t nowMs);
    Output joinAgain(std::uint64_t nowMs);

    void onSuccess(Output& out, const Pending& pending, const Reply& reply, std::uint64_t nowMs);
    void onError(Output& out, const Pending& pending, const Reply& reply, std::uint64_t nowMs);
    void onEvent(Output& out, const Pending* pending, const Reply& reply, std::uint64_t nowMs);
    void onPluginError(Output& out, Purpose purpose, const Reply& reply, std::uint64_t nowMs);
    bool wanted(const Feed& feed) const;
    void applyRoster(Output& out, const nlohmann::json& data, std::uint64_t nowMs);
    void sendSubscriberJoin(Output& out, std::uint64_t nowMs);
    void flushSubscriptions(Output& out, std::uint64_t nowMs);

    ClientConfig config_;
    ClientState state_ = ClientState::Idle;
    SubscriberState subscriber_ = SubscriberState::None;
    JoinRequest request_;
    Transactions transactions_;
    std::uint64_t session_ = 0;
    std::uint64_t publisherHandle_ = 0;
    std::uint64_t subscriberHandle_ = 0;
    std::uint64_t ownFeed_ = 0;
    std::uint64_t privateId_ = 0;
    std::uint64_t nextKeepaliveMs_ = 0;
    bool publishRequested_ = false;
    bool published_ = false;
    FeedRoster roster_;
    std::vector<std::uint64_t> subscribed_;  // feeds the subscriber handle receives
    std::vector<std::uint64_t> toSubscribe_; // waiting for the subscriber handle to be idle
    std::vector<std::uint64_t> toUnsubscribe_;
    std::vector<FeedStream> toSubscribeStreams_; // new lines of feeds already subscribed
    // Joining again after giving Janus up (kept by joinAgain(); everything above starts over).
    bool left_ = false;          // leave() was called: never join again
    bool serverHasJanus_ = true; // false between the server's "gone" and "back"
    std::uint64_t rejoinAtMs_ = 0;
    std::uint64_t rejoinPauseMs_ = config_.rejoinFirstPauseMs;
};

} // namespace rtcmc::sfu
