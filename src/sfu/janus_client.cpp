#include "sfu/janus_client.hpp"

#include <algorithm>

#include "sfu/janus_request.hpp"
#include "sfu/json_fields.hpp"
#include "sfu/stream_ids.hpp"

namespace rtcmc::sfu {
namespace {

ClientEvent event(ClientEventKind kind) {
    return ClientEvent{kind, Feed{}, std::string(), {}, std::nullopt};
}

void erase(std::vector<std::uint64_t>& ids, std::uint64_t id) {
    ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
}

bool contains(const std::vector<std::uint64_t>& ids, std::uint64_t id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

nlohmann::json streamsOf(const std::vector<std::uint64_t>& feeds) {
    nlohmann::json streams = nlohmann::json::array();
    for (std::uint64_t feed : feeds) {
        nlohmann::json stream = nlohmann::json::object();
        stream["feed"] = feed;
        streams.push_back(std::move(stream));
    }
    return streams;
}

// The "streams" list of an "attached" or "updated" event: each media line with the feed it
// carries. Entries without a mid or a feed (the data line, inactive lines) are skipped; at
// most one line per audio/video track of kMaxFeedsPerRoom feeds, plus data, is kept.
std::vector<OfferedStream> offeredStreams(const nlohmann::json& data) {
    std::vector<OfferedStream> streams;
    const nlohmann::json* list = arrayField(data, "streams");
    if (!list) {
        return streams;
    }
    for (const nlohmann::json& entry : *list) {
        if (streams.size() >= 2 * kMaxFeedsPerRoom + 1) {
            break;
        }
        std::optional<std::string> mid = stringField(entry, "mid");
        std::optional<std::uint64_t> feed = unsignedField(entry, "feed_id");
        if (!mid || !feed) {
            continue;
        }
        streams.push_back(
            OfferedStream{*mid, Feed{*feed, stringField(entry, "feed_display").value_or(""), {}},
                          stringField(entry, "type").value_or(""),
                          stringField(entry, "feed_description").value_or(""), std::string()});
    }
    assignStreamIds(streams);
    return streams;
}

} // namespace

const char* clientStateName(ClientState state) {
    switch (state) {
    case ClientState::Idle:
        return "idle";
    case ClientState::CreatingSession:
        return "creating its session";
    case ClientState::AttachingPublisher:
        return "attaching its publisher handle";
    case ClientState::Joining:
        return "joining";
    case ClientState::Joined:
        return "joined";
    case ClientState::Closing:
        return "leaving";
    case ClientState::Closed:
        return "closed";
    }
    return "?";
}

JanusClient::JanusClient(ClientConfig config) : config_(config), roster_(0, config.maxFeeds) {}

std::string JanusClient::open(Purpose purpose, std::uint64_t nowMs) {
    return transactions_.open(purpose, nowMs, config_.transactionDeadlineMs);
}

void JanusClient::wrongState(Output& out, const char* what) const {
    ClientEvent error = event(ClientEventKind::Error);
    error.error = makeError(ErrorCode::InvalidState,
                            Text(TextId::SfuWrongState, {what, clientStateName(state_)}));
    out.events.push_back(std::move(error));
}

void JanusClient::dropped(Output& out, Error error) const {
    ClientEvent drop = event(ClientEventKind::FrameDropped);
    drop.error = std::move(error);
    out.events.push_back(std::move(drop));
}

void JanusClient::fail(Output& out, ClientEventKind kind, Error error) {
    ClientEvent failure = event(kind);
    failure.error = std::move(error);
    out.events.push_back(std::move(failure));
}

// Forgets everything without a frame: Janus is gone or has dropped the session already.
void JanusClient::closeLocally(Output& out) {
    for (Feed& feed : roster_.removeAll().removed) {
        ClientEvent removed = event(ClientEventKind::FeedRemoved);
        removed.feed = std::move(feed);
        out.events.push_back(std::move(removed));
    }
    transactions_.clear();
    state_ = ClientState::Closed;
    subscriber_ = SubscriberState::None;
    session_ = publisherHandle_ = subscriberHandle_ = 0;
    published_ = publishRequested_ = false;
    subscribed_.clear();
    toSubscribe_.clear();
    toUnsubscribe_.clear();
    toSubscribeStreams_.clear();
    out.events.push_back(event(ClientEventKind::Left));
}

// Janus is given up (no answer, our session lost or timed out): everything through it ends,
// and unless the page left or the server says it has no Janus, tick() joins again after the
// pause, which doubles each time up to its last value.
void JanusClient::giveUp(Output& out, ClientEventKind kind, Error error, std::uint64_t nowMs) {
    fail(out, kind, std::move(error));
    closeLocally(out);
    rejoinAtMs_ = 0;
    if (left_ || !serverHasJanus_) {
        return;
    }
    rejoinAtMs_ = nowMs + rejoinPauseMs_;
    rejoinPauseMs_ = std::min(rejoinPauseMs_ * 2, config_.rejoinLastPauseMs);
}

// The same join from the start, with a new session; only the rejoin state carries over.
Output JanusClient::joinAgain(std::uint64_t nowMs) {
    JoinRequest request = std::move(request_);
    const std::uint64_t pauseMs = rejoinPauseMs_;
    const bool serverHasJanus = serverHasJanus_;
    *this = JanusClient(config_);
    rejoinPauseMs_ = pauseMs;
    serverHasJanus_ = serverHasJanus;
    return join(request, nowMs);
}

// Leaves politely: leave the room, detach both handles, destroy the session; Closed once
// Janus confirms the destroy (or its deadline passes).
void JanusClient::teardown(Output& out, std::uint64_t nowMs) {
    if (session_ == 0) {
        closeLocally(out);
        return;
    }
    transactions_.clear();
    if (state_ == ClientState::Joined && publisherHandle_ != 0) {
        nlohmann::json body = nlohmann::json::object();
        body["request"] = "leave";
        out.frames.push_back(
            encodeMessage(open(Purpose::Leave, nowMs), session_, publisherHandle_, body));
    }
    if (subscriberHandle_ != 0) {
        out.frames.push_back(
            encodeDetach(open(Purpose::Detach, nowMs), session_, subscriberHandle_));
    }
    if (publisherHandle_ != 0) {
        out.frames.push_back(
            encodeDetach(open(Purpose::Detach, nowMs), session_, publisherHandle_));
    }
    out.frames.push_back(encodeDestroy(open(Purpose::Destroy, nowMs), session_));
    for (Feed& feed : roster_.removeAll().removed) {
        ClientEvent removed = event(ClientEventKind::FeedRemoved);
        removed.feed = std::move(feed);
        out.events.push_back(std::move(removed));
    }
    state_ = ClientState::Closing;
    subscriber_ = SubscriberState::None;
    published_ = publishRequested_ = false;
    subscribed_.clear();
    toSubscribe_.clear();
    toUnsubscribe_.clear();
    toSubscribeStreams_.clear();
}

Output JanusClient::join(const JoinRequest& request, std::uint64_t nowMs) {
    Output out;
    if (state_ != ClientState::Idle) {
        wrongState(out, "join");
        return out;
    }
    request_ = request;
    state_ = ClientState::CreatingSession;
    out.frames.push_back(encodeCreate(open(Purpose::CreateSession, nowMs)));
    return out;
}

Output JanusClient::publish(const std::string& offerSdp, std::uint64_t nowMs) {
    Output out;
    if (state_ != ClientState::Joined || !request_.publisher || publishRequested_) {
        wrongState(out, "publish");
        return out;
    }
    publishRequested_ = true;
    nlohmann::json body = nlohmann::json::object();
    // The first offer publishes; a later one (a stream added or removed) reconfigures the
    // publication with the new offer, and Janus renegotiates the subscribers.
    body["request"] = published_ ? "configure" : "publish";
    // Each line's stream id, for the subscribers' msid lines (stream_ids.hpp).
    nlohmann::json descriptions = nlohmann::json::array();
    for (const LineStream& line : lineStreams(offerSdp)) {
        descriptions.push_back({{"mid", line.mid}, {"description", line.streamid}});
    }
    if (!descriptions.empty()) {
        body["descriptions"] = std::move(descriptions);
    }
    out.frames.push_back(encodeMessage(open(Purpose::Publish, nowMs), session_, publisherHandle_,
                                       body, Jsep{"offer", offerSdp}));
    return out;
}

Output JanusClient::answerSubscription(const std::string& answerSdp, std::uint64_t nowMs) {
    Output out;
    if (state_ != ClientState::Joined || subscriber_ != SubscriberState::AwaitingAnswer) {
        wrongState(out, "answering the subscription");
        return out;
    }
    subscriber_ = SubscriberState::Starting;
    nlohmann::json body = nlohmann::json::object();
    body["request"] = "start";
    out.frames.push_back(encodeMessage(open(Purpose::Start, nowMs), session_, subscriberHandle_,
                                       body, Jsep{"answer", answerSdp}));
    return out;
}

Output JanusClient::trickle(HandleRole role, const nlohmann::json& candidate, std::uint64_t nowMs) {
    Output out;
    std::uint64_t handle = role == HandleRole::Publisher ? publisherHandle_ : subscriberHandle_;
    if (state_ != ClientState::Joined || handle == 0 || !candidate.is_object()) {
        wrongState(out, "trickle");
        return out;
    }
    out.frames.push_back(encodeTrickle(open(Purpose::Trickle, nowMs), session_, handle, candidate));
    return out;
}

Output JanusClient::trickleCompleted(HandleRole role, std::uint64_t nowMs) {
    Output out;
    std::uint64_t handle = role == HandleRole::Publisher ? publisherHandle_ : subscriberHandle_;
    if (state_ != ClientState::Joined || handle == 0) {
        wrongState(out, "trickle");
        return out;
    }
    out.frames.push_back(encodeTrickleCompleted(open(Purpose::Trickle, nowMs), session_, handle));
    return out;
}

Output JanusClient::leave(std::uint64_t nowMs) {
    Output out;
    rejoinAtMs_ = 0;
    if (state_ == ClientState::Closed && !left_) {
        left_ = true; // waiting to join again: nothing to say to Janus
        return out;
    }
    left_ = true;
    if (state_ == ClientState::Idle || state_ == ClientState::Closing ||
        state_ == ClientState::Closed) {
        wrongState(out, "leave");
        return out;
    }
    teardown(out, nowMs);
    return out;
}

Output JanusClient::tick(std::uint64_t nowMs) {
    Output out;
    std::vector<Pending> expired = transactions_.expire(nowMs);
    if (!expired.empty()) {
        if (state_ == ClientState::Closing) {
            closeLocally(out);
            return out;
        }
        if (session_ != 0) {
            // Best effort: a Janus that is only slow frees the session (and the server its
            // count of our sessions), so that the page can join again at once.
            out.frames.push_back(encodeDestroy(open(Purpose::Destroy, nowMs), session_));
        }
        giveUp(out, ClientEventKind::JanusGone,
               makeError(ErrorCode::SfuUnavailable,
                         Text(TextId::SfuNoReply, {purposeName(expired.front().purpose),
                                                   config_.transactionDeadlineMs})),
               nowMs);
        return out;
    }
    if (state_ == ClientState::Closed && rejoinAtMs_ != 0 && nowMs >= rejoinAtMs_) {
        return joinAgain(nowMs);
    }
    if (session_ != 0 && state_ != ClientState::Closing && state_ != ClientState::Closed &&
        nowMs >= nextKeepaliveMs_) {
        out.frames.push_back(encodeKeepalive(open(Purpose::Keepalive, nowMs), session_));
        nextKeepaliveMs_ = nowMs + config_.keepaliveIntervalMs;
    }
    return out;
}

Output JanusClient::serverStatus(bool serverHasJanus, std::uint64_t nowMs) {
    Output out;
    serverHasJanus_ = serverHasJanus;
    if (!serverHasJanus) {
        rejoinAtMs_ = 0;
        if (state_ == ClientState::Closing) {
            closeLocally(out); // we were leaving anyway
        } else if (state_ != ClientState::Idle && state_ != ClientState::Closed) {
            // The server closed our Janus connection: nothing can be said to Janus any more.
            giveUp(out, ClientEventKind::JanusGone,
                   makeError(ErrorCode::SfuUnavailable, Text(TextId::SfuServerLostJanus)), nowMs);
        }
        return out;
    }
    if (state_ == ClientState::Closed && !left_) {
        return joinAgain(nowMs);
    }
    return out;
}

Output JanusClient::receive(std::string_view frame, std::uint64_t nowMs) {
    Output out;
    Result<Reply> decoded = decodeReply(frame);
    if (!decoded) {
        dropped(out, decoded.error());
        return out;
    }
    const Reply& reply = decoded.value();
    const char* kind = replyKindName(reply.kind);
    if (state_ == ClientState::Idle || state_ == ClientState::Closed) {
        dropped(out, makeError(ErrorCode::InvalidState, Text(TextId::SfuFrameUnexpected, {kind})));
        return out;
    }
    if (reply.session != 0 && session_ != 0 && reply.session != session_) {
        dropped(out,
                makeError(ErrorCode::InvalidField, Text(TextId::SfuFrameWrongSession, {kind})));
        return out;
    }
    if (reply.kind == ReplyKind::Timeout) {
        if (session_ == 0) {
            dropped(out,
                    makeError(ErrorCode::InvalidState, Text(TextId::SfuFrameWrongSession, {kind})));
            return out;
        }
        giveUp(out, ClientEventKind::SessionTimedOut,
               makeError(ErrorCode::SfuUnavailable, Text(TextId::SfuSessionTimedOut)), nowMs);
        return out;
    }
    const Pending* pending =
        reply.transaction.empty() ? nullptr : transactions_.find(reply.transaction);
    switch (reply.kind) {
    case ReplyKind::Ack:
    case ReplyKind::Success:
    case ReplyKind::Error: {
        if (!pending) {
            dropped(out, makeError(ErrorCode::InvalidState, Text(TextId::SfuFrameUnknownTransaction,
                                                                 {kind, reply.transaction})));
            return out;
        }
        if (reply.kind == ReplyKind::Ack) {
            // keepalive and trickle are answered by their ack; a message's event follows it.
            if (pending->purpose == Purpose::Keepalive || pending->purpose == Purpose::Trickle) {
                transactions_.close(reply.transaction);
            } else {
                transactions_.markAcked(reply.transaction);
            }
            return out;
        }
        Pending closed = *transactions_.close(reply.transaction);
        if (reply.kind == ReplyKind::Success) {
            onSuccess(out, closed, reply, nowMs);
        } else {
            onError(out, closed, reply, nowMs);
        }
        return out;
    }
    case ReplyKind::Event:
        if (!reply.transaction.empty() && !pending) {
            // Janus repeats a request's transaction on its event; an event for a request
            // we no longer wait for (answered, expired, or from before a leave) is stale.
            dropped(out, makeError(ErrorCode::InvalidState, Text(TextId::SfuFrameUnknownTransaction,
                                                                 {kind, reply.transaction})));
            return out;
        }
        if (pending) {
            Pending closed = *transactions_.close(reply.transaction);
            onEvent(out, &closed, reply, nowMs);
        } else {
            onEvent(out, nullptr, reply, nowMs);
        }
        return out;
    case ReplyKind::Hangup:
        if (reply.sender != 0 && reply.sender == publisherHandle_) {
            published_ = publishRequested_ = false;
        }
        return out;
    case ReplyKind::WebrtcUp:
    case ReplyKind::Media:
    case ReplyKind::Slowlink:
    case ReplyKind::Detached:
    case ReplyKind::Timeout:
        // Informational here: the browser's own RTCPeerConnection reports media state.
        return out;
    }
    return out;
}

void JanusClient::onSuccess(Output& out, const Pending& pending, const Reply& reply,
                            std::uint64_t nowMs) {
    switch (pending.purpose) {
    case Purpose::CreateSession: {
        if (reply.dataId == 0) {
            dropped(out, makeError(ErrorCode::InvalidField,
                                   Text(TextId::SfuFrameMissingField, {"success", "data.id"})));
            closeLocally(out);
            return;
        }
        session_ = reply.dataId;
        nextKeepaliveMs_ = nowMs + config_.keepaliveIntervalMs;
        state_ = ClientState::AttachingPublisher;
        out.frames.push_back(encodeAttach(open(Purpose::AttachPublisher, nowMs), session_));
        return;
    }
    case Purpose::AttachPublisher: {
        if (reply.dataId == 0) {
            dropped(out, makeError(ErrorCode::InvalidField,
                                   Text(TextId::SfuFrameMissingField, {"success", "data.id"})));
            teardown(out, nowMs);
            return;
        }
        publisherHandle_ = reply.dataId;
        state_ = ClientState::Joining;
        nlohmann::json body = nlohmann::json::object();
        body["request"] = "join";
        body["ptype"] = "publisher";
        body["room"] = request_.room;
        body["display"] = request_.display;
        if (!request_.pin.empty()) {
            body["pin"] = request_.pin;
        }
        out.frames.push_back(
            encodeMessage(open(Purpose::JoinPublisher, nowMs), session_, publisherHandle_, body));
        return;
    }
    case Purpose::AttachSubscriber:
        if (reply.dataId == 0) {
            subscriber_ = SubscriberState::None;
            return;
        }
        subscriberHandle_ = reply.dataId;
        if (toSubscribe_.empty()) {
            // Every feed left while the handle was attaching: a join needs at least one stream.
            out.frames.push_back(
                encodeDetach(open(Purpose::Detach, nowMs), session_, subscriberHandle_));
            subscriberHandle_ = 0;
            subscriber_ = SubscriberState::None;
            return;
        }
        sendSubscriberJoin(out, nowMs);
        return;
    case Purpose::Destroy:
        closeLocally(out);
        return;
    default:
        // A plugin message answered synchronously: read it as its event.
        if (!reply.pluginData.is_null()) {
            onEvent(out, &pending, reply, nowMs);
        }
        return;
    }
}

void JanusClient::onError(Output& out, const Pending& pending, const Reply& reply,
                          std::uint64_t nowMs) {
    Error error = makeError(ErrorCode::SfuRefused,
                            Text(TextId::SfuRefused, {purposeName(pending.purpose),
                                                      reply.errorReason, reply.errorCode}));
    // 458: no such session (janus.h JANUS_ERROR_SESSION_NOT_FOUND).
    if (reply.errorCode == 458) {
        giveUp(out, ClientEventKind::JanusGone,
               makeError(ErrorCode::SfuUnavailable, Text(TextId::SfuSessionLost)), nowMs);
        return;
    }
    if (state_ == ClientState::Closing) {
        if (pending.purpose == Purpose::Destroy) {
            closeLocally(out);
        }
        return;
    }
    fail(out, ClientEventKind::Error, std::move(error));
    switch (pending.purpose) {
    case Purpose::CreateSession:
    case Purpose::AttachPublisher:
    case Purpose::JoinPublisher:
        teardown(out, nowMs);
        return;
    case Purpose::AttachSubscriber:
    case Purpose::JoinSubscriber:
        subscriber_ = SubscriberState::None;
        toSubscribe_.insert(toSubscribe_.end(), subscribed_.begin(), subscribed_.end());
        subscribed_.clear();
        return;
    case Purpose::Publish:
        publishRequested_ = false;
        return;
    case Purpose::Start:
    case Purpose::Subscribe:
    case Purpose::Unsubscribe:
        subscriber_ = SubscriberState::Ready;
        return;
    default:
        return;
    }
}

void JanusClient::onPluginError(Output& out, Purpose purpose, const Reply& reply,
                                std::uint64_t nowMs) {
    std::int64_t code = integerField(reply.pluginData, "error_code").value_or(0);
    std::string reason = stringField(reply.pluginData, "error").value_or(std::string());
    fail(out, ClientEventKind::Error,
         makeError(ErrorCode::SfuRefused,
                   Text(TextId::SfuRefused, {purposeName(purpose), reason, code})));
    switch (purpose) {
    case Purpose::JoinPublisher:
        teardown(out, nowMs);
        return;
    case Purpose::JoinSubscriber:
        // The handle stays attached; the feeds wait for the next subscription attempt.
        subscriber_ = SubscriberState::Ready;
        toSubscribe_.insert(toSubscribe_.end(), subscribed_.begin(), subscribed_.end());
        subscribed_.clear();
        return;
    case Purpose::Publish:
        publishRequested_ = false;
        return;
    case Purpose::Start:
    case Purpose::Subscribe:
    case Purpose::Unsubscribe:
        subscriber_ = SubscriberState::Ready;
        flushSubscriptions(out, nowMs);
        return;
    default:
        return;
    }
}

void JanusClient::onEvent(Output& out, const Pending* pending, const Reply& reply,
                          std::uint64_t nowMs) {
    const nlohmann::json& data = reply.pluginData;
    if (member(data, "error_code")) {
        onPluginError(out, pending ? pending->purpose : Purpose::Leave, reply, nowMs);
        return;
    }
    std::string videoroom = stringField(data, "videoroom").value_or(std::string());
    Purpose purpose = pending ? pending->purpose : Purpose::Keepalive;
    bool fromSubscriber = pending
                              ? (purpose == Purpose::JoinSubscriber || purpose == Purpose::Start ||
                                 purpose == Purpose::Subscribe || purpose == Purpose::Unsubscribe)
                              : (reply.sender != 0 && reply.sender == subscriberHandle_);
    if (state_ == ClientState::Closing) {
        return;
    }
    if (purpose == Purpose::JoinPublisher) {
        if (videoroom != "joined") {
            dropped(out, makeError(ErrorCode::InvalidField,
                                   Text(TextId::SfuFrameMissingField, {"event", "videoroom"})));
            teardown(out, nowMs);
            return;
        }
        std::optional<std::uint64_t> id = unsignedField(data, "id");
        std::optional<std::uint64_t> privateId = unsignedField(data, "private_id");
        if (!id || !privateId) {
            dropped(out, makeError(ErrorCode::InvalidField,
                                   Text(TextId::SfuFrameMissingField, {"event", "id"})));
            teardown(out, nowMs);
            return;
        }
        ownFeed_ = *id;
        privateId_ = *privateId;
        roster_.setOwnFeed(ownFeed_);
        state_ = ClientState::Joined;
        rejoinPauseMs_ = config_.rejoinFirstPauseMs;
        ClientEvent joined = event(ClientEventKind::Joined);
        joined.feed = Feed{ownFeed_, request_.display, {}};
        out.events.push_back(std::move(joined));
        applyRoster(out, data, nowMs);
        return;
    }
    if (state_ != ClientState::Joined) {
        dropped(out, makeError(ErrorCode::InvalidState,
                               Text(TextId::SfuFrameUnexpected, {replyKindName(reply.kind)})));
        return;
    }
    if (purpose == Purpose::Publish) {
        if (!reply.jsep || reply.jsep->type != "answer") {
            dropped(out, makeError(ErrorCode::InvalidField,
                                   Text(TextId::SfuFrameMissingField, {"event", "jsep"})));
            publishRequested_ = false;
            return;
        }
        published_ = true;
        publishRequested_ = false; // the next offer may go
        ClientEvent answer = event(ClientEventKind::LocalAnswer);
        answer.sdp = reply.jsep->sdp;
        out.events.push_back(std::move(answer));
        out.events.push_back(event(ClientEventKind::PublishingStarted));
        applyRoster(out, data, nowMs);
        return;
    }
    if (fromSubscriber) {
        if (reply.jsep && reply.jsep->type == "offer") {
            // "attached" after the join, "updated" after an update or when Janus renegotiates.
            subscriber_ = SubscriberState::AwaitingAnswer;
            ClientEvent offer = event(ClientEventKind::RemoteOffer);
            offer.streams = offeredStreams(data);
            offer.sdp = withStreamIds(reply.jsep->sdp, offer.streams);
            out.events.push_back(std::move(offer));
            return;
        }
        // {"videoroom":"event","started":"ok"} after start; "updated" without a new offer.
        if (stringField(data, "started").value_or(std::string()) == "ok" ||
            videoroom == "updated") {
            subscriber_ = SubscriberState::Ready;
            flushSubscriptions(out, nowMs);
        }
        return;
    }
    applyRoster(out, data, nowMs);
}

bool JanusClient::wanted(const Feed& feed) const {
    switch (request_.receiveFrom) {
    case ReceiveFrom::Everyone:
        return true;
    case ReceiveFrom::OneUser:
        return feed.display == request_.receiveUser;
    case ReceiveFrom::Nobody:
        return false;
    }
    return false;
}

void JanusClient::applyRoster(Output& out, const nlohmann::json& data, std::uint64_t nowMs) {
    RosterChange change = roster_.apply(data);
    for (std::uint64_t id : change.refused) {
        fail(out, ClientEventKind::Error,
             makeError(ErrorCode::RoomFull, Text(TextId::SfuTooManyFeeds, {id, config_.maxFeeds})));
    }
    for (Feed& feed : change.removed) {
        if (contains(subscribed_, feed.id)) {
            toUnsubscribe_.push_back(feed.id);
        }
        erase(toSubscribe_, feed.id);
        ClientEvent removed = event(ClientEventKind::FeedRemoved);
        removed.feed = std::move(feed);
        out.events.push_back(std::move(removed));
    }
    for (FeedStream& stream : change.streamsAdded) {
        // A feed waiting in toSubscribe_ gets all its lines anyway.
        if (contains(subscribed_, stream.feed)) {
            toSubscribeStreams_.push_back(std::move(stream));
        }
    }
    for (Feed& feed : change.added) {
        if (wanted(feed)) {
            toSubscribe_.push_back(feed.id);
        }
        ClientEvent added = event(ClientEventKind::FeedAdded);
        added.feed = std::move(feed);
        out.events.push_back(std::move(added));
    }
    flushSubscriptions(out, nowMs);
}

void JanusClient::sendSubscriberJoin(Output& out, std::uint64_t nowMs) {
    subscriber_ = SubscriberState::Joining;
    subscribed_ = std::move(toSubscribe_);
    toSubscribe_.clear();
    nlohmann::json body = nlohmann::json::object();
    body["request"] = "join";
    body["ptype"] = "subscriber";
    body["room"] = request_.room;
    body["streams"] = streamsOf(subscribed_);
    body["private_id"] = privateId_;
    if (!request_.pin.empty()) {
        body["pin"] = request_.pin;
    }
    out.frames.push_back(
        encodeMessage(open(Purpose::JoinSubscriber, nowMs), session_, subscriberHandle_, body));
}

// Sends what the roster changed to the subscriber handle, one request at a time: the first
// feed attaches the handle; later changes go in one "update" once the handle is idle.
void JanusClient::flushSubscriptions(Output& out, std::uint64_t nowMs) {
    if (state_ != ClientState::Joined) {
        return;
    }
    if (subscriber_ == SubscriberState::None) {
        toUnsubscribe_.clear();
        if (!toSubscribe_.empty()) {
            subscriber_ = SubscriberState::Attaching;
            out.frames.push_back(encodeAttach(open(Purpose::AttachSubscriber, nowMs), session_));
        }
        return;
    }
    if (subscriber_ != SubscriberState::Ready) {
        return;
    }
    for (auto it = toSubscribeStreams_.begin(); it != toSubscribeStreams_.end();) {
        // A line of a feed that left meanwhile is not asked for.
        it = contains(subscribed_, it->feed) && !contains(toUnsubscribe_, it->feed)
                 ? it + 1
                 : toSubscribeStreams_.erase(it);
    }
    if (toSubscribe_.empty() && toUnsubscribe_.empty() && toSubscribeStreams_.empty()) {
        return;
    }
    nlohmann::json body = nlohmann::json::object();
    body["request"] = "update";
    if (!toSubscribe_.empty() || !toSubscribeStreams_.empty()) {
        nlohmann::json subscribe = streamsOf(toSubscribe_);
        for (const FeedStream& stream : toSubscribeStreams_) {
            subscribe.push_back({{"feed", stream.feed}, {"mid", stream.mid}});
        }
        body["subscribe"] = std::move(subscribe);
    }
    if (!toUnsubscribe_.empty()) {
        body["unsubscribe"] = streamsOf(toUnsubscribe_);
    }
    for (std::uint64_t id : toUnsubscribe_) {
        erase(subscribed_, id);
    }
    subscribed_.insert(subscribed_.end(), toSubscribe_.begin(), toSubscribe_.end());
    toSubscribe_.clear();
    toUnsubscribe_.clear();
    toSubscribeStreams_.clear();
    subscriber_ = SubscriberState::Updating;
    out.frames.push_back(
        encodeMessage(open(Purpose::Subscribe, nowMs), session_, subscriberHandle_, body));
}

} // namespace rtcmc::sfu
