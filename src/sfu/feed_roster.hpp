// The remote feeds (publishers) of the room as the videoroom plugin announces them: the
// "publishers" list of the joined event and of later events, "unpublished" and "leaving".
// Our own feed is never in it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rtcmc::sfu {

struct Feed {
    std::uint64_t id = 0;
    std::string display; // the publisher's display name (our pages put their userid there)
    std::vector<std::string> mids; // its media lines as announced (kMaxStreamsPerFeed at most)
};

// A media line a known feed added after it was announced (a screen shared during the call).
struct FeedStream {
    std::uint64_t feed = 0;
    std::string mid;
};

struct RosterChange {
    std::vector<Feed> added;
    std::vector<Feed> removed;
    std::vector<std::uint64_t> refused; // feeds over the room's limit
    std::vector<FeedStream> streamsAdded;
};

class FeedRoster {
public:
    FeedRoster(std::uint64_t ownFeed, std::size_t maxFeeds) : own_(ownFeed), max_(maxFeeds) {}
    void setOwnFeed(std::uint64_t ownFeed) { own_ = ownFeed; }

    // Applies the roster fields of a videoroom event's data ("publishers", "unpublished",
    // "leaving"); entries with a missing or mistyped id are skipped. A known feed announced
    // again with media lines it did not have (its "streams", disabled ones aside) reports
    // them in streamsAdded.
    RosterChange apply(const nlohmann::json& data);
    RosterChange removeAll();
    bool has(std::uint64_t id) const;
    const std::vector<Feed>& feeds() const { return feeds_; }

private:
    void remove(std::uint64_t id, RosterChange& change);
    Feed* find(std::uint64_t id);

    std::uint64_t own_;
    std::size_t max_;
    std::vector<Feed> feeds_;
};

} // namespace rtcmc::sfu
