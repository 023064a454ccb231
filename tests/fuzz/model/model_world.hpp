// The model fuzzer's world: 2 to 6 engines, each with a fake browser (peer connections, data
// channels, media capture) and a TransferManager, sharing one signaling path (a pub/sub bus for
// owner authority, or ModelServer with relays for server authority) and one clock. Everything
// that would happen asynchronously waits in a queue until a step makes it happen, so any
// interleaving is one list of steps.
//
// After every step the world checks the invariants that must hold at all times
// (model_invariants.cpp); after a Settle step, and at the end, those that must hold once
// everything settled. The first broken one is kept as the run's violation.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "engine/event.hpp"
#include "model_server.hpp"
#include "model_step.hpp"
#include "transfer/transfer_manager.hpp"

namespace rtcmc::fuzz::model {

// An event of `kind` about `subject` (a room, a stream or a peer, as the kind says), as the
// facade builds it; World::tell() stamps the time.
inline Event eventOf(EventKind kind, const std::string& subject = {}) {
    Event event;
    event.kind = kind;
    switch (kind) {
    case EventKind::Eject:
    case EventKind::PeerStateChanged:
    case EventKind::DataChannelOpened:
    case EventKind::DataChannelClosed:
    case EventKind::LocalDescription:
    case EventKind::LocalCandidate:
        event.peer = subject;
        break;
    default:
        event.id = subject;
        break;
    }
    return event;
}

struct WorldConfig {
    bool serverAuthority = false;
    int users = 2;
    Direction direction = Direction::ManyToMany;
    SessionType session = defaultSession();
    bool autoCloseEntireSession = false;
    std::uint32_t maxParticipantsAllowed = 1000;
    std::string password;               // every user's connection.password ("" = none)
    std::vector<bool> autoJoin;         // per user: connect() joins by itself
    std::vector<bool> dontAttachStream; // per user

    std::string describe() const;
};

struct Violation {
    std::string invariant; // a short name, the same for the same kind of failure
    std::string detail;
};

// A packet in flight on a data channel.
struct DataPacket {
    std::vector<std::uint8_t> bytes;
    bool duplicate = false; // injected again: the receiver must refuse it
    bool corrupted = false; // has a flipped byte (flipping it again would mend it)
};

class World {
public:
    explicit World(WorldConfig config);

    // Carries out one step and checks the invariants. False when the step cannot happen now
    // (nothing to deliver, no such link...): it then changes nothing.
    bool apply(const Step& step);
    // The end of every run: everything settles, everyone leaves, nothing may be left over, and
    // a new session between the first two users still works.
    void finish();

    const std::optional<Violation>& violation() const { return violation_; }
    const WorldConfig& config() const { return config_; }
    // One line per engine, for failure reports.
    std::string describeEngines() const;

    // ---- what can happen now (the generator's view)
    int users() const { return config_.users; }
    bool alive(int user) const { return users_[user].engine != nullptr; }
    const Engine* engine(int user) const { return users_[user].engine.get(); }
    bool hasSignal(int from, int to) const;
    bool serverHasWork(int user) const { return !users_[user].outbound.empty(); }
    bool connectionHasWork(int user) const { return !users_[user].inbound.empty(); }
    // Pending browser reports: (user, peer, report) for each.
    std::vector<Step> pendingReports() const;
    bool hasLink(int user, int peer) const { return users_[user].links.count(peer) > 0; }
    bool dataOpen(int user, int peer) const;
    bool hasData(int from, int to) const;
    bool canDeliverData(int from, int to) const;
    bool canRestart(int user) const;

private:
    struct Link {
        std::uint64_t id = 0;
        std::uint64_t remote = 0; // the far connection whose offer or answer this one took
        bool offerer = false;
        bool data = false;
        bool connecting = false; // the answer landed: connected/open reports are on their way
        bool connected = false;
        bool dataOpen = false;
    };
    struct Task {
        int user = 0;
        int peer = 0;
        Report report = Report::Connected;
        std::uint64_t linkId =
            0;               // the connection it is about; a report for a closed one is dropped
        bool media = false;  // a capture: answered with MediaReady or MediaFailed
        bool adding = false; // addStream's capture: every link renegotiates
        SessionType carries; // a capture's media
    };
    struct Outbound { // from a connection to the server
        enum class Kind { Request, Relay, Disconnect } kind = Kind::Request;
        std::string name;
        std::string payload;
        std::string to;
    };
    struct Incoming {         // an incoming transfer being put back together
        std::size_t sent = 0; // index into sent_
        std::vector<std::uint8_t> bytes;
        std::uint32_t chunkSize = 0;
    };
    struct User {
        std::unique_ptr<Engine> engine;
        EngineConfig config;
        std::map<int, Link> links; // the browser's peer connections
        std::deque<Outbound> outbound;
        std::deque<ServerMessage> inbound;
        std::unique_ptr<transfer::TransferManager> transfers;
        std::map<std::pair<int, std::uint32_t>, Incoming> incoming; // (from, transfer id)
        std::map<std::uint32_t, std::size_t> outgoing;              // transfer id -> sent_
        std::string target;            // the room of the last open/connect/join that started
        std::set<std::string> blocked; // donotJoin()
        // Peers whose link this engine gave up after its ICE restarts (onerror
        // PEER_CONNECTION_FAILED): both stay members, unlinked, until the server or the owner
        // says otherwise (docs/api.md, "Recovery").
        std::set<int> gaveUp;
        int extraVersion = 0;
        int streamsAdded = 0;
        SessionState lastState = SessionState::Idle; // as of the end of the last engine input
    };
    // A transfer as the model knows it, from the sender's call to its end.
    struct Sent {
        int from = 0;
        int to = 0;
        std::uint32_t transferId = 0;
        std::vector<std::uint8_t> bytes;
        std::uint64_t order = 0; // per (from, to), in the order sent
        bool corrupted = false;
        bool received = false;
        bool ended = false; // delivered, failed or aborted at the sender
    };
    enum class Source { Page, Outside };

