// The world's steps: page calls, browser reports, faults, time, and settling.
#include <random>

#include "model_world.hpp"
#include "support/engine_checks.hpp"

namespace rtcmc::fuzz::model {

using nlohmann::json;

std::string WorldConfig::describe() const {
    std::string out = std::to_string(users) + " users, " +
                      (serverAuthority ? "server authority" : "owner authority (pub/sub)") + ", " +
                      toString(direction) + ", session " + toString(session) +
                      ", maxParticipantsAllowed " + std::to_string(maxParticipantsAllowed);
    if (autoCloseEntireSession) {
        out += ", autoCloseEntireSession";
    }
    if (!password.empty()) {
        out += ", password";
    }
    for (int user = 0; user < users; ++user) {
        if (!autoJoin[user]) {
            out += ", " + userName(user) + " without autoJoin";
        }
        if (dontAttachStream[user]) {
            out += ", " + userName(user) + " dontAttachStream";
        }
    }
    return out;
}

World::World(WorldConfig config) : config_(std::move(config)), users_(config_.users) {
    if (config_.serverAuthority) {
        server_ = std::make_unique<ModelServer>([this](const std::string& userid, ServerMessage m) {
            const int user = indexOf(userid);
            if (user >= 0 && alive(user)) {
                users_[user].inbound.push_back(std::move(m));
            }
        });
    }
    for (int user = 0; user < config_.users; ++user) {
        EngineConfig& engineConfig = users_[user].config;
        engineConfig.userid = userName(user);
        engineConfig.authority =
            config_.serverAuthority ? RoomAuthority::Server : RoomAuthority::Owner;
        engineConfig.session = config_.session;
        engineConfig.direction = config_.direction;
        engineConfig.autoCloseEntireSession = config_.autoCloseEntireSession;
        engineConfig.maxParticipantsAllowed = config_.maxParticipantsAllowed;
        engineConfig.password = config_.password;
        engineConfig.autoJoin = config_.autoJoin[user];
        engineConfig.dontAttachStream = config_.dontAttachStream[user];
        // ICE restarts within the time settle() lets pass (four rounds of 3.1 s): a failed or
        // never connected link is restarted (twice: the second time from both ends), and given
        // up if its peer is gone, before the settled checks.
        engineConfig.iceRestartDelayMs = 500;
        engineConfig.iceRestartTimeoutMs = 1000;
        engineConfig.maxIceRestarts = 2;
        restart(user);
    }
}

namespace {

Event peerState(const std::string& peer, PeerState state) {
    Event event = eventOf(EventKind::PeerStateChanged, peer);
    event.state = state;
    return event;
}

} // namespace

Actions World::tell(int user, Event event) {
    event.now = static_cast<double>(now_);
    return handle(*users_[user].engine, event);
}

int World::indexOf(const std::string& userid) const {
    if (userid.size() != 2 || userid[0] != 'u') {
        return -1;
    }
    const int index = userid[1] - '1';
    return index >= 0 && index < config_.users ? index : -1;
}

std::string World::describeEngines() const {
    std::string out;
    for (int user = 0; user < config_.users; ++user) {
        out += "    " + (alive(user) ? describeEngine(*engine(user)) : userName(user) + " crashed");
        if (alive(user)) {
            out += " browser [";
            for (const auto& [peer, link] : users_[user].links) {
                out +=
                    userName(peer) + (link.connected ? "+" : "") + (link.dataOpen ? "d" : "") + " ";
            }
            out += "]";
        }
        out += "\n";
    }
    if (server_) {
        for (const auto& [roomid, room] : server_->rooms()) {
            out += "    server: " + roomid + " owner " + room.owner + " members";
            for (const std::string& member : room.members) {
                out += " " + member;
            }
            out += "\n";
        }
    }
    return out;
}

// ---- queries

bool World::hasSignal(int from, int to) const {
    auto queue = bus_.find({from, to});
    return queue != bus_.end() && !queue->second.empty() && alive(to);
}

bool World::dataOpen(int user, int peer) const {
    auto link = users_[user].links.find(peer);
    return link != users_[user].links.end() && link->second.dataOpen;
}

bool World::hasData(int from, int to) const {
    auto queue = data_.find({from, to});
    return queue != data_.end() && !queue->second.empty();
}

bool World::canDeliverData(int from, int to) const {
    return hasData(from, to) && alive(to) && dataOpen(to, from);
}

bool World::canRestart(int user) const {
    return !alive(user) && users_[user].outbound.empty();
}

std::vector<Step> World::pendingReports() const {
    std::vector<Step> reports;
    for (const Task& task : tasks_) {
        Step step;
        step.kind = StepKind::Browser;
        step.user = task.user;
        step.peer = task.peer;
        step.report = task.report;
        reports.push_back(step);
    }
    return reports;
}

// ---- steps

bool World::apply(const Step& step) {
    if (violation_) {
        return false;
    }
    const bool users =
        step.user >= 0 && step.user < config_.users && step.peer >= 0 && step.peer < config_.users;
    if (!users) {
        return false;
    }
    bool applied = false;
    switch (step.kind) {
    case StepKind::Call:
        applied = alive(step.user) && call(step);
        break;
    case StepKind::DeliverSignal:
        applied = !config_.serverAuthority && hasSignal(step.user, step.peer);
        if (applied) {
            deliverSignal(step.user, step.peer);
        }
        break;
    case StepKind::ServerTakes:
        applied = server_ && serverHasWork(step.user);
        if (applied) {
            serverTakes(step.user);
        }
        break;
    case StepKind::ServerDelivers:
        applied = server_ && alive(step.user) && connectionHasWork(step.user);
        if (applied) {
            serverDelivers(step.user);
        }
        break;
    case StepKind::Browser:
        for (std::size_t i = 0; i < tasks_.size(); ++i) {
            const Task& task = tasks_[i];
            const bool media =
                step.report == Report::MediaReady || step.report == Report::MediaFailed;
            if (task.user == step.user &&
                (media ? task.media
                       : (!task.media && task.peer == step.peer && task.report == step.report))) {
                const Task taken = task;
                tasks_.erase(tasks_.begin() + static_cast<std::ptrdiff_t>(i));
                applied = runReport(taken, step.report);
                break;
            }
        }
        break;
    case StepKind::Tick:
        tickAll(step.amount);
        applied = true;
        break;
    case StepKind::Send:
        applied = send(step);
        break;
    case StepKind::DeliverData:
        applied = canDeliverData(step.user, step.peer) && deliverData(step.user, step.peer);
        break;
    case StepKind::LinkFails:
        applied = alive(step.user) && alive(step.peer) && hasLink(step.user, step.peer);
        if (applied) {
            linkFails(step.user, step.peer);
        }
        break;
    case StepKind::Crash:
        applied = alive(step.user);
        if (applied) {
            crash(step.user);
        }
        break;
    case StepKind::Restart:
        applied = canRestart(step.user);
        if (applied) {
            restart(step.user);
        }
        break;
    case StepKind::RepeatReport:
        applied = alive(step.user) && repeatReport(step);
        break;
    case StepKind::CorruptData:
        applied = corruptData(step.user, step.peer);
        break;
    case StepKind::DuplicateData:
        applied = duplicateData(step.user, step.peer);
        break;
    case StepKind::SwapData:
        applied = swapData(step.user, step.peer);
        break;
    case StepKind::DataChannelCloses:
        applied = dataChannelCloses(step.user, step.peer);
        break;
    case StepKind::Settle:
        settle(step.amount);
        applied = true;
        break;
    }
    if (applied && !violation_) {
        checkAlways();
        if (step.kind == StepKind::Settle && !violation_) {
            checkSettled();
        }
    }
    return applied;
}

// Owner authority has no arbiter: two users opening one room at once make two owners (README,
// "Limits"). Over pub/sub the model opens a room only when nobody is in it.
bool World::roomInUse(const std::string& roomid) const {
    for (int other = 0; other < config_.users; ++other) {
        const Engine* engine = alive(other) ? this->engine(other) : nullptr;
        // A joiner may be admitted, then handed the room: it counts as in it too.
        const bool joining =
            engine && engine->state() == SessionState::Joining && users_[other].target == roomid;
        if (joining || (engine && engine->room() && engine->room()->id() == roomid &&
                        isActive(engine->state()))) {
            return true;
        }
    }
    return false;
}

bool World::call(const Step& step) {
    if (step.call == Call::Open && !config_.serverAuthority && roomInUse(step.room)) {
        return false;
    }
    User& user = users_[step.user];
    Engine& engine = *user.engine;
    const SessionState before = engine.state();
    Actions actions;
    switch (step.call) {
    case Call::Open:
        actions = tell(step.user, eventOf(EventKind::Open, step.room));
        break;
    case Call::Connect:
        actions = tell(step.user, eventOf(EventKind::Connect, step.room));
        break;
    case Call::Join:
        actions = tell(step.user, eventOf(EventKind::Join, step.room));
        break;
    case Call::Leave:
        actions = tell(step.user, eventOf(EventKind::Leave));
        break;
    case Call::Eject:
        actions = tell(step.user, eventOf(EventKind::Eject, userName(step.peer)));
        break;
    case Call::UpdateExtra: {
        Event extra = eventOf(EventKind::UpdateExtra);
        extra.text = json{{"version", ++user.extraVersion}}.dump();
        actions = tell(step.user, extra);
        break;
    }
    case Call::CheckPresence:
        actions = tell(step.user, eventOf(EventKind::CheckPresence, step.room));
        break;
    case Call::AddStream: {
        Event add = eventOf(EventKind::AddStream);
        add.media = parseSession("screen").value();
        actions = tell(step.user, add);
        break;
    }
    case Call::DonotJoin:
        user.blocked.insert(step.room);
        actions = tell(step.user, eventOf(EventKind::DonotJoin, step.room));
        break;
    case Call::Mute: {
        Event mute = eventOf(EventKind::SetMuted, "stream-" + userName(step.user));
        mute.media.audio = true;
        mute.flag = true;
        actions = tell(step.user, mute);
        break;
    }
    }
    const bool started =
        step.call == Call::Open || step.call == Call::Connect || step.call == Call::Join;
    if (started && engine.state() != before) {
        user.target = step.room;
    }
    if (step.call == Call::Join && engine.state() != before) {
        user.blocked.erase(step.room);
    }
    run(step.user, actions, Source::Page, describe(step));
    return true;
}

bool World::runReport(const Task& task, Report report) {
    User& user = users_[task.user];
    if (!user.engine) {
        return true;
    }
    if (task.media) {
        if (report != Report::MediaReady) {
            if (!task.adding) { // a failed addStream() capture only reaches the page
                Event failed = eventOf(EventKind::MediaFailed);
                failed.text = "NotAllowedError: denied";
                run(task.user, tell(task.user, failed), Source::Outside, "media failed");
            }
            return true;
        }
        // The stream's id, as the facade reports it (web/runtime.js, capture()).
        Event ready = eventOf(task.adding ? EventKind::StreamAdded : EventKind::MediaReady,
                              "stream-" + userName(task.user) +
                                  (task.adding ? "-" + std::to_string(++user.streamsAdded) : ""));
        ready.media = task.carries;
        run(task.user, tell(task.user, ready), Source::Outside,
            task.adding ? "stream added" : "media ready");
        if (task.adding && user.engine) {
            // The new tracks go to every link the engine holds: each renegotiates.
            for (const std::string& name : user.engine->linkedPeers()) {
                auto link = user.links.find(indexOf(name));
                if (link != user.links.end()) {
                    tasks_.push_back(Task{
                        task.user, link->first, Report::Offer, link->second.id, false, false, {}});
                }
            }
        }
        return true;
    }
    auto link = user.links.find(task.peer);
    if (link == user.links.end() || link->second.id != task.linkId) {
        return true; // the driver drops reports about connections already closed
    }
    const std::string peer = userName(task.peer);
    switch (report) {
    case Report::Offer:
    case Report::Answer: {
        const std::string type = report == Report::Offer ? "offer" : "answer";
        Event description = eventOf(EventKind::LocalDescription, peer);
        description.name = type;
        // The origin line's session id names the peer connection (the engine tells a peer's
        // new connection from a restart of its old one by it), as a browser's SDP does.
        description.text = "v=0\r\no=- " + std::to_string(link->second.id) +
                           " 2 IN IP4 127.0.0.1\r\ns=" + type + "\r\n";
        run(task.user, tell(task.user, description), Source::Outside,
            "local " + type + " for " + peer);
        if (user.engine) {
            Event candidate = eventOf(EventKind::LocalCandidate, peer);
            candidate.text = "candidate:1 1 udp 1 198.18.0.1 9 typ host";
            candidate.name = "0";
            candidate.index = 0;
            run(task.user, tell(task.user, candidate), Source::Outside,
                "local candidate for " + peer);
        }
        break;
    }
    case Report::Connected:
        link->second.connected = true;
        run(task.user, tell(task.user, peerState(peer, PeerState::Connected)), Source::Outside,
            peer + " connected");
        break;
    case Report::DataOpen:
        link->second.dataOpen = true;
        run(task.user, tell(task.user, eventOf(EventKind::DataChannelOpened, peer)),
            Source::Outside, peer + " data open");
        break;
    case Report::Closed:
        closeLink(task.user, task.peer, false);
        run(task.user, tell(task.user, peerState(peer, PeerState::Closed)), Source::Outside,
            peer + " closed");
        break;
    case Report::Failed:
        // A failed connection stays until it is closed: the engine may restart its ICE (a new
        // offer/answer on the same link) or give it up (ClosePeer).
        link->second.connected = false;
        link->second.connecting = false;
        run(task.user, tell(task.user, peerState(peer, PeerState::Failed)), Source::Outside,
            peer + " failed");
        break;
    case Report::MediaReady:
    case Report::MediaFailed:
        break;
    }
    return true;
}

// A report the driver would drop (about a connection already closed) or one that comes twice.
bool World::repeatReport(const Step& step) {
    User& user = users_[step.user];
    const std::string peer = userName(step.peer);
    const bool linked = user.links.count(step.peer) > 0;
    switch (step.report) {
    case Report::Connected:
        if (linked && !user.links.at(step.peer).connected) {
            return false; // not a repeat: the first report is still to come
        }
        run(step.user, tell(step.user, peerState(peer, PeerState::Connected)), Source::Outside,
            peer + " connected (again)");
        return true;
    case Report::DataOpen:
        if (linked && !user.links.at(step.peer).dataOpen) {
            return false;
        }
        run(step.user, tell(step.user, eventOf(EventKind::DataChannelOpened, peer)),
            Source::Outside, peer + " data open (again)");
        return true;
    case Report::Closed:
    case Report::Failed:
        if (linked) {
            return false; // a live connection: not late
        }
        run(step.user,
            tell(step.user, peerState(peer, step.report == Report::Closed ? PeerState::Closed
                                                                          : PeerState::Failed)),
            Source::Outside, peer + " closed or failed (late)");
        return true;
    case Report::MediaReady: {
        for (const Task& task : tasks_) {
            if (task.user == step.user && task.media) {
                return false; // the capture is still pending
            }
        }
        Event ready = eventOf(EventKind::MediaReady, "stream-" + userName(step.user));
        ready.media = config_.session;
        run(step.user, tell(step.user, ready), Source::Outside, "media ready (again)");
        return true;
    }
    default:
        return false;
    }
}

void World::crash(int user) {
    User& gone = users_[user];
    gone.engine.reset();
    gone.inbound.clear();
    if (server_) {
        gone.outbound.push_back(Outbound{Outbound::Kind::Disconnect, {}, {}, {}});
    }
    for (auto it = tasks_.begin(); it != tasks_.end();) {
        it = it->user == user ? tasks_.erase(it) : std::next(it);
    }
    for (auto it = bus_.begin(); it != bus_.end(); ++it) {
        if (it->first.second == user) {
            it->second.clear();
        }
    }
    const std::map<int, Link> links = gone.links;
    for (const auto& entry : links) {
        closeLink(user, entry.first, false);
        auto theirs = users_[entry.first].links.find(user);
        if (theirs != users_[entry.first].links.end()) {
            noticeLater(user, entry.first, Report::Failed, theirs->second.id);
        }
    }
}

void World::restart(int user) {
    User& fresh = users_[user];
    fresh.engine = std::make_unique<Engine>(fresh.config);
    fresh.lastState = fresh.engine->state();
    fresh.transfers = std::make_unique<transfer::TransferManager>();
    fresh.links.clear();
    fresh.incoming.clear();
    fresh.outgoing.clear();
    fresh.target.clear();
    fresh.blocked.clear();
    fresh.gaveUp.clear();
    if (server_) {
        server_->connect(userName(user));
    }
}

void World::linkFails(int user, int peer) {
    for (const auto& [self, other] : {std::pair{user, peer}, std::pair{peer, user}}) {
        auto link = users_[self].links.find(other);
        if (link != users_[self].links.end()) {
            tasks_.push_back(Task{self, other, Report::Failed, link->second.id, false, false, {}});
        }
    }
}

void World::tickAll(std::uint64_t ms) {
    now_ += ms;
    for (int user = 0; user < config_.users && !violation_; ++user) {
        if (alive(user)) {
            run(user, tell(user, eventOf(EventKind::Tick)), Source::Outside, "tick");
        }
    }
}

// One pending thing happens, chosen by `choice` among everything that may happen now.
bool World::settleOnce(std::uint32_t choice) {
    std::vector<Step> ready;
    for (int from = 0; from < config_.users; ++from) {
        for (int to = 0; to < config_.users; ++to) {
            if (!config_.serverAuthority && hasSignal(from, to)) {
                ready.push_back(stepOf(StepKind::DeliverSignal, from, to));
            }
            if (canDeliverData(from, to)) {
                ready.push_back(stepOf(StepKind::DeliverData, from, to));
            }
        }
        if (server_ && serverHasWork(from)) {
            ready.push_back(stepOf(StepKind::ServerTakes, from, 0));
        }
        if (server_ && alive(from) && connectionHasWork(from)) {
            ready.push_back(stepOf(StepKind::ServerDelivers, from, 0));
        }
    }
    for (Step report : pendingReports()) {
        if (report.report == Report::MediaFailed) {
            report.report = Report::MediaReady;
        }
        ready.push_back(report);
    }
    // Abandoned data: packets waiting for a receiver that is gone.
    for (auto& [pair, queue] : data_) {
        if (!queue.empty() && (!alive(pair.second) || !hasLink(pair.second, pair.first))) {
            queue.clear();
        }
    }
    if (ready.empty()) {
        return false;
    }
    const Step& step = ready[choice % ready.size()];
    switch (step.kind) {
    case StepKind::DeliverSignal:
        deliverSignal(step.user, step.peer);
        break;
    case StepKind::DeliverData:
        deliverData(step.user, step.peer);
        break;
    case StepKind::ServerTakes:
        serverTakes(step.user);
        break;
    case StepKind::ServerDelivers:
        serverDelivers(step.user);
        break;
    default:
        for (std::size_t i = 0; i < tasks_.size(); ++i) {
            if (tasks_[i].user == step.user && tasks_[i].peer == step.peer &&
                (tasks_[i].report == step.report || tasks_[i].media)) {
                const Task taken = tasks_[i];
                tasks_.erase(tasks_.begin() + static_cast<std::ptrdiff_t>(i));
                runReport(taken, taken.media ? Report::MediaReady : taken.report);
                break;
            }
        }
        break;
    }
    return true;
}

// Everything pending happens, in an order drawn from `seed`; then time passes far enough for
// announcements, presence timeouts and ICE restarts, three times, with everything they cause.
void World::settle(std::uint32_t seed) {
    std::mt19937 order(seed);
    // Four rounds of ticks: a link given up, then the owner by succession that the member has
    // no link with given its connect window to dial (dropSilentMembers), fit in.
    for (int round = 0; round < 5 && !violation_; ++round) {
        if (round > 0) {
            tickAll(config_.serverAuthority ? 3100 : 3100);
        }
        int moves = 0;
        while (!violation_ && settleOnce(static_cast<std::uint32_t>(order()))) {
            if (++moves > 200000) {
                fail("quiet", "the world never went quiet: messages keep causing messages");
                return;
            }
        }
    }
}

void World::leaveEveryone() {
    for (int user = 0; user < config_.users && !violation_; ++user) {
        if (alive(user)) {
            run(user, tell(user, eventOf(EventKind::Leave)), Source::Page, "leave()");
        }
    }
}

void World::finish() {
    if (violation_) {
        return;
    }
    settle(1);
    if (!violation_) {
        checkAlways();
    }
    if (!violation_) {
        checkSettled();
    }
    leaveEveryone();
    settle(2);
    if (!violation_) {
        checkNothingLeft();
    }
    // No stuck state: the first two users can hold a new session in a new room.
    for (int user : {0, 1}) {
        if (!alive(user)) {
            restart(user);
            settle(3);
        }
    }
    if (!violation_) {
        run(0, tell(0, eventOf(EventKind::Open, "fresh")), Source::Page, "open(\"fresh\")");
        users_[0].target = "fresh";
        settle(4);
    }
    if (!violation_) {
        run(1, tell(1, eventOf(EventKind::Join, "fresh")), Source::Page, "join(\"fresh\")");
        users_[1].target = "fresh";
        users_[1].blocked.clear();
        settle(5);
    }
    if (!violation_) {
        checkAlways();
        checkSettled();
    }
    if (!violation_) {
        const Engine& second = *users_[1].engine;
        const bool together = second.state() == SessionState::Joined && second.room() &&
                              second.room()->contains("u1") && users_[0].engine->isOwner();
        if (!together) {
            fail("restart", "after everyone left, u1 opened \"fresh\" and u2 joined it, but:\n" +
                                describeEngines());
        }
    }
    if (!violation_) {
        leaveEveryone();
        settle(6);
        checkNothingLeft();
    }
}

} // namespace rtcmc::fuzz::model
