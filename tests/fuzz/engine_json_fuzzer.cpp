// libFuzzer target: the engine's one door (Engine::handle, engine/event.hpp) with arbitrary text
// in the signals, server events and replies, browser reports and user calls, in arbitrary states.
// The first input byte picks the room authority and a prelude that brings the engine into one of
// its states with valid traffic (engine_prelude.hpp); then each record is a signal, a server event,
// a server reply, a browser report or a user call.
//
// After every call: the actions are ones the browser side can carry out (engine_checks.hpp), the
// engine's state agrees with its room and links, and no message, server event or browser report
// made the engine attempt a transition its own table forbids (a half-applied change).
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/event.hpp"
#include "support/engine_checks.hpp"
#include "support/engine_inputs.hpp"
#include "support/engine_prelude.hpp"
#include "support/fuzz_check.hpp"
#include "support/fuzz_input.hpp"

namespace rtcmc::fuzz {
namespace {

constexpr PeerState kPeerStates[] = {PeerState::Connecting, PeerState::Connected,
                                     PeerState::Disconnected, PeerState::Failed, PeerState::Closed};

class EngineRun {
public:
    // A copy of the prelude's world: building one replays its valid traffic, which took a
    // fifth of each execution; the 256 worlds are built once (preludeWorld below).
    explicit EngineRun(const PreludeWorld& prelude) : world_(prelude) {}

    void run(const Record& record) {
        const std::string text(record.bytes);
        const std::uint8_t s = record.selector;
        Engine& engine = world_.engine();
        Event event;
        event.now = static_cast<double>(world_.advance(10));
        bool fromOutside = true;
        switch (record.op % kEngineOps) {
        case kSignalOp:
            event.kind = EventKind::Signal;
            event.text = text;
            event.peer = pick(kSenders, s);
            break;
        case kServerEventOp:
            event.kind = EventKind::ServerEvent;
            event.name = pick(kServerEvents, s);
            event.text = text;
            break;
        case kServerReplyOp:
            event.kind = EventKind::ServerReply;
            event.name = pick(kRequests, s);
            event.body = pick(kAsked, s / 16);
            event.text = text;
            break;
        case kBrowserReportOp:
            browserReport(event, s, text);
            break;
        default:
            fromOutside = false;
            userCall(event, s, text);
            break;
        }
        // Through the engine's one door, as the facade calls it (engine/event.hpp).
        const Actions actions = handle(engine, event);
        if (auto problem = actionProblem(engine, actions)) {
            invariantBroken(*problem);
        }
        if (auto problem = coherenceProblem(engine)) {
            invariantBroken(*problem);
        }
        if (fromOutside) {
            if (auto row = illegalTransition(actions)) {
                invariantBroken("input from outside made the engine attempt " + *row + " in " +
                                describeEngine(engine));
            }
        }
    }

private:
    // What a stream carries, from a selector's bits (audio, video, screen, data, oneway).
    static SessionType media(std::uint8_t bits) {
        SessionType session;
        session.audio = bits & 1;
        session.video = bits & 2;
        session.screen = bits & 4;
        session.data = bits & 8;
        session.oneway = bits & 16;
        return session;
    }

    static void browserReport(Event& event, std::uint8_t s, const std::string& text) {
        event.peer = pick(kSenders, s >> 4);
        switch (s % 11) {
        case 0:
            event.kind = EventKind::PeerStateChanged;
            event.state = pick(kPeerStates, s >> 1);
            break;
        case 1:
            event.kind = EventKind::DataChannelOpened;
            break;
        case 2:
            event.kind = EventKind::DataChannelClosed;
            break;
        case 3:
            event.kind = EventKind::MediaReady;
            event.id = text;
            event.media = media(s >> 3);
            break;
        case 4:
            event.kind = EventKind::MediaFailed;
            event.text = text;
            break;
        case 5:
            event.kind = EventKind::LocalDescription;
            event.name = s & 1 ? "offer" : "answer";
            event.text = text;
            break;
        case 6:
            event.kind = EventKind::LocalCandidate;
            event.text = text;
            event.name = s & 1 ? "0" : "";
            event.index = s & 2 ? 0 : -1;
            break;
        case 7:
            event.kind = EventKind::RemoteStreamAdded;
            event.id = text;
            break;
        case 8:
            event.kind = EventKind::RemoteStreamRemoved;
            event.id = text;
            break;
        case 9:
            event.kind = EventKind::StreamAdded;
            event.id = text;
            event.media = media(s >> 3);
            break;
        default:
            event.kind = EventKind::Tick;
            event.now += static_cast<double>(text.size()) * 1000;
            break;
        }
    }

    static void userCall(Event& event, std::uint8_t s, const std::string& text) {
        event.id = s & 0x80 ? text : "room";
        switch (s % 11) {
        case 0:
            event.kind = EventKind::Open;
            break;
        case 1:
            event.kind = EventKind::Connect;
            break;
        case 2:
            event.kind = EventKind::Join;
            event.flag = s & 0x40; // join(id, {audio: true}) and the like
            event.media = media(s >> 2);
            break;
        case 3:
            event.kind = EventKind::Leave;
            break;
        case 4:
            event.kind = EventKind::Eject;
            event.peer = s & 0x40 ? text : "bob";
            break;
        case 5:
            event.kind = EventKind::UpdateExtra;
            event.text = text;
            break;
        case 6:
            event.kind = EventKind::CheckPresence;
            break;
        case 7:
            event.kind = EventKind::DonotJoin;
            break;
        case 8:
            event.kind = EventKind::SetMuted;
            event.id = text;
            event.media.audio = s & 0x10;
            event.media.video = s & 0x20;
            event.flag = s & 0x40;
            break;
        case 9:
            event.kind = EventKind::EndStream;
            event.id = text;
            break;
        default:
            event.kind = EventKind::AddStream;
            event.media = media(s >> 2);
            break;
        }
    }

    PreludeWorld world_;
};

// The world the prelude byte names, built on first use. A prelude is deterministic (it depends
// on its byte only), so a copy behaves as a fresh one.
const PreludeWorld& preludeWorld(std::uint8_t selector) {
    static std::array<std::unique_ptr<PreludeWorld>, 256> worlds;
    std::unique_ptr<PreludeWorld>& world = worlds[selector];
    if (!world) {
        world = std::make_unique<PreludeWorld>(selector);
    }
    return *world;
}

} // namespace
} // namespace rtcmc::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    rtcmc::fuzz::EngineRun run(rtcmc::fuzz::preludeWorld(data[0]));
    rtcmc::fuzz::RecordReader reader(data + 1, size - 1);
    rtcmc::fuzz::Record record;
    while (reader.next(record)) {
        run.run(record);
    }
    return 0;
}
