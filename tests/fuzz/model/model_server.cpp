#include "model_server.hpp"

#include <algorithm>

namespace rtcmc::fuzz::model {

using nlohmann::json;

namespace {

json failure(const char* code, const std::string& message) {
    return {{"ok", false}, {"error", {{"code", code}, {"message", message}}}};
}

json parsed(const std::string& text) {
    json value = json::parse(text, nullptr, false);
    return value.is_object() ? value : json::object();
}

std::string text(const json& object, const char* field) {
    auto it = object.find(field);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool isFull(const ModelServer::Room& room) {
    return room.members.size() >= static_cast<std::size_t>(room.maxParticipantsAllowed) + 1;
}

} // namespace

bool ModelServer::isMember(const std::string& roomid, const std::string& userid) const {
    auto room = rooms_.find(roomid);
    return room != rooms_.end() &&
           std::find(room->second.members.begin(), room->second.members.end(), userid) !=
               room->second.members.end();
}

void ModelServer::reply(const std::string& userid, const std::string& name,
                        const std::string& asked, const json& answer) {
    deliver_(userid, ServerMessage{ServerMessage::Kind::Reply, name, answer.dump(), {}, asked});
}

void ModelServer::emit(const std::string& userid, const std::string& event, const json& payload) {
    deliver_(userid, ServerMessage{ServerMessage::Kind::Event, event, payload.dump(), {}, {}});
}

json ModelServer::roomView(const std::string& roomid) const {
    const Room& room = rooms_.at(roomid);
    json members = json::array();
    for (const std::string& member : room.members) {
        members.push_back({{"userid", member}, {"extra", room.extra.at(member)}, {"joinedAt", 0}});
    }
    return {{"roomid", roomid},
            {"owner", room.owner},
            {"members", members},
            {"maxParticipantsAllowed", room.maxParticipantsAllowed},
            {"autoCloseEntireSession", room.autoCloseEntireSession},
            {"session", room.session},
            {"direction", room.direction},
            {"isPasswordProtected", !room.password.empty()},
            {"extra", room.extra.at(room.owner)}};
}

json ModelServer::publicView(const std::string& roomid) const {
    const Room& room = rooms_.at(roomid);
    return {{"roomid", roomid},
            {"owner", room.owner},
            {"extra", room.extra.at(room.owner)},
            {"participants", room.members.size()},
            {"maxParticipantsAllowed", room.maxParticipantsAllowed},
            {"isFull", isFull(room)},
            {"isPasswordProtected", !room.password.empty()},
            {"session", room.session},
            {"direction", room.direction}};
}

json ModelServer::roomList() const {
    json list = json::array();
    for (const auto& entry : rooms_) {
        list.push_back(publicView(entry.first));
    }
    return list;
}

void ModelServer::roomListChanged() {
    for (const std::string& subscriber : subscribers_) {
        emit(subscriber, "room-list", {{"rooms", roomList()}});
    }
}

void ModelServer::connect(const std::string& userid) {
    emit(userid, "welcome", {{"userid", userid}, {"resumed", false}});
}

// rooms.js departure(): who is left, and what happens to the room.
ModelServer::Departure ModelServer::depart(const std::string& roomid, const std::string& userid,
                                           const std::string& reason) {
    Room& room = rooms_.at(roomid);
    Departure out{roomid, userid, room.extra[userid], reason, "left", {}, room.owner};
    room.members.erase(std::find(room.members.begin(), room.members.end(), userid));
    out.remaining = room.members;
    if (room.members.empty()) {
        out.outcome = "empty";
        rooms_.erase(roomid);
    } else if (userid != room.owner) {
        out.outcome = "left";
    } else if (room.autoCloseEntireSession) {
        out.outcome = "closed";
        rooms_.erase(roomid);
    } else {
        out.outcome = "handover";
        room.owner = room.members.front();
        room.ejected.clear();
        out.owner = room.owner;
    }
    return out;
}

// signaling.js announceDeparture(): owner-changed before member-left.
void ModelServer::announceDeparture(const Departure& departure) {
    if (departure.outcome == "closed") {
        for (const std::string& member : departure.remaining) {
            emit(member, "room-closed", {{"roomid", departure.roomid}, {"reason", "owner-left"}});
        }
    } else if (departure.outcome != "empty") {
        if (departure.outcome == "handover") {
            for (const std::string& member : departure.remaining) {
                emit(member, "owner-changed",
                     {{"roomid", departure.roomid}, {"owner", departure.owner}});
            }
        }
        for (const std::string& member : departure.remaining) {
            emit(member, "member-left",
                 {{"roomid", departure.roomid},
                  {"userid", departure.userid},
                  {"extra", departure.extra},
                  {"reason", departure.reason}});
            emit(member, "user-status",
                 {{"roomid", departure.roomid},
                  {"userid", departure.userid},
                  {"status", "offline"},
                  {"extra", departure.extra}});
        }
    }
    roomListChanged();
}

void ModelServer::request(const std::string& userid, const std::string& name,
                          const std::string& payload) {
    const json body = parsed(payload);
    const std::string roomid = text(body, "roomid");
    if (name == "open-room") {
        if (rooms_.count(roomid)) {
            return reply(userid, name, payload,
                         failure("ROOM_EXISTS", "room \"" + roomid + "\" already exists"));
        }
        Room room;
        room.owner = userid;
        room.members = {userid};
        room.extra[userid] = body.value("extra", json::object());
        room.password = text(body, "password");
        room.maxParticipantsAllowed = body.value("maxParticipantsAllowed", 1000u);
        room.autoCloseEntireSession = body.value("autoCloseEntireSession", false);
        room.session = body.value("session", json());
        room.direction = body.value("direction", json());
        rooms_[roomid] = room;
        reply(userid, name, payload, {{"ok", true}, {"room", roomView(roomid)}});
        return roomListChanged();
    }
    if (name == "join-room") {
        auto found = rooms_.find(roomid);
        if (found == rooms_.end()) {
            return reply(userid, name, payload, failure("ROOM_NOT_FOUND", "no room " + roomid));
        }
        Room& room = found->second;
        if (isMember(roomid, userid)) {
            return reply(userid, name, payload, failure("ALREADY_IN_ROOM", "already in it"));
        }
        if (room.ejected.count(userid)) {
            return reply(userid, name, payload, failure("EJECTED", "you were ejected"));
        }
        if (!room.password.empty() && text(body, "password") != room.password) {
            return reply(userid, name, payload, failure("WRONG_PASSWORD", "wrong password"));
        }
        if (isFull(room)) {
            return reply(userid, name, payload, failure("ROOM_FULL", "room is full"));
        }
        const json extra = body.value("extra", json::object());
        for (const std::string& member : room.members) {
            emit(member, "member-joined",
                 {{"roomid", roomid}, {"userid", userid}, {"extra", extra}});
            emit(member, "user-status",
                 {{"roomid", roomid}, {"userid", userid}, {"status", "online"}, {"extra", extra}});
        }
        room.members.push_back(userid);
        room.extra[userid] = extra;
        reply(userid, name, payload, {{"ok", true}, {"room", roomView(roomid)}});
        return roomListChanged();
    }
    if (name == "leave-room") {
        if (!rooms_.count(roomid)) {
            return reply(userid, name, payload, failure("ROOM_NOT_FOUND", "no room " + roomid));
        }
        if (!isMember(roomid, userid)) {
            return reply(userid, name, payload, failure("NOT_IN_ROOM", "not in room " + roomid));
        }
        announceDeparture(depart(roomid, userid, "left"));
        return reply(userid, name, payload, {{"ok", true}});
    }
    if (name == "close-room") {
        auto found = rooms_.find(roomid);
        if (found == rooms_.end() || found->second.owner != userid) {
            return reply(userid, name, payload, failure("NOT_OWNER", "not the owner"));
        }
        const std::vector<std::string> members = found->second.members;
        rooms_.erase(found);
        for (const std::string& member : members) {
            emit(member, "room-closed", {{"roomid", roomid}, {"reason", "closed-by-owner"}});
        }
        roomListChanged();
        return reply(userid, name, payload, {{"ok", true}});
    }
    if (name == "eject") {
        const std::string target = text(body, "userid");
        auto found = rooms_.find(roomid);
        if (found == rooms_.end() || found->second.owner != userid) {
            return reply(userid, name, payload, failure("NOT_OWNER", "only the owner ejects"));
        }
        if (target == userid) {
            return reply(userid, name, payload, failure("CANNOT_EJECT_SELF", "eject yourself?"));
        }
        if (!isMember(roomid, target)) {
            return reply(userid, name, payload, failure("UNKNOWN_USER", "no such member"));
        }
        const Departure departure = depart(roomid, target, "ejected");
        if (rooms_.count(roomid)) {
            rooms_.at(roomid).ejected.insert(target);
        }
        emit(target, "ejected", {{"roomid", roomid}, {"by", userid}});
        announceDeparture(departure);
        return reply(userid, name, payload, {{"ok", true}});
    }
    if (name == "check-presence") {
        if (!rooms_.count(roomid)) {
            return reply(userid, name, payload, {{"ok", true}, {"exists", false}});
        }
        return reply(userid, name, payload,
                     {{"ok", true}, {"exists", true}, {"room", publicView(roomid)}});
    }
    if (name == "subscribe-rooms" || name == "list-rooms") {
        if (name == "subscribe-rooms") {
            subscribers_.insert(userid);
        }
        return reply(userid, name, payload, {{"ok", true}, {"rooms", roomList()}});
    }
    if (name == "update-extra") {
        const json extra = body.value("extra", json::object());
        bool ownerChanged = false;
        for (auto& [id, room] : rooms_) {
            if (!isMember(id, userid)) {
                continue;
            }
            room.extra[userid] = extra;
            ownerChanged = ownerChanged || room.owner == userid;
            for (const std::string& member : room.members) {
                if (member != userid) {
                    emit(member, "extra-updated",
                         {{"roomid", id}, {"userid", userid}, {"extra", extra}});
                }
            }
        }
        reply(userid, name, payload, {{"ok", true}});
        if (ownerChanged) {
            roomListChanged();
        }
        return;
    }
    reply(userid, name, payload, failure("UNKNOWN_EVENT", "unknown request " + name));
}

void ModelServer::relay(const std::string& userid, const std::string& to, const std::string& text) {
    const std::string roomid = model::text(parsed(text), "room");
    if (!isMember(roomid, userid)) {
        return; // NOT_IN_ROOM: the facade's relay has no acknowledgement, so nobody hears it
    }
    const ServerMessage message{ServerMessage::Kind::Relay, {}, text, userid, {}};
    if (!to.empty()) {
        if (isMember(roomid, to)) {
            deliver_(to, message);
        }
        return;
    }
    for (const std::string& member : rooms_.at(roomid).members) {
        if (member != userid) {
            deliver_(member, message);
        }
    }
}

void ModelServer::disconnect(const std::string& userid) {
    subscribers_.erase(userid);
    std::vector<std::string> theirs;
    for (const auto& entry : rooms_) {
        if (isMember(entry.first, userid)) {
            theirs.push_back(entry.first);
        }
    }
    for (const std::string& roomid : theirs) {
        announceDeparture(depart(roomid, userid, "disconnected"));
    }
}

} // namespace rtcmc::fuzz::model
