// The signaling server inside the model fuzzer: the rules of server/rooms.js and
// server/signaling.js (docs/server.md) in memory, for engines with RoomAuthority::Server. It
// decides membership, ownership, passwords, limits and ejection, remembers ejected users until
// the owner changes, relays peer messages only between members of a room (stamping the sender),
// pushes room lists to subscribers, and emits owner-changed before member-left.
//
// It writes nothing itself: every reply, event and relayed message goes through `deliver`, to
// the recipient's connection, where the model queues it in order.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rtcmc::fuzz::model {

struct ServerMessage {
    enum class Kind { Relay, Event, Reply };
    Kind kind = Kind::Event;
    std::string name;    // event or request name ("" for a relay)
    std::string payload; // JSON text, or the relayed signal
    std::string from;    // a relay's sender, as the server stamps it
    std::string asked;   // a reply's request payload
};

class ModelServer {
public:
    using Deliver = std::function<void(const std::string& userid, ServerMessage message)>;

    explicit ModelServer(Deliver deliver) : deliver_(std::move(deliver)) {}

    // A request with an acknowledgement (open-room, join-room, ...).
    void request(const std::string& userid, const std::string& name, const std::string& payload);
    // A peer message to one member of the sender's room, or to all of them (`to` empty). The
    // room is the signal's own "room" field, as the facade sends connection.sessionid.
    void relay(const std::string& userid, const std::string& to, const std::string& text);
    // The connection is gone: the user leaves every room as "disconnected".
    void disconnect(const std::string& userid);
    // A (new) connection: the welcome of docs/server.md, "Resuming" (never resumed here).
    void connect(const std::string& userid);

    struct Room {
        std::string owner;
        std::vector<std::string> members; // join order
        std::map<std::string, nlohmann::json> extra;
        std::string password;
        std::uint32_t maxParticipantsAllowed = 1000;
        bool autoCloseEntireSession = false;
        nlohmann::json session;
        nlohmann::json direction;
        std::set<std::string> ejected;
    };
    const std::map<std::string, Room>& rooms() const { return rooms_; }

private:
    struct Departure {
        std::string roomid;
        std::string userid;
        nlohmann::json extra;
        std::string reason;
        std::string outcome; // left, handover, closed, empty
        std::vector<std::string> remaining;
        std::string owner;
    };

    void reply(const std::string& userid, const std::string& name, const std::string& asked,
               const nlohmann::json& answer);
    void emit(const std::string& userid, const std::string& event, const nlohmann::json& payload);
    Departure depart(const std::string& roomid, const std::string& userid,
                     const std::string& reason);
    void announceDeparture(const Departure& departure);
    void roomListChanged();
    nlohmann::json roomView(const std::string& roomid) const;
    nlohmann::json publicView(const std::string& roomid) const;
    nlohmann::json roomList() const;
    bool isMember(const std::string& roomid, const std::string& userid) const;

    Deliver deliver_;
    std::map<std::string, Room> rooms_;
    std::set<std::string> subscribers_; // of room lists
};

} // namespace rtcmc::fuzz::model
