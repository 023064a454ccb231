// embind surface of the engine and its value types. The JS facade (web/) is the only caller:
// it owns every Engine it creates and deletes it in leave()/close(). Engines are reached by
// integer handles (handle_table.hpp); bindings/handles.js wraps them as Module.Engine.
//
// The boundary is typed (engine/event.hpp, engine/action.hpp): one Event in, Actions out, their
// kinds as enums. Times cross as JS numbers (milliseconds, double) because 3.1.6's embind has
// no uint64 without BigInt.
#include <emscripten/bind.h>

#include <nlohmann/json.hpp>

#include "common/json_text.hpp"
#include "compact_value_object.hpp"
#include "engine_handles.hpp"
#include "enum_as_number.hpp"
#include "handle_table.hpp"

#include "engine/engine.hpp"
#include "engine/event.hpp"
#include "protocol/codec.hpp"
#include "session/direction.hpp"
#include "session/sdp_bandwidth.hpp"
#include "session/session_type.hpp"

namespace rtcmc {

HandleTable<Engine>& engines() {
    static HandleTable<Engine> table;
    return table;
}

namespace {

using emscripten::function;

// The actions of one event as a plain JS array of Action objects (value_object below): no
// embind handle for the facade to delete. Arrays are filled with set(i), not call("push"):
// embind caches each method caller in a thread_local variable, and once the core's JSON code
// changed (issue 11) wasm-ld refused those in this build without atomics ("'atomics' feature
// must be used in order to use thread-local storage"). set(i) needs no caller, and is smaller.
emscripten::val toJs(const Actions& actions) {
    emscripten::val list = emscripten::val::array();
    for (std::size_t i = 0; i < actions.size(); ++i) {
        list.set(i, emscripten::val(actions[i]));
    }
    return list;
}

int createEngine(const EngineConfig& config) {
    return engines().add(std::make_unique<Engine>(config));
}

void deleteEngine(int handle) {
    engines().remove(handle);
}

void configureEngine(int handle, const EngineConfig& config) {
    if (Engine* engine = engines().get(handle)) {
        engine->configure(config);
    }
}

SessionState engineState(int handle) {
    const Engine* engine = engines().get(handle);
    return engine ? engine->state() : SessionState::Closed;
}

bool engineIsOwner(int handle) {
    const Engine* engine = engines().get(handle);
    return engine && engine->isOwner();
}

emscripten::val handleEvent(int engineHandle, const Event& event) {
    Engine* engine = engines().get(engineHandle);
    return engine ? toJs(handle(*engine, event)) : emscripten::val::array();
}

emscripten::val linkedPeers(int handle) {
    emscripten::val list = emscripten::val::array();
    const Engine* engine = engines().get(handle);
    if (!engine) {
        return list;
    }
    const std::vector<std::string> peers = engine->linkedPeers();
    for (std::size_t i = 0; i < peers.size(); ++i) {
        list.set(i, peers[i]);
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
        return SessionParse{false,
                            {},
                            {},
                            errorCodeName(parsed.error().code),
                            writeJson(parsed.error().text.toJson())};
    }
    return SessionParse{true, parsed.value(), toString(parsed.value()), {}, {}};
}

SessionParse checkSessionObject(const SessionType& session) {
    Result<SessionType> valid = validateSession(session);
    if (!valid) {
        return SessionParse{false,
                            {},
                            {},
                            errorCodeName(valid.error().code),
                            writeJson(valid.error().text.toJson())};
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
                              writeJson(parsed.error().text.toJson())};
    }
    return DirectionParse{true, parsed.value(), toString(parsed.value()), {}, {}};
}

std::string directionName(Direction direction) {
    return toString(direction);
}

// The room as this engine sees it: {"roomid","owner","members":[{userid,extra,joinedAs}]}.
std::string roomSnapshot(int handle) {
    const Engine* engine = engines().get(handle);
    if (!engine || !engine->room()) {
        return "null";
    }
    const Room& room = *engine->room();
    nlohmann::json members = nlohmann::json::array();
    for (const Member& member : room.members()) {
        Result<nlohmann::json> extra = protocol::parseExtra(member.extra);
        members.push_back({{"userid", member.userid},
                           {"extra", extra ? extra.value() : nlohmann::json::object()},
                           {"joinedAs", protocol::sessionToJson(member.joinedAs)}});
    }
    return writeJson(nlohmann::json{{"roomid", room.id()},
                                    {"owner", room.owner()},
                                    {"members", members},
                                    {"session", toString(room.policy().session)},
                                    {"direction", toString(room.policy().direction)},
                                    {"isFull", room.isFull()}});
}

} // namespace

