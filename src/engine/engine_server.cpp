// Engine: rooms kept by our signaling server (RoomAuthority::Server). The server binds userids
// and decides membership, ownership, passwords, limits and ejection; the engine asks it through
// ServerRequest actions, follows its events, and still decides every peer link and API event.
// Server payloads are validated like any signaling message: a malformed one is an onerror.
#include <set>

#include "common/json_text.hpp"
#include "common/utf8.hpp"
#include "engine/engine.hpp"
#include "protocol/codec.hpp"
#include "protocol/field_reader.hpp"

namespace rtcmc {

using nlohmann::json;
namespace proto = protocol;

namespace {

// A field of a server's answer that is true. nlohmann's value(key, false) throws when the key
// holds another type, which aborts the whole wasm core (JSON_NOEXCEPTION): a server's answer is
// input, so a field of the wrong type reads as absent.
bool isTrue(const json& object, const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_boolean() && found->get<bool>();
}

// The same for a string field ("" when absent or not a string).
std::string stringOf(const json& object, const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// The session of a server room view: the object we sent in open-room, or a session string.
SessionType readSession(proto::FieldReader& reader, const json& view) {
    auto it = view.find("session");
    if (it != view.end() && it->is_string()) {
        Result<SessionType> parsed = parseSession(it->get_ref<const std::string&>());
        if (parsed) {
            return parsed.value();
        }
        reader.fail("session", parsed.error().text);
        return defaultSession();
    }
    return reader.session("session", defaultSession());
}

Direction readDirection(proto::FieldReader& reader) {
    std::optional<std::string> text = reader.optionalText("direction", 64);
    if (!text) {
        return Direction::ManyToMany;
    }
    Result<Direction> parsed = parseDirection(*text);
    if (!parsed) {
        reader.fail("direction", parsed.error().text);
        return Direction::ManyToMany;
    }
    return parsed.value();
}

// The members of a RoomView, in join order (the reader records what is wrong).
std::vector<Member> readMembers(proto::FieldReader& reader) {
    std::vector<Member> list;
    const json* members = reader.array("members", proto::kMaxMembers);
    if (!members) {
        return list;
    }
    for (const json& value : *members) {
        if (!value.is_object()) {
            reader.fail("members[]", {TextId::MustBeObject});
            break;
        }
        proto::FieldReader member(value, "server room member");
        Member entry{member.id("userid"), writeJson(member.extra("extra")), {}};
        if (!member.ok()) {
            reader.fail("members[]", member.error().text);
            break;
        }
        list.push_back(std::move(entry));
    }
    return list;
}

json parseObject(const std::string& text) {
    json value = parseJson(text.empty() ? std::string_view("{}") : std::string_view(text));
    return value.is_object() ? value : json();
}

} // namespace

void Engine::requestOpenRoom(Actions& out) {
    json payload{{"roomid", targetRoom_},
                 {"extra", extra_},
                 // one-to-one caps the room at one participant whatever the setting says
                 {"maxParticipantsAllowed",
                  participantLimit(room_->policy().direction, config_.maxParticipantsAllowed)},
                 {"autoCloseEntireSession", config_.autoCloseEntireSession},
                 {"session", proto::sessionToJson(room_->policy().session)},
                 {"direction", toString(room_->policy().direction)}};
    if (!config_.password.empty()) {
        payload["password"] = config_.password;
    }
    if (!config_.channel.empty()) {
        payload["channel"] = config_.channel;
    }
    if (config_.sfu) {
        payload["sfu"] = true;
        // Outside the protocol's bounds (a page's bandwidth.video of 8 kbps) the server's
        // default applies rather than a refused open-room.
        if (config_.sfuBitrate >= proto::kMinSfuBitrate &&
            config_.sfuBitrate <= proto::kMaxSfuBitrate) {
            payload["sfuBitrate"] = config_.sfuBitrate;
        }
    }
    openRequested_ = true;
    ++sessionRequestsOut_;
    out.push_back(serverRequest("open-room", payload));
}

void Engine::requestJoinRoom(Actions& out) {
    json payload{{"roomid", targetRoom_}, {"extra", extra_}};
    if (!config_.password.empty()) {
        payload["password"] = config_.password;
    }
    joinRequested_ = true;
    ++sessionRequestsOut_;
    stateChange("connecting-with-initiator", out);
    out.push_back(serverRequest("join-room", payload));
    dialKnownOwner(out);
}

// A PublicRoomView (list-rooms, check-presence, room-list) becomes a known, announced room.
bool Engine::knowRoom(const json& view, Actions& out) {
    if (!view.is_object()) {
        error(ErrorCode::InvalidField, {TextId::ServerRoomViewNotObject}, out);
        return false;
    }
    proto::FieldReader reader(view, "server room");
    proto::Announce announce;
    announce.envelope.room = reader.id("roomid");
    announce.envelope.from = reader.id("owner");
    announce.session = readSession(reader, view);
    announce.direction = readDirection(reader);
    announce.extra = reader.extra("extra");
    announce.participants = reader.count("participants", 1, proto::kMaxParticipantsAllowed + 1, 1);
    announce.maxParticipantsAllowed =
        reader.count("maxParticipantsAllowed", 1, proto::kMaxParticipantsAllowed, 1000);
    announce.passwordProtected = reader.flag("isPasswordProtected", false);
    const bool sfu = reader.flag("sfu", false);
    const bool full = reader.flag("isFull", false);
    if (!reader.ok()) {
        error(reader.error(), out);
        return false;
    }
    const std::optional<std::string> channel = reader.optionalId("channel");
    if (!reader.ok()) {
        error(reader.error(), out);
        return false;
    }
    const std::string roomid = announce.envelope.room;
    const bool isNew = !knownRooms_.count(roomid);
    knownRooms_[roomid] = KnownRoom{announce.envelope.from, announce, sfu, full};
    // Rooms of other channels stay joinable by id (connect/join) but are not offered, and
    // neither is a room of our own (upstream ignored its own announcements; a page listing
    // sessions would offer its owner a join to itself).
    const bool sameChannel = config_.channel.empty() || !channel || *channel == config_.channel;
    const bool ours = announce.envelope.from == config_.userid ||
                      (room_ && roomid == targetRoom_ && isActive(state_));
    if (isNew && sameChannel && !ours && notifiedRooms_.insert(roomid).second) {
        offerRoom(announce, out);
    }
    return true;
}

// The RoomView answering open-room or join-room: the server's truth replaces our view. False
// (with onerror) when the view cannot be read: the request then counts as refused.
// A room view the server sent is of our room and could be read; else onerror and false.
bool Engine::roomViewReadable(const proto::FieldReader& reader, const std::string& roomid,
                              Actions& out) const {
    if (reader.ok() && roomid == targetRoom_) {
        return true;
    }
    error(ErrorCode::InvalidField,
          reader.ok() ? Text(TextId::ServerAnsweredForOtherRoom, {roomid}) : reader.error().text,
          out);
    return false;
}

bool Engine::adoptRoomView(const json& view, Actions& out) {
    proto::FieldReader reader(view, "server room");
    const std::string roomid = reader.id("roomid");
    const std::string owner = reader.id("owner");
    RoomPolicy policy;
    policy.session = readSession(reader, view);
    policy.direction = effectiveDirection(readDirection(reader), policy.session);
    policy.maxParticipantsAllowed =
        reader.count("maxParticipantsAllowed", 1, proto::kMaxParticipantsAllowed, 1000);
    policy.autoCloseEntireSession = reader.flag("autoCloseEntireSession", false);
    policy.sfu = reader.flag("sfu", false);
    const std::vector<Member> list = readMembers(reader);
    if (!roomViewReadable(reader, roomid, out)) {
        return false;
    }
    const Member* ownerEntry = nullptr;
    for (const Member& member : list) {
        if (member.userid == owner) {
            ownerEntry = &member;
        }
    }
    room_.emplace(roomid, ownerEntry ? *ownerEntry : Member{owner, "{}", policy.session}, policy);
    for (const Member& member : list) {
        if (member.userid != owner) {
            room_->admit(member);
        }
    }
    if (!room_->contains(config_.userid)) {
        room_->admit(Member{config_.userid, writeJson(extra_), sendAs()});
    }
    return true;
}

Actions Engine::serverReply(const std::string& request, const std::string& requestJson,
                            const std::string& replyJson, std::uint64_t nowMs) {
    noteTime(nowMs);
    Actions out;
    const json asked = parseObject(requestJson);
    const std::string askedRoom =
        asked.is_object() && asked.contains("roomid") && asked["roomid"].is_string()
            ? asked["roomid"].get<std::string>()
            : std::string();
    // Every request gets one answer (the facade turns a timeout or a lost connection into an
    // error answer), in order: only the last open-room or join-room out answers this session,
    // and one before it is an earlier session's, over.
    if (request == "open-room" || request == "join-room") {
        const bool last = sessionRequestsOut_ > 0 && --sessionRequestsOut_ == 0;
        if (!last || askedRoom != targetRoom_) {
            return out;
        }
    }
    if (request == "get-room" && (askedRoom != targetRoom_ || !room_ || !isActive(state_))) {
        return out; // about a session that ended meanwhile
    }
    const json reply = parseObject(replyJson);
    if (reply.is_null() || !reply.contains("ok") || !reply["ok"].is_boolean()) {
        error(ErrorCode::MalformedMessage, {TextId::ServerAnswerNotOk, {request}}, out);
        return out;
    }
    if (!reply["ok"].get<bool>()) {
        onServerError(request, reply, nowMs, out);
        return out;
    }
    if (request == "open-room" && state_ == SessionState::Opening && openRequested_) {
        if (!adoptRoomView(reply.value("room", json::object()), out)) {
            // The server may hold the room all the same: give it back.
            out.push_back(roomRequest("leave-room", targetRoom_));
            endSession(SessionEvent::Refused, out);
            stateChange("failed", out, {TextId::ServerAnswerNotOk, {request}});
            return out;
        }
        transition(SessionEvent::MediaReady, out);
        out.push_back(
            fireEvent(PageEvent::Opened, json{{"sessionid", targetRoom_}, {"sfu", sfuPlan()}}));
    } else if (request == "join-room" && state_ == SessionState::Joining && joinRequested_) {
        if (!adoptRoomView(reply.value("room", json::object()), out)) {
            out.push_back(roomRequest("leave-room", targetRoom_));
            endSession(SessionEvent::Refused, out);
            stateChange("request-rejected", out, {TextId::ServerAnswerNotOk, {request}});
            return out;
        }
        transition(SessionEvent::Accepted, out);
        keepEarlyDialIfStillRight(out);
        stateChange("request-accepted", out);
        json members = json::array();
        for (const Member& member : room_->members()) {
            members.push_back(member.userid);
        }
        out.push_back(
            fireEvent(PageEvent::Joined, json{{"sessionid", targetRoom_},
                                              {"owner", room_->owner()},
                                              {"members", members},
                                              {"session", toString(room_->policy().session)},
                                              {"direction", toString(room_->policy().direction)},
                                              {"sfu", sfuPlan()}}));
        connectAsNeeded(out);
    } else if (request == "check-presence") {
        const bool exists =
            isTrue(reply, "exists") && reply.contains("room") && knowRoom(reply["room"], out);
        if (exists && stringOf(reply["room"], "roomid") != askedRoom) {
            error(ErrorCode::InvalidField, {TextId::ServerPresenceForOtherRoom}, out);
            return out;
        }
        if (presenceDeadlines_.erase(askedRoom)) {
            json answer{{"sessionid", askedRoom}, {"exists", exists}};
            if (exists) {
                const KnownRoom& known = knownRooms_.at(askedRoom);
                answer["extra"] = known.announce.extra;
                answer["isFull"] = isTrue(reply["room"], "isFull");
                answer["isPasswordProtected"] = known.announce.passwordProtected;
            }
            out.push_back(fireEvent(PageEvent::Presence, answer));
        }
        if (exists && askedRoom == targetRoom_) {
            if (state_ == SessionState::Searching) {
                stateChange("room-available", out);
                if (config_.autoJoin && !blockedRooms_.count(askedRoom)) {
                    Actions joined = join(askedRoom, std::nullopt, nowMs);
                    out.insert(out.end(), joined.begin(), joined.end());
                }
            } else if (state_ == SessionState::Joining && !joinRequested_) {
                stateChange("room-available", out);
                Actions requested = sendJoinRequest(nowMs);
                out.insert(out.end(), requested.begin(), requested.end());
            }
        }
    } else if (request == "get-room") {
        catchUpWithRoom(reply.value("room", json::object()), nowMs, out);
    } else if (request == "list-rooms" || request == "subscribe-rooms") {
        onRoomList(reply.value("rooms", json::array()), nowMs, out);
    } else if (request == "eject") {
        // The server removed the member; its member-left may or may not reach the owner too.
        const std::string target =
            asked.is_object() && asked.contains("userid") && asked["userid"].is_string()
                ? asked["userid"].get<std::string>()
                : std::string();
        if (!target.empty() && room_ && room_->contains(target)) {
            memberGone(target, proto::LeaveReason::Ejected, std::nullopt, nowMs, out);
        }
    }
    return out;
}

namespace {

// A string field of the server's refusal ({code, message, event}), cut to maxBytes on a code
// point boundary; missing or of another type, it reads as empty.
std::string refusalField(const json& refusal, const char* name, std::size_t maxBytes) {
    if (!refusal.is_object()) {
        return {};
    }
    const auto found = refusal.find(name);
    return found != refusal.end() && found->is_string()
               ? std::string(utf8Prefix(found->get_ref<const std::string&>(), maxBytes))
               : std::string();
}

} // namespace

// The page's onerror for a refusal of the server: its code and words, or ours when it gave none.
Text Engine::reportRefusal(const std::string& request, const json& refusal, Actions& out) {
    std::string code = refusalField(refusal, "code", 64);
    if (code.empty()) {
        code = "SERVER_ERROR";
    }
    const std::string message = refusalField(refusal, "message", proto::kMaxReasonBytes);
    const Text text = message.empty() ? Text(TextId::ServerRefused, {request})
                                      : Text(TextId::Verbatim, {message});
    out.push_back(fireEvent(PageEvent::OnError, json{{"code", code},
                                                     {"text", text.toJson()},
                                                     {"request", request},
                                                     {"userid", config_.userid},
                                                     {"sessionid", targetRoom_}}));
    return text;
}

void Engine::onServerErrorEvent(const json& payload, Actions& out) {
    const std::string request = refusalField(payload, "event", 128);
    // Our requests all carry an ack, whose reply says why one was refused (onServerError); the
    // server also emits an error-event for one refused as malformed, oversize or over the rate
    // limit, which would tell the page twice. Only relays and SFU frames go without an ack.
    if (request != "relay" && request != "sfu") {
        return;
    }
    // A relay into a room we are not in: sent before we heard that our join was refused (the
    // joiner's offer goes out with its join-room), or just as our stay ended (left, ejected,
    // room closed). The server answers in order, so by now we know, and the page heard it
    // from us. Only a member that still holds the room learns something here.
    const bool member = state_ == SessionState::Open || state_ == SessionState::Joined;
    if (request == "relay" && !member && refusalField(payload, "code", 64) == "NOT_IN_ROOM") {
        return;
    }
    reportRefusal(request, payload, out);
}

void Engine::onServerError(const std::string& request, const json& reply, std::uint64_t nowMs,
                           Actions& out) {
    const json refusal = reply.is_object() && reply.contains("error") ? reply["error"] : json();
    if (request == "open-room" && state_ == SessionState::Opening && joinIfTaken_ &&
        refusalField(refusal, "code", 64) == "ROOM_EXISTS") {
        joinTakenRoom(nowMs, out); // the pair open() + connect(): no error, join it
        return;
    }
    const bool refusedSession = (request == "open-room" && state_ == SessionState::Opening) ||
                                (request == "join-room" && state_ == SessionState::Joining);
    Actions error;
    const Text message = reportRefusal(request, refusal, error);
    if (refusedSession) {
        endSession(SessionEvent::Refused, out);
        stateChange(request == "join-room" ? "request-rejected" : "failed", out, message);
    }
    out.insert(out.end(), error.begin(), error.end());
}

Actions Engine::serverEvent(const std::string& event, const std::string& payloadJson,
                            std::uint64_t nowMs) {
    noteTime(nowMs);
    Actions out;
    const json payload = parseObject(payloadJson);
    if (payload.is_null()) {
        error(ErrorCode::MalformedMessage, {TextId::ServerEventNotObject, {event}}, out);
        return out;
    }
    if (event == "room-list") {
        onRoomList(payload.value("rooms", json::array()), nowMs, out);
        return out;
    }
    if (event == "welcome") {
        onWelcome(payload, out);
        return out;
    }
    if (event == "error-event") {
        onServerErrorEvent(payload, out);
        return out;
    }
    proto::FieldReader reader(payload, "server " + event);
    const std::string roomid = reader.id("roomid");
    if (!reader.ok()) {
        error(reader.error(), out);
        return out;
    }
    if (roomid != targetRoom_ || !room_ || !isActive(state_)) {
        return out; // an event for a room we are not in (any more)
    }
    if (state_ == SessionState::Opening) {
        // The server answers open-room before it tells anything about the room it made: an
        // event now is about the room of the same name we owned before (left, then opened
        // again), and its members are not ours.
        return out;
    }
    if (event == "member-joined") {
        const std::string userid = reader.id("userid");
        const json extra = reader.extra("extra");
        if (reader.ok() && userid != config_.userid && !room_->contains(userid)) {
            room_->admit(Member{userid, writeJson(extra), {}});
            captureOnDemand(out);
            // The newcomer's offer, sent right after its join-room, can overtake this event
            // when the two reach us through different nodes (Redis): it waited for it.
            replayPendingSignals(nowMs, out);
        }
    } else if (event == "member-left") {
        const std::string userid = reader.id("userid");
        const std::string reason = reader.text("reason", 32);
        if (reader.ok() && userid != config_.userid && userid == room_->owner()) {
            // The server names the new owner (owner-changed) before the old one's member-left:
            // without it our view of the room is behind, and succession by our own member list
            // could make us an owner the server never made. Its view settles both.
            out.push_back(roomRequest("get-room", targetRoom_));
        } else if (reader.ok() && userid != config_.userid) {
            memberGone(userid,
                       reason == "ejected"        ? proto::LeaveReason::Ejected
                       : reason == "disconnected" ? proto::LeaveReason::Disconnected
                                                  : proto::LeaveReason::Left,
                       std::nullopt, nowMs, out);
        }
    } else if (event == "owner-changed") {
        const std::string owner = reader.id("owner");
        if (reader.ok()) {
            onOwnerChanged(owner, nowMs, out);
        }
    } else if (event == "ejected" &&
               (state_ == SessionState::Joined || state_ == SessionState::Joining)) {
        // Only a member can be ejected: an owner (or one opening) hears a late event of an
        // earlier session in this room, and keeps its own.
        const std::string by = reader.optionalId("by").value_or(room_->owner());
        const json ownerExtra = memberExtra(by);
        endSession(SessionEvent::Ejected, out);
        stateChange("ejected", out, {TextId::EjectedByOwner, {by}});
        out.push_back(fireEvent(
            PageEvent::OnLeave,
            json{{"userid", by}, {"extra", ownerExtra}, {"ejected", true}, {"reason", "ejected"}}));
    } else if (event == "room-closed" && state_ != SessionState::Opening) {
        // The room being opened is not open yet: this is about an earlier room of that id.
        onSessionClosedByServer(out);
    } else if (event == "extra-updated") {
        const std::string userid = reader.id("userid");
        const json extra = reader.extra("extra");
        if (reader.ok() && userid != config_.userid && room_->contains(userid)) {
            room_->updateExtra(userid, writeJson(extra));
            out.push_back(fireEvent(PageEvent::OnExtraDataUpdated,
                                    json{{"userid", userid}, {"extra", extra}}));
        }
    } else if (event == "member-resumed") {
        const std::string userid = reader.id("userid");
        const json extra = reader.extra("extra");
        if (reader.ok() && userid != config_.userid) {
            onMemberResumed(userid, extra, nowMs, out);
        }
    } else if (event == "user-status") {
        const std::string userid = reader.id("userid");
        const std::string status = reader.text("status", 16);
        const json extra = reader.extra("extra");
        if (reader.ok() && userid != config_.userid &&
            (status == "online" || status == "offline")) {
            out.push_back(
                fireEvent(PageEvent::OnUserStatusChanged,
                          json{{"userid", userid}, {"status", status}, {"extra", extra}}));
        }
    }
    if (!reader.ok()) {
        error(reader.error(), out);
    }
    return out;
}

void Engine::onOwnerChanged(const std::string& owner, std::uint64_t nowMs, Actions& out) {
    const std::string previous = room_->owner();
    // The server moves ownership only when the owner left, and a departed owner is not here to
    // hear it: an owner told otherwise keeps its room.
    if (owner == previous || isOwner()) {
        return;
    }
    if (!room_->contains(owner)) {
        // A member we never heard of: our view of the room is behind; the server's has both.
        out.push_back(roomRequest("get-room", targetRoom_));
        return;
    }
    room_->setOwner(owner);
    // Ownership only moves when the owner left: it is gone even if its member-left is late.
    if (previous != config_.userid) {
        memberGone(previous, proto::LeaveReason::Left, std::nullopt, nowMs, out);
    }
    out.push_back(
        fireEvent(PageEvent::OwnerChanged, json{{"sessionid", targetRoom_}, {"owner", owner}}));
    if (owner == config_.userid && state_ == SessionState::Joined) {
        transition(SessionEvent::BecameOwner, out);
        connectAsNeeded(out); // a star re-forms around us
    }
}

// The welcome of a signaling connection that came back after a drop: the server resumed our
// previous connection (and kept the rooms it lists) or did not (resumed: false, the departure
// was already processed). A room it did not keep is a session that ended under us: the page
// hears SESSION_LOST, and the session ends as if the room had closed, so that open() and
// join() work again. The first welcome of a connection finds no established session here.
//
// A kept room may have changed while we could not hear it: we ask for its view (get-room,
// then catchUpWithRoom). Our room-mates hear that we are back (member-resumed) and dial again
// the links they offered that never connected; we do the same with ours, since what we sent
// into the dropped connection may never have left it.
void Engine::onWelcome(const json& welcome, Actions& out) {
    if (!room_ || (state_ != SessionState::Open && state_ != SessionState::Joined)) {
        return;
    }
    const bool wasResumed = isTrue(welcome, "resumed");
    const auto rooms = welcome.find("rooms");
    if (wasResumed && rooms != welcome.end() && rooms->is_array()) {
        for (const json& roomid : *rooms) {
            if (roomid.is_string() && roomid.get_ref<const std::string&>() == targetRoom_) {
                out.push_back(roomRequest("get-room", targetRoom_));
                std::vector<std::string> peers;
                for (const auto& entry : links_) {
                    peers.push_back(entry.first);
                }
                for (const std::string& peer : peers) {
                    redialIfNeverConnected(peer, out);
                }
                return;
            }
        }
    }
    error(ErrorCode::SessionLost,
          {wasResumed ? TextId::SessionLostRoomGone : TextId::SessionLostTooLong, {targetRoom_}},
          out);
    onSessionClosedByServer(out);
}

// A room-mate's signaling connection came back (docs/server.md, "Resuming"). While it was
// away the server refused what we addressed to it, such as the offer of a link we dialed
// after joining: that link is dialed again. A member we did not know joined while we were
// away ourselves (our get-room answer may still be on its way): it is one of us now, and it
// dials us, as the newcomer does.
void Engine::onMemberResumed(const std::string& userid, const json& extra, std::uint64_t nowMs,
                             Actions& out) {
    if (!room_->contains(userid)) {
        room_->admit(Member{userid, writeJson(extra), {}});
        captureOnDemand(out);
        out.push_back(fireEvent(PageEvent::OnUserStatusChanged,
                                json{{"userid", userid}, {"status", "online"}, {"extra", extra}}));
        replayPendingSignals(nowMs, out);
        return;
    }
    redialIfNeverConnected(userid, out);
}

void Engine::catchUpWithRoom(const json& view, std::uint64_t nowMs, Actions& out) {
    proto::FieldReader reader(view, "server room");
    const std::string roomid = reader.id("roomid");
    const std::string owner = reader.id("owner");
    const std::vector<Member> list = readMembers(reader);
    if (!roomViewReadable(reader, roomid, out)) {
        return;
    }
    std::set<std::string> present;
    for (const Member& member : list) {
        present.insert(member.userid);
    }
    if (!present.count(owner)) {
        // Read on, it would leave the owner we know gone and another owner nobody named.
        error(ErrorCode::InvalidField, {TextId::ServerOwnerNotMember, {roomid, owner}}, out);
        return;
    }
    // Who joined meanwhile: the page hears them come online, as it would have.
    bool admitted = false;
    for (const Member& member : list) {
        if (member.userid != config_.userid && !room_->contains(member.userid)) {
            room_->admit(member);
            admitted = true;
            Result<json> extra = proto::parseExtra(member.extra);
            out.push_back(fireEvent(PageEvent::OnUserStatusChanged,
                                    json{{"userid", member.userid},
                                         {"status", "online"},
                                         {"extra", extra ? extra.value() : json::object()}}));
        }
    }
    if (admitted) {
        captureOnDemand(out);
    }
    // A new owner (the old one left meanwhile: onOwnerChanged reports it gone).
    if (owner != room_->owner()) {
        onOwnerChanged(owner, nowMs, out);
    }
    // Who left meanwhile, once each: a member-left that comes later finds nobody to report.
    std::vector<std::string> gone;
    for (const Member& member : room_->members()) {
        if (member.userid != config_.userid && !present.count(member.userid)) {
            gone.push_back(member.userid);
        }
    }
    for (const std::string& userid : gone) {
        memberGone(userid, proto::LeaveReason::Left, std::nullopt, nowMs, out);
    }
    replayPendingSignals(nowMs, out); // offers of members we have just met
}

void Engine::redialIfNeverConnected(const std::string& peer, Actions& out) {
    auto link = links_.find(peer);
    const Member* member = room_ ? room_->find(peer) : nullptr;
    if (link == links_.end() || !link->second.offerer || link->second.connected || !member) {
        return; // connected links keep their media; the answerer waits for the offerer
    }
    const Member again = *member;
    unlink(peer, out);
    linkTo(again, true, out);
}

void Engine::onSessionClosedByServer(Actions& out) {
    const std::string owner = room_->owner();
    const json ownerExtra = memberExtra(owner);
    const bool wasOwner = owner == config_.userid;
    endSession(SessionEvent::SessionClosed, out);
    if (!wasOwner) {
        out.push_back(fireEvent(PageEvent::OnLeave, json{{"userid", owner},
                                                         {"extra", ownerExtra},
                                                         {"entireSessionClosed", true},
                                                         {"reason", "left"}}));
    }
    sessionClosed(owner, ownerExtra, out);
}

void Engine::onRoomList(const json& rooms, std::uint64_t nowMs, Actions& out) {
    if (!rooms.is_array() || rooms.size() > 10000) {
        error(ErrorCode::InvalidField, {TextId::ServerRoomListNotArray}, out);
        return;
    }
    std::set<std::string> listed;
    for (const json& view : rooms) {
        if (knowRoom(view, out)) {
            listed.insert(stringOf(view, "roomid"));
        }
    }
    // Rooms that disappeared from the list are no longer open (they may be announced again).
    for (auto it = knownRooms_.begin(); it != knownRooms_.end();) {
        if (!listed.count(it->first) && it->first != targetRoom_) {
            // upstream v1.8's onSessionClosed, which its own notes list as never fired.
            if (notifiedRooms_.erase(it->first)) {
                out.push_back(fireEvent(PageEvent::OnSessionClosed,
                                        json{{"sessionid", it->first},
                                             {"userid", it->second.owner},
                                             {"extra", it->second.announce.extra}}));
            }
            it = knownRooms_.erase(it);
        } else {
            ++it;
        }
    }
    if (listed.count(targetRoom_)) {
        if (state_ == SessionState::Searching) {
            stateChange("room-available", out);
            if (config_.autoJoin && !blockedRooms_.count(targetRoom_)) {
                Actions joined = join(targetRoom_, std::nullopt, nowMs);
                out.insert(out.end(), joined.begin(), joined.end());
            }
        } else if (state_ == SessionState::Joining && !joinRequested_) {
            // As when a presence answer finds it: the room the join waited for is there.
            stateChange("room-available", out);
            Actions requested = sendJoinRequest(nowMs);
            out.insert(out.end(), requested.begin(), requested.end());
        }
    }
}

} // namespace rtcmc
