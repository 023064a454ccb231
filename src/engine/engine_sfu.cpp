// Engine: what this side does in a room whose media goes through the server's SFU (Janus).
// The rules are the mesh's (session/direction.hpp): a member publishes when it would send on
// its links, and receives the feeds of the members it would be linked with. The browser's SFU
// driver (web/sfu/) follows the plan and hands remote tracks back as remote streams.
#include "engine/engine.hpp"

namespace rtcmc {

using nlohmann::json;

nlohmann::json Engine::sfuPlan() const {
    if (!room_ || !room_->policy().sfu) {
        return nullptr;
    }
    const RoomPolicy& policy = room_->policy();
    const bool selfIsOwner = room_->owner() == config_.userid;
    const MediaPlan plan = planMedia(policy.direction, policy.session, sendAs(), selfIsOwner);
    const char* receiveFrom = "everyone";
    if (!plan.receiveAudio && !plan.receiveVideo) {
        receiveFrom = "nobody";
    } else if (!shouldConnect(policy.direction, false, selfIsOwner)) {
        // Outside many-to-many, a participant is linked with the owner only.
        receiveFrom = "owner";
    }
    return json{
        {"publish", plan.sendsMedia()}, {"receiveFrom", receiveFrom}, {"owner", room_->owner()}};
}

bool Engine::sendsMediaToUs(const std::string& userid) const {
    if (links_.count(userid)) {
        return true;
    }
    if (!room_ || !room_->policy().sfu || userid == config_.userid || !room_->contains(userid)) {
        return false;
    }
    const bool selfIsOwner = room_->owner() == config_.userid;
    return shouldConnect(room_->policy().direction, room_->owner() == userid, selfIsOwner);
}

} // namespace rtcmc
