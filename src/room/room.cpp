#include "room/room.hpp"

#include <algorithm>
#include <utility>

namespace rtcmc {

Room::Room(std::string roomid, Member owner, RoomPolicy policy)
    : id_(std::move(roomid)), owner_(owner.userid), policy_(policy) {
    members_.push_back(std::move(owner));
}

bool Room::contains(const std::string& userid) const {
    return find(userid) != nullptr;
}

const Member* Room::find(const std::string& userid) const {
    auto it = std::find_if(members_.begin(), members_.end(),
                           [&](const Member& member) { return member.userid == userid; });
    return it == members_.end() ? nullptr : &*it;
}

bool Room::isFull() const {
    // The owner does not count against maxParticipantsAllowed.
    return members_.size() - 1 >=
           participantLimit(policy_.direction, policy_.maxParticipantsAllowed);
}

Status Room::admit(Member member) {
    if (contains(member.userid)) {
        return makeError(ErrorCode::AlreadyMember, {TextId::AlreadyInRoom, {member.userid, id_}});
    }
    if (isFull()) {
        const std::size_t limit =
            participantLimit(policy_.direction, policy_.maxParticipantsAllowed);
        return makeError(ErrorCode::RoomFull, {TextId::RoomIsFull, {id_, limit}});
    }
    members_.push_back(std::move(member));
    return okStatus();
}

Result<LeaveOutcome> Room::remove(const std::string& userid) {
    auto it = std::find_if(members_.begin(), members_.end(),
                           [&](const Member& member) { return member.userid == userid; });
    if (it == members_.end()) {
        return makeError(ErrorCode::UnknownUser, {TextId::NotInRoom, {userid, id_}});
    }
    LeaveOutcome outcome{*it, std::nullopt, false};
    members_.erase(it);
    if (members_.empty()) {
        outcome.closed = true;
        return outcome;
    }
    if (userid == owner_) {
        if (policy_.autoCloseEntireSession) {
            outcome.closed = true;
            return outcome;
        }
        // members_ is in join order, so the front is the longest-present member.
        owner_ = members_.front().userid;
        outcome.newOwner = owner_;
    }
    return outcome;
}

Result<Member> Room::eject(const std::string& by, const std::string& target) {
    if (by != owner_) {
        return makeError(ErrorCode::NotOwner, {TextId::OnlyOwnerEjects, {id_, by}});
    }
    if (target == owner_) {
        return makeError(ErrorCode::InvalidArgument, {TextId::OwnerCannotEjectItself});
    }
    auto it = std::find_if(members_.begin(), members_.end(),
                           [&](const Member& member) { return member.userid == target; });
    if (it == members_.end()) {
        return makeError(ErrorCode::UnknownUser, {TextId::CannotEjectAbsent, {target, id_}});
    }
    Member ejected = *it;
    members_.erase(it);
    return ejected;
}

Status Room::setOwner(const std::string& userid) {
    if (!contains(userid)) {
        return makeError(ErrorCode::UnknownUser, {TextId::CannotMakeAbsentOwner, {userid, id_}});
    }
    owner_ = userid;
    return okStatus();
}

Status Room::updateExtra(const std::string& userid, std::string extra) {
    auto it = std::find_if(members_.begin(), members_.end(),
                           [&](const Member& member) { return member.userid == userid; });
    if (it == members_.end()) {
        return makeError(ErrorCode::UnknownUser, {TextId::NotInRoom, {userid, id_}});
    }
    it->extra = std::move(extra);
    return okStatus();
}

} // namespace rtcmc
