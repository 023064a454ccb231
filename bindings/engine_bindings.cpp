// embind surface of the engine and its value types. The JS facade (web/) is the only caller:
// it owns every Engine it creates and deletes it in leave()/close().
//
// Times cross as JS numbers (milliseconds, double) because 3.1.6's embind has no uint64 without
// BigInt; every action's payload crosses as JSON text, which the facade parses once.
#include <emscripten/bind.h>

#include <nlohmann/json.hpp>

#include "engine/engine.hpp"
#include "protocol/codec.hpp"
#include "session/direction.hpp"
#include "session/sdp_bandwidth.hpp"
#include "session/session_type.hpp"

namespace rtcmc {
namespace {

using emscripten::class_;
using emscripten::enum_;
using emscripten::function;
using emscripten::value_object;

std::uint64_t toMs(double nowMs) {
    return nowMs > 0 ? static_cast<std::uint64_t>(nowMs) : 0;
}

// Actions cross as a plain JS array of {kind, peer, name, payload} objects (kind is the
// action's wire name, e.g. "send-signal"): no embind handle for the facade to delete.
emscripten::val toJs(const Actions& actions) {
    emscripten::val list = emscripten::val::array();
    for (const Action& action : actions) {
        emscripten::val item = emscripten::val::object();
        item.set("kind", std::string(toString(action.kind)));
        item.set("peer", action.peer);
        item.set("name", action.name);
        item.set("payload", action.payload);
        list.call<void>("push", item);
    }
    return list;
}

// Wraps an Engine member function so that its Actions come back as a JS array:
// JS_ACTIONS(leave) is a free function (Engine&, args...) -> val that embind can bind.
template <typename Method> struct ActionsMethod;
template <typename... Args> struct ActionsMethod<Actions (Engine::*)(Args...)> {
    template <Actions (Engine::*Method)(Args...)>
    static emscripten::val call(Engine& engine, Args... args) {
        return toJs((engine.*Method)(args...));
    }
};
#define JS_ACTIONS(method) &ActionsMethod<decltype(&Engine::method)>::template call<&Engine::method>

emscripten::val linkedPeers(const Engine& engine) {
    emscripten::val list = emscripten::val::array();
    for (const std::string& peer : engine.linkedPeers()) {
        list.call<void>("push", peer);
    }
    return list;
}

// Parse results as plain values: JS turns !ok into a coded Error. `text` is the error's Text as
// JSON ([[textId, args...], ...]), worded by web/errors.js.
struct SessionParse {
    bool ok = false;
    SessionType session;
    std::string canonical;
    std::string code;
    std::string text;
};

struct DirectionParse {
    bool ok = false;
    Direction direction = Direction::ManyToMany;
    std::string canonical;
    std::string code;
    std::string text;
};

SessionParse parseSessionText(const std::string& text) {
    Result<SessionType> parsed = parseSession(text);
    if (!parsed) {
        return SessionParse{
            false, {}, {}, errorCodeName(parsed.error().code), parsed.error().text.toJson().dump()};
    }
    return SessionParse{true, parsed.value(), toString(parsed.value()), {}, {}};
}

SessionParse checkSessionObject(const SessionType& session) {
    Result<SessionType> valid = validateSession(session);
    if (!valid) {
        return SessionParse{
            false, {}, {}, errorCodeName(valid.error().code), valid.error().text.toJson().dump()};
    }
    return SessionParse{true, valid.value(), toString(valid.value()), {}, {}};
}

DirectionParse parseDirectionText(const std::string& text) {
    Result<Direction> parsed = parseDirection(text);
    if (!parsed) {
        return DirectionParse{false,
                              Direction::ManyToMany,
                              {},
                              errorCodeName(parsed.error().code),
                              parsed.error().text.toJson().dump()};
    }
    return DirectionParse{true, parsed.value(), toString(parsed.value()), {}, {}};
}

std::string directionName(Direction direction) {
    return toString(direction);
}

// The room as this engine sees it: {"roomid","owner","members":[{userid,extra,joinedAs}]}.
std::string roomSnapshot(const Engine& engine) {
    if (!engine.room()) {
        return "null";
    }
    const Room& room = *engine.room();
    nlohmann::json members = nlohmann::json::array();
    for (const Member& member : room.members()) {
        Result<nlohmann::json> extra = protocol::parseExtra(member.extra);
        members.push_back({{"userid", member.userid},
                           {"extra", extra ? extra.value() : nlohmann::json::object()},
                           {"joinedAs", protocol::sessionToJson(member.joinedAs)}});
    }
    return nlohmann::json{{"roomid", room.id()},
                          {"owner", room.owner()},
                          {"members", members},
                          {"session", toString(room.policy().session)},
                          {"direction", toString(room.policy().direction)},
                          {"isFull", room.isFull()}}
        .dump();
}

} // namespace

EMSCRIPTEN_BINDINGS(rtcmc_engine) {
    enum_<SessionState>("SessionState")
        .value("Idle", SessionState::Idle)
        .value("Opening", SessionState::Opening)
        .value("Open", SessionState::Open)
        .value("Searching", SessionState::Searching)
        .value("Joining", SessionState::Joining)
        .value("Joined", SessionState::Joined)
        .value("Left", SessionState::Left)
        .value("Ejected", SessionState::Ejected)
        .value("Closed", SessionState::Closed);

    enum_<PeerState>("PeerState")
        .value("Connecting", PeerState::Connecting)
        .value("Connected", PeerState::Connected)
        .value("Disconnected", PeerState::Disconnected)
        .value("Failed", PeerState::Failed)
        .value("Closed", PeerState::Closed);

    enum_<RoomAuthority>("RoomAuthority")
        .value("Owner", RoomAuthority::Owner)
        .value("Server", RoomAuthority::Server);

    enum_<Direction>("Direction")
        .value("ManyToMany", Direction::ManyToMany)
        .value("OneToMany", Direction::OneToMany)
        .value("OneToOne", Direction::OneToOne)
        .value("OneWay", Direction::OneWay);

    value_object<SessionType>("SessionType")
        .field("audio", &SessionType::audio)
        .field("video", &SessionType::video)
        .field("screen", &SessionType::screen)
        .field("data", &SessionType::data)
        .field("oneway", &SessionType::oneway)
        .field("broadcast", &SessionType::broadcast);

    value_object<SessionParse>("SessionParse")
        .field("ok", &SessionParse::ok)
        .field("session", &SessionParse::session)
        .field("canonical", &SessionParse::canonical)
        .field("code", &SessionParse::code)
        .field("text", &SessionParse::text);

    value_object<DirectionParse>("DirectionParse")
        .field("ok", &DirectionParse::ok)
        .field("direction", &DirectionParse::direction)
        .field("canonical", &DirectionParse::canonical)
        .field("code", &DirectionParse::code)
        .field("text", &DirectionParse::text);

    value_object<EngineConfig>("EngineConfig")
        .field("authority", &EngineConfig::authority)
        .field("userid", &EngineConfig::userid)
        .field("channel", &EngineConfig::channel)
        .field("session", &EngineConfig::session)
        .field("direction", &EngineConfig::direction)
        .field("extra", &EngineConfig::extra)
        .field("maxParticipantsAllowed", &EngineConfig::maxParticipantsAllowed)
        .field("autoCloseEntireSession", &EngineConfig::autoCloseEntireSession)
        .field("announceIntervalMs", &EngineConfig::announceIntervalMs)
        .field("presenceTimeoutMs", &EngineConfig::presenceTimeoutMs)
        .field("password", &EngineConfig::password)
        .field("autoJoin", &EngineConfig::autoJoin)
        .field("dontAttachStream", &EngineConfig::dontAttachStream);

    value_object<Bandwidth>("Bandwidth")
        .field("audio", &Bandwidth::audio)
        .field("video", &Bandwidth::video)
        .field("data", &Bandwidth::data);
    function("applyBandwidth",
             emscripten::optional_override([](const std::string& sdp, const Bandwidth& bandwidth) {
                 return applyBandwidth(sdp, bandwidth);
             }));
    function("parseSession", &parseSessionText);
    function("checkSessionObject", &checkSessionObject);
    function("parseDirection", &parseDirectionText);
    function("directionName", &directionName);
    // The number of sentences in common/texts.def: web/generated/core-texts.js must have as many.
    function("textCount", +[]() { return static_cast<unsigned>(TextId::Count); });

    class_<Engine>("Engine")
        .constructor<EngineConfig>()
        .function("configure", &Engine::configure)
        .function("state", &Engine::state)
        .function("isOwner", &Engine::isOwner)
        .function("linkedPeers", &linkedPeers)
        .function("roomSnapshot", &roomSnapshot)
        .function("open", emscripten::optional_override(
                              [](Engine& engine, const std::string& room, double now) {
                                  return toJs(engine.open(room, toMs(now)));
                              }))
        .function("connect", emscripten::optional_override(
                                 [](Engine& engine, const std::string& room, double now) {
                                     return toJs(engine.connect(room, toMs(now)));
                                 }))
        .function("join", emscripten::optional_override([](Engine& engine, const std::string& room,
                                                           bool hasJoinAs,
                                                           const SessionType& joinAs, double now) {
                      return toJs(engine.join(
                          room, hasJoinAs ? std::optional<SessionType>(joinAs) : std::nullopt,
                          toMs(now)));
                  }))
        .function("leave", JS_ACTIONS(leave))
        .function("eject", JS_ACTIONS(eject))
        .function("updateExtra", JS_ACTIONS(updateExtra))
        .function("checkPresence", emscripten::optional_override(
                                       [](Engine& engine, const std::string& room, double now) {
                                           return toJs(engine.checkPresence(room, toMs(now)));
                                       }))
        .function("donotJoin", JS_ACTIONS(donotJoin))
        .function("setMuted", JS_ACTIONS(setMuted))
        .function("endStream", JS_ACTIONS(endStream))
        .function("addStream", JS_ACTIONS(addStream))
        .function("tick", emscripten::optional_override([](Engine& engine, double now) {
                      return toJs(engine.tick(toMs(now)));
                  }))
        .function("localMediaReady", emscripten::optional_override([](Engine& engine, double now) {
                      return toJs(engine.localMediaReady(toMs(now)));
                  }))
        .function("localMediaFailed", JS_ACTIONS(localMediaFailed))
        .function("peerStateChanged",
                  emscripten::optional_override(
                      [](Engine& engine, const std::string& peer, PeerState state, double now) {
                          return toJs(engine.peerStateChanged(peer, state, toMs(now)));
                      }))
        .function("dataChannelOpened", JS_ACTIONS(dataChannelOpened))
        .function("dataChannelClosed", JS_ACTIONS(dataChannelClosed))
        .function("localDescription", JS_ACTIONS(localDescription))
        .function("localCandidate", JS_ACTIONS(localCandidate))
        .function("remoteStreamAdded", JS_ACTIONS(remoteStreamAdded))
        .function("remoteStreamRemoved", JS_ACTIONS(remoteStreamRemoved))
        .function("serverReply",
                  emscripten::optional_override([](Engine& engine, const std::string& request,
                                                   const std::string& asked,
                                                   const std::string& reply, double now) {
                      return toJs(engine.serverReply(request, asked, reply, toMs(now)));
                  }))
        .function("serverEvent",
                  emscripten::optional_override([](Engine& engine, const std::string& event,
                                                   const std::string& payload, double now) {
                      return toJs(engine.serverEvent(event, payload, toMs(now)));
                  }))
        .function("receiveSignal",
                  emscripten::optional_override([](Engine& engine, const std::string& text,
                                                   const std::string& verifiedFrom, double now) {
                      return toJs(engine.receiveSignal(text, verifiedFrom, toMs(now)));
                  }));
}

} // namespace rtcmc