    // ---- steps (model_world.cpp)
    bool call(const Step& step);
    bool roomInUse(const std::string& roomid) const;
    bool runReport(const Task& task, Report report);
    bool repeatReport(const Step& step);
    void crash(int user);
    void restart(int user);
    void linkFails(int user, int peer);
    void settle(std::uint32_t seed);
    bool settleOnce(std::uint32_t choice);
    void tickAll(std::uint64_t ms);
    void leaveEveryone();

    // ---- the engine's actions (model_actions.cpp)
    // Hands `event` to user's engine through its one door, Engine::handle(), as the facade does.
    Actions tell(int user, Event event);
    // Checks and carries out what `user`'s engine answered to `input` (logged with --trace).
    void run(int user, const Actions& actions, Source source, const std::string& input);
    void perform(int user, const Action& action);
    void closeLink(int user, int peer, bool tellPeer);
    void noticeLater(int user, int peer, Report report, std::uint64_t linkId);
    void answerLanded(int user, int peer);
    void deliverSignal(int from, int to);
    void serverTakes(int user);
    void serverDelivers(int user);

    // ---- the data plane (model_transfers.cpp)
    bool send(const Step& step);
    bool deliverData(int from, int to);
    bool corruptData(int from, int to);
    bool duplicateData(int from, int to);
    bool swapData(int from, int to);
    bool dataChannelCloses(int user, int peer);
    void peerGone(int user, int peer);
    void ended(int user, const transfer::TransferUpdate& update);

    // ---- invariants (model_invariants.cpp)
    void checkAlways();
    void checkSettled();
    void checkNothingLeft();
    void fail(const std::string& invariant, const std::string& detail);
    int indexOf(const std::string& userid) const;

    WorldConfig config_;
    std::vector<User> users_;
    // What travels from one user to another over pub/sub: a signal, or (closedLink != 0) the
    // moment the receiver's browser notices that the sender closed or lost their connection.
    // The model assumes a browser notices that later than the signals its peer sent before
    // (ICE takes seconds to notice, signaling milliseconds): README, "Assumptions".
    struct BusItem {
        std::string text;
        std::uint64_t closedLink = 0;
        Report report = Report::Closed;
    };
    std::map<std::pair<int, int>, std::deque<BusItem>> bus_; // pub/sub, (from, to)
    std::unique_ptr<ModelServer> server_;
    std::vector<Task> tasks_;
    std::map<std::pair<int, int>, std::deque<DataPacket>> data_; // (from, to)
    std::vector<Sent> sent_;
    std::map<std::pair<int, int>, std::uint64_t> lastReceivedOrder_;
    std::map<std::pair<int, int>, std::uint64_t> nextOrder_;
    std::uint64_t nextLinkId_ = 1;
    std::uint64_t now_ = 1000;
    std::optional<Violation> violation_;
    bool log_ = false;

public:
    // Prints every engine input, state change and action (model_fuzzer --trace).
    void setLog(bool log) { log_ = log; }
};

} // namespace rtcmc::fuzz::model
