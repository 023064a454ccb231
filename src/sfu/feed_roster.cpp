#include "sfu/feed_roster.hpp"

#include "sfu/json_fields.hpp"

namespace rtcmc::sfu {

bool FeedRoster::has(std::uint64_t id) const {
    for (const Feed& feed : feeds_) {
        if (feed.id == id) {
            return true;
        }
    }
    return false;
}

void FeedRoster::remove(std::uint64_t id, RosterChange& change) {
    for (auto it = feeds_.begin(); it != feeds_.end(); ++it) {
        if (it->id == id) {
            change.removed.push_back(std::move(*it));
            feeds_.erase(it);
            return;
        }
    }
}

RosterChange FeedRoster::apply(const nlohmann::json& data) {
    RosterChange change;
    if (const nlohmann::json* publishers = arrayField(data, "publishers")) {
        for (const nlohmann::json& entry : *publishers) {
            std::optional<std::uint64_t> id = unsignedField(entry, "id");
            if (!id || *id == 0 || *id == own_ || has(*id)) {
                continue;
            }
            if (feeds_.size() >= max_) {
                change.refused.push_back(*id);
                continue;
            }
            Feed feed{*id, stringField(entry, "display").value_or(std::string())};
            feeds_.push_back(feed);
            change.added.push_back(std::move(feed));
        }
    }
    // "leaving" and "unpublished" carry a feed id, or "ok" when it is about ourselves.
    for (const char* name : {"unpublished", "leaving"}) {
        if (std::optional<std::uint64_t> id = unsignedField(data, name)) {
            remove(*id, change);
        }
    }
    return change;
}

RosterChange FeedRoster::removeAll() {
    RosterChange change;
    change.removed = std::move(feeds_);
    feeds_.clear();
    return change;
}

} // namespace rtcmc::sfu
