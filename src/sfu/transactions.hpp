// The requests sent to Janus that still wait for their reply: each transaction id with what it
// was for and the time by which a reply must come. A reply for an id not in the table (never
// sent, already answered, or past its deadline) is dropped by the caller with a reason.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rtcmc::sfu {

enum class Purpose {
    CreateSession,
    AttachPublisher,
    AttachSubscriber,
    Keepalive,
    JoinPublisher,
    Publish,
    Unpublish,
    Leave,
    JoinSubscriber,
    Start,
    Subscribe,
    Unsubscribe,
    Trickle,
    Detach,
    Destroy,
};

// "create", "join", ...: the request's name in error texts.
const char* purposeName(Purpose purpose);

struct Pending {
    std::string id;
    Purpose purpose;
    std::uint64_t deadlineMs; // no reply by then: the request is lost
    bool acked = false;       // Janus acknowledged it; the event with the answer is still due
};

class Transactions {
public:
    // Records a new request and returns its transaction id (unique for this table's life).
    std::string open(Purpose purpose, std::uint64_t nowMs, std::uint64_t deadlineMs);
    const Pending* find(const std::string& id) const;
    void markAcked(const std::string& id);
    // Removes and returns the request, if outstanding.
    std::optional<Pending> close(const std::string& id);
    // Removes and returns the requests whose deadline is at or before nowMs, oldest first.
    std::vector<Pending> expire(std::uint64_t nowMs);
    std::size_t size() const { return pending_.size(); }
    void clear() { pending_.clear(); }

private:
    std::vector<Pending> pending_;
    std::uint64_t next_ = 1;
};

} // namespace rtcmc::sfu
