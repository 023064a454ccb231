#include "sfu/feed_roster.hpp"

#include <algorithm>

#include "sfu/json_fields.hpp"
#include "sfu/limits.hpp"

namespace rtcmc::sfu {
namespace {

// The mids of a publishers entry's "streams", without the disabled ones (a line the publisher
// removed), at most kMaxStreamsPerFeed.
std::vector<std::string> activeMids(const nlohmann::json& entry) {
    std::vector<std::string> mids;
    const nlohmann::json* streams = arrayField(entry, "streams");
    if (!streams) {
        return mids;
    }
    for (const nlohmann::json& stream : *streams) {
        const nlohmann::json* disabled = member(stream, "disabled");
        if (disabled && disabled->is_boolean() && disabled->get<bool>()) {
            continue;
        }
        std::optional<std::string> mid = stringField(stream, "mid");
        if (mid && mids.size() < kMaxStreamsPerFeed) {
            mids.push_back(*mid);
        }
    }
    return mids;
}

} // namespace

Feed* FeedRoster::find(std::uint64_t id) {
    for (Feed& feed : feeds_) {
        if (feed.id == id) {
            return &feed;
        }
    }
    return nullptr;
}

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
            if (!id || *id == 0 || *id == own_) {
                continue;
            }
            if (Feed* known = find(*id)) {
                for (std::string& mid : activeMids(entry)) {
                    if (std::find(known->mids.begin(), known->mids.end(), mid) ==
                            known->mids.end() &&
                        known->mids.size() < kMaxStreamsPerFeed) {
                        known->mids.push_back(mid);
                        change.streamsAdded.push_back(FeedStream{*id, std::move(mid)});
                    }
                }
                continue;
            }
            if (feeds_.size() >= max_) {
                change.refused.push_back(*id);
                continue;
            }
            Feed feed{*id, stringField(entry, "display").value_or(std::string()),
                      activeMids(entry)};
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
