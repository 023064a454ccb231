// embind surface of the Janus client (src/sfu/janus_client.hpp), one per page in an SFU room.
// web/sfu/sfu-driver.js is the only caller: it carries the frames over the signaling server
// (which forwards them to Janus, docs/sfu-broker.md) and owns the two peer connections.
// bindings/handles.js wraps the handle functions as Module.SfuClient.
//
// Each call answers one JSON text, {"frames": [text...], "events": [...]}: Janus frames are
// JSON anyway, and calls come at signaling rate, so one string crossing is simpler and smaller
// than a value_object per event. Times are JS numbers (ms).
#include <emscripten/bind.h>

#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "common/json_text.hpp"
#include "handle_table.hpp"

#include "sfu/janus_client.hpp"
#include "sfu/json_fields.hpp"

namespace rtcmc {
namespace {

using emscripten::function;
using nlohmann::json;
using sfu::ClientEventKind;
using sfu::JanusClient;

HandleTable<JanusClient>& clients() {
    static HandleTable<JanusClient> table;
    return table;
}

const char* kindName(ClientEventKind kind) {
    switch (kind) {
    case ClientEventKind::Joined:
        return "joined";
    case ClientEventKind::FeedAdded:
        return "feed-added";
    case ClientEventKind::FeedRemoved:
        return "feed-removed";
    case ClientEventKind::RemoteOffer:
        return "remote-offer";
    case ClientEventKind::LocalAnswer:
        return "local-answer";
    case ClientEventKind::PublishingStarted:
        return "publishing";
    case ClientEventKind::Error:
        return "error";
    case ClientEventKind::FrameDropped:
        return "frame-dropped";
    case ClientEventKind::JanusGone:
        return "janus-gone";
    case ClientEventKind::SessionTimedOut:
        return "session-timed-out";
    case ClientEventKind::Left:
        return "left";
    }
    return "error";
}

// Feed ids are 53-bit or wider; JS gets them as decimal strings so that none is rounded.
json feedOf(const sfu::Feed& feed) {
    return json{{"id", std::to_string(feed.id)}, {"display", feed.display}};
}

std::string toJs(const sfu::Output& output) {
    json events = json::array();
    for (const sfu::ClientEvent& event : output.events) {
        json entry{{"kind", kindName(event.kind)}, {"feed", feedOf(event.feed)}};
        if (!event.sdp.empty()) {
            entry["sdp"] = event.sdp;
        }
        if (!event.streams.empty()) {
            json streams = json::array();
            for (const sfu::OfferedStream& stream : event.streams) {
                streams.push_back(json{{"mid", stream.mid},
                                       {"feed", feedOf(stream.feed)},
                                       {"type", stream.type},
                                       {"streamid", stream.streamid}});
            }
            entry["streams"] = std::move(streams);
        }
        if (event.error) {
            entry["code"] = errorCodeName(event.error->code);
            entry["text"] = event.error->text.toJson();
        }
        events.push_back(std::move(entry));
    }
    return writeJson(json{{"frames", output.frames}, {"events", std::move(events)}});
}

std::uint64_t ms(double now) {
    return now > 0 ? static_cast<std::uint64_t>(now) : 0;
}

sfu::HandleRole roleOf(int role) {
    return role == 1 ? sfu::HandleRole::Subscriber : sfu::HandleRole::Publisher;
}

int createClient() {
    return clients().add(std::make_unique<JanusClient>());
}

void deleteClient(int handle) {
    clients().remove(handle);
}

// join: {"room": n, "display": userid, "publisher": bool, "receiveFrom": "everyone" |
// "owner" | "nobody", "owner": userid}: the engine's sfuPlan() with our userid.
std::string join(int handle, const std::string& requestJson, double now) {
    JanusClient* client = clients().get(handle);
    if (!client) {
        return toJs({});
    }
    // Read defensively: a mistyped field reads as absent (value() would throw, and the wasm
    // build has no exceptions).
    const json request = parseJson(requestJson);
    sfu::JoinRequest join;
    join.room = sfu::unsignedField(request, "room").value_or(0);
    join.display = sfu::stringField(request, "display").value_or("");
    const json* publisher = sfu::member(request, "publisher");
    join.publisher = !(publisher && publisher->is_boolean() && !publisher->get<bool>());
    const std::string from = sfu::stringField(request, "receiveFrom").value_or("everyone");
    if (from == "owner") {
        join.receiveFrom = sfu::ReceiveFrom::OneUser;
        join.receiveUser = sfu::stringField(request, "owner").value_or("");
    } else if (from == "nobody") {
        join.receiveFrom = sfu::ReceiveFrom::Nobody;
    }
    return toJs(client->join(join, ms(now)));
}

// The calls with one string: 0 publish(offer), 1 answer(answer), 2 receive(frame),
// 3 trickle publisher (candidate JSON, "" = completed), 4 trickle subscriber.
std::string callWithText(int handle, int op, const std::string& text, double now) {
    JanusClient* client = clients().get(handle);
    if (!client) {
        return toJs({});
    }
    switch (op) {
    case 0:
        return toJs(client->publish(text, ms(now)));
    case 1:
        return toJs(client->answerSubscription(text, ms(now)));
    case 2:
        return toJs(client->receive(text, ms(now)));
    case 3:
    case 4: {
        const sfu::HandleRole role = roleOf(op - 3);
        if (text.empty()) {
            return toJs(client->trickleCompleted(role, ms(now)));
        }
        return toJs(client->trickle(role, parseJson(text), ms(now)));
    }
    default:
        return toJs({});
    }
}

// 0 tick, 1 leave, 2 the server has its Janus again ("back"), 3 it lost it ("gone").
std::string call(int handle, int op, double now) {
    JanusClient* client = clients().get(handle);
    if (!client) {
        return toJs({});
    }
    switch (op) {
    case 1:
        return toJs(client->leave(ms(now)));
    case 2:
    case 3:
        return toJs(client->serverStatus(op == 2, ms(now)));
    default:
        return toJs(client->tick(ms(now)));
    }
}

} // namespace

EMSCRIPTEN_BINDINGS(rtcmc_sfu) {
    function("_sfuClientCreate", &createClient);
    function("_sfuClientDelete", &deleteClient);
    function("_sfuClientJoin", &join);
    function("_sfuClientText", &callWithText);
    function("_sfuClientCall", &call);
#ifndef RTCMC_PAGE_BUILD
    function(
        "_sfuClientLive", +[]() { return clients().live(); });
#endif
}

} // namespace rtcmc