EMSCRIPTEN_BINDINGS(rtcmc_engine) {
    // Numbers in JS; their names are Module.SessionState etc. (scripts/generate-enums.mjs).
    registerEnumAsNumber<SessionState>("SessionState");
    registerEnumAsNumber<PeerState>("PeerState");
    registerEnumAsNumber<RoomAuthority>("RoomAuthority");
    registerEnumAsNumber<Direction>("Direction");

    compact_value_object<SessionType>("SessionType")
        .field("audio", &SessionType::audio)
        .field("video", &SessionType::video)
        .field("screen", &SessionType::screen)
        .field("data", &SessionType::data)
        .field("oneway", &SessionType::oneway)
        .field("broadcast", &SessionType::broadcast);

    compact_value_object<SessionParse>("SessionParse")
        .field("ok", &SessionParse::ok)
        .field("session", &SessionParse::session)
        .field("canonical", &SessionParse::canonical)
        .field("code", &SessionParse::code)
        .field("text", &SessionParse::text);

    compact_value_object<DirectionParse>("DirectionParse")
        .field("ok", &DirectionParse::ok)
        .field("direction", &DirectionParse::direction)
        .field("canonical", &DirectionParse::canonical)
        .field("code", &DirectionParse::code)
        .field("text", &DirectionParse::text);

    compact_value_object<EngineConfig>("EngineConfig")
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
        .field("dontAttachStream", &EngineConfig::dontAttachStream)
        .field("captureMediaOnDemand", &EngineConfig::captureMediaOnDemand)
        .field("offerToReceiveAudio", &EngineConfig::offerToReceiveAudio)
        .field("offerToReceiveVideo", &EngineConfig::offerToReceiveVideo)
        .field("candidateHost", &EngineConfig::candidateHost)
        .field("candidateReflexive", &EngineConfig::candidateReflexive)
        .field("candidateRelay", &EngineConfig::candidateRelay)
        .field("trickleIce", &EngineConfig::trickleIce)
        .field("autoRedialOnFailure", &EngineConfig::autoRedialOnFailure)
        .field("iceRestartDelayMs", &EngineConfig::iceRestartDelayMs)
        .field("iceRestartTimeoutMs", &EngineConfig::iceRestartTimeoutMs)
        .field("maxIceRestarts", &EngineConfig::maxIceRestarts)
        .field("sfu", &EngineConfig::sfu)
        .field("sfuBitrate", &EngineConfig::sfuBitrate);

    compact_value_object<Bandwidth>("Bandwidth")
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
#ifndef RTCMC_PAGE_BUILD
    // The number of sentences in common/texts.def: web/generated/core-texts.js must have as many.
    function(
        "textCount", +[]() { return static_cast<unsigned>(TextId::Count); });
#endif

    registerEnumAsNumber<ActionKind>("ActionKind");
    registerEnumAsNumber<PageEvent>("PageEvent");
    registerEnumAsNumber<EventKind>("EventKind");

    compact_value_object<Action>("Action")
        .field("kind", &Action::kind)
        .field("peer", &Action::peer)
        .field("event", &Action::event)
        .field("name", &Action::name)
        .field("text", &Action::text)
        .field("media", &Action::media)
        .field("receive", &Action::receive)
        .field("offerer", &Action::offerer)
        .field("data", &Action::data)
        .field("trickle", &Action::trickle)
        .field("at", &Action::at)
        .field("index", &Action::index);

    compact_value_object<Event>("Event")
        .field("kind", &Event::kind)
        .field("peer", &Event::peer)
        .field("id", &Event::id)
        .field("name", &Event::name)
        .field("text", &Event::text)
        .field("body", &Event::body)
        .field("media", &Event::media)
        .field("flag", &Event::flag)
        .field("state", &Event::state)
        .field("index", &Event::index)
        .field("now", &Event::now);

    // The engine is reached through handle(Event) only (engine/event.hpp); the rest are
    // read-only views for the facade. bindings/handles.js makes these Module.Engine's methods.
    function("_engineCreate", &createEngine);
    function("_engineDelete", &deleteEngine);
    function("_engineConfigure", &configureEngine);
    function("_engineState", &engineState);
    function("_engineIsOwner", &engineIsOwner);
    function("_engineLinkedPeers", &linkedPeers);
    function("_engineRoomSnapshot", &roomSnapshot);
    function("_engineHandle", &handleEvent);
#ifndef RTCMC_PAGE_BUILD
    // Engines not yet delete()d: the Jest suite checks that the facade leaks none.
    function(
        "_engineLive", +[]() { return engines().live(); });
#endif
}

} // namespace rtcmc
