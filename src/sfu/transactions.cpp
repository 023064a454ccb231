#include "sfu/transactions.hpp"

#include "common/json_text.hpp"

namespace rtcmc::sfu {

const char* purposeName(Purpose purpose) {
    switch (purpose) {
    case Purpose::CreateSession:
        return "create";
    case Purpose::AttachPublisher:
    case Purpose::AttachSubscriber:
        return "attach";
    case Purpose::Keepalive:
        return "keepalive";
    case Purpose::JoinPublisher:
    case Purpose::JoinSubscriber:
        return "join";
    case Purpose::Publish:
        return "publish";
    case Purpose::Unpublish:
        return "unpublish";
    case Purpose::Leave:
        return "leave";
    case Purpose::Start:
        return "start";
    case Purpose::Subscribe:
        return "subscribe";
    case Purpose::Unsubscribe:
        return "unsubscribe";
    case Purpose::Trickle:
        return "trickle";
    case Purpose::Detach:
        return "detach";
    case Purpose::Destroy:
        return "destroy";
    }
    return "?";
}

std::string Transactions::open(Purpose purpose, std::uint64_t nowMs, std::uint64_t deadlineMs) {
    std::string id = "rtcmc-";
    appendDecimal(id, next_++);
    pending_.push_back(Pending{id, purpose, nowMs + deadlineMs, false});
    return id;
}

const Pending* Transactions::find(const std::string& id) const {
    for (const Pending& pending : pending_) {
        if (pending.id == id) {
            return &pending;
        }
    }
    return nullptr;
}

void Transactions::markAcked(const std::string& id) {
    for (Pending& pending : pending_) {
        if (pending.id == id) {
            pending.acked = true;
        }
    }
}

std::optional<Pending> Transactions::close(const std::string& id) {
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
        if (it->id == id) {
            Pending pending = std::move(*it);
            pending_.erase(it);
            return pending;
        }
    }
    return std::nullopt;
}

std::vector<Pending> Transactions::expire(std::uint64_t nowMs) {
    std::vector<Pending> expired;
    std::vector<Pending> kept;
    for (Pending& pending : pending_) {
        (pending.deadlineMs <= nowMs ? expired : kept).push_back(std::move(pending));
    }
    pending_ = std::move(kept);
    return expired;
}

} // namespace rtcmc::sfu
