// One room as its members see it: who is in it in join order (with each member's extra data),
// who owns it, and the rules for joining, leaving, ejection and handover. Plain bookkeeping:
// no messages are sent from here; the engine turns outcomes into actions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "session/direction.hpp"
#include "session/session_type.hpp"

namespace rtcmc {

struct Member {
    std::string userid;
    std::string extra; // JSON text of the member's extra data ("{}" when none)
    SessionType joinedAs;
};

struct RoomPolicy {
    SessionType session = defaultSession();
    Direction direction = Direction::ManyToMany;
    std::size_t maxParticipantsAllowed = 1000; // participants besides the owner
    bool autoCloseEntireSession = false;
    // The room's media goes through the server's SFU (Janus): each member publishes once and
    // subscribes to the others; peer links carry data only (engine_sfu.cpp).
    bool sfu = false;
};

// What happened when a member left.
struct LeaveOutcome {
    Member member;                       // who left
    std::optional<std::string> newOwner; // set when the owner left and ownership passed on
    bool closed = false;                 // the room is over (autoCloseEntireSession, or now empty)
};

class Room {
public:
    Room(std::string roomid, Member owner, RoomPolicy policy);

    const std::string& id() const { return id_; }
    const std::string& owner() const { return owner_; }
    const RoomPolicy& policy() const { return policy_; }
    const std::vector<Member>& members() const { return members_; } // join order, owner included

    bool contains(const std::string& userid) const;
    const Member* find(const std::string& userid) const;
    bool isFull() const;
    std::size_t participantCount() const { return members_.size(); } // owner included

    // Adds a member at the end of the join order. Errors: AlreadyMember, RoomFull.
    Status admit(Member member);

    // Removes a member who left on their own. The owner leaving hands the room to the
    // longest-present member, unless autoCloseEntireSession closes it. Error: UnknownUser.
    Result<LeaveOutcome> remove(const std::string& userid);

    // Only the owner may eject, and not itself. Errors: NotOwner, UnknownUser, InvalidArgument.
    Result<Member> eject(const std::string& by, const std::string& target);

    // Ownership passes explicitly (e.g. told by the signaling server). Error: UnknownUser.
    Status setOwner(const std::string& userid);

    Status updateExtra(const std::string& userid, std::string extra);

private:
    std::string id_;
    std::string owner_;
    RoomPolicy policy_;
    std::vector<Member> members_;
};

} // namespace rtcmc
