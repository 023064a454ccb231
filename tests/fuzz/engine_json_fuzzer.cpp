// libFuzzer target: the engine's JSON entry points (receiveSignal, serverEvent, serverReply)
// with arbitrary text, in arbitrary states. The first input byte picks the room authority and a
// prelude that brings the engine into one of its states with valid traffic (engine_prelude.hpp);
// then each record is a signal, a server event, a server reply, a browser report or a user call.
//
// After every call: the actions are ones the browser side can carry out (engine_checks.hpp), the
// engine's state agrees with its room and links, and no message, server event or browser report
// made the engine attempt a transition its own table forbids (a half-applied change).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

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
    explicit EngineRun(std::uint8_t prelude) : world_(prelude) {}

    void run(const Record& record) {
        const std::string text(record.bytes);
        const std::uint8_t s = record.selector;
        Engine& engine = world_.engine();
        const std::uint64_t now = world_.advance(10);
        bool fromOutside = true;
        Actions actions;
        switch (record.op % kEngineOps) {
        case kSignalOp:
            actions = engine.receiveSignal(text, pick(kSenders, s), now);
            break;
        case kServerEventOp:
            actions = engine.serverEvent(pick(kServerEvents, s), text, now);
            break;
        case kServerReplyOp:
            actions = engine.serverReply(pick(kRequests, s), pick(kAsked, s / 16), text, now);
            break;
        case kBrowserReportOp:
            actions = browserReport(engine, s, text, now);
            break;
        default:
            fromOutside = false;
            actions = userCall(engine, s, text, now);
            break;
        }
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
    Actions browserReport(Engine& engine, std::uint8_t s, const std::string& text,
                          std::uint64_t now) {
        const std::string peer = pick(kSenders, s >> 4);
        switch (s % 10) {
        case 0:
            return engine.peerStateChanged(peer, pick(kPeerStates, s >> 1), now);
        case 1:
            return engine.dataChannelOpened(peer);
        case 2:
            return engine.dataChannelClosed(peer);
        case 3:
            return engine.localMediaReady(now);
        case 4:
            return engine.localMediaFailed(text);
        case 5:
            return engine.localDescription(peer, s & 1 ? "offer" : "answer", text, "[]");
        case 6:
            return engine.localCandidate(peer, text);
        case 7:
            return engine.remoteStreamAdded(peer, text);
        case 8:
            return engine.remoteStreamRemoved(peer, text);
        default:
            return engine.tick(now + text.size() * 1000);
        }
    }

    Actions userCall(Engine& engine, std::uint8_t s, const std::string& text, std::uint64_t now) {
        const std::string room = s & 0x80 ? text : "room";
        switch (s % 11) {
        case 0:
            return engine.open(room, now);
        case 1:
            return engine.connect(room, now);
        case 2:
            return engine.join(room, std::nullopt, now);
        case 3:
            return engine.leave();
        case 4:
            return engine.eject(s & 0x40 ? text : "bob");
        case 5:
            return engine.updateExtra(text);
        case 6:
            return engine.checkPresence(room, now);
        case 7:
            return engine.donotJoin(room);
        case 8:
            return engine.setMuted(text, s & 0x10, s & 0x20, s & 0x40);
        case 9:
            return engine.endStream(text);
        default:
            return engine.addStream(defaultSession());
        }
    }

    PreludeWorld world_;
};

} // namespace
} // namespace rtcmc::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    rtcmc::fuzz::EngineRun run(data[0]);
    rtcmc::fuzz::RecordReader reader(data + 1, size - 1);
    rtcmc::fuzz::Record record;
    while (reader.next(record)) {
        run.run(record);
    }
    return 0;
}
