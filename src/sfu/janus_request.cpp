#include "sfu/janus_request.hpp"

#include "common/json_text.hpp"

namespace rtcmc::sfu {
namespace {

nlohmann::json frame(const char* kind, const std::string& transaction) {
    nlohmann::json out = nlohmann::json::object();
    out["janus"] = kind;
    out["transaction"] = transaction;
    return out;
}

nlohmann::json onSession(const char* kind, const std::string& transaction, std::uint64_t session) {
    nlohmann::json out = frame(kind, transaction);
    out["session_id"] = session;
    return out;
}

nlohmann::json onHandle(const char* kind, const std::string& transaction, std::uint64_t session,
                        std::uint64_t handle) {
    nlohmann::json out = onSession(kind, transaction, session);
    out["handle_id"] = handle;
    return out;
}

} // namespace

std::string encodeCreate(const std::string& transaction) {
    return writeJson(frame("create", transaction));
}

std::string encodeAttach(const std::string& transaction, std::uint64_t session) {
    nlohmann::json out = onSession("attach", transaction, session);
    out["plugin"] = kVideoRoomPlugin;
    return writeJson(out);
}

std::string encodeKeepalive(const std::string& transaction, std::uint64_t session) {
    return writeJson(onSession("keepalive", transaction, session));
}

std::string encodeMessage(const std::string& transaction, std::uint64_t session,
                          std::uint64_t handle, const nlohmann::json& body,
                          const std::optional<Jsep>& jsep) {
    nlohmann::json out = onHandle("message", transaction, session, handle);
    out["body"] = body;
    if (jsep) {
        nlohmann::json description = nlohmann::json::object();
        description["type"] = jsep->type;
        description["sdp"] = jsep->sdp;
        out["jsep"] = std::move(description);
    }
    return writeJson(out);
}

std::string encodeTrickle(const std::string& transaction, std::uint64_t session,
                          std::uint64_t handle, const nlohmann::json& candidate) {
    nlohmann::json out = onHandle("trickle", transaction, session, handle);
    out["candidate"] = candidate;
    return writeJson(out);
}

std::string encodeTrickleCompleted(const std::string& transaction, std::uint64_t session,
                                   std::uint64_t handle) {
    nlohmann::json out = onHandle("trickle", transaction, session, handle);
    nlohmann::json completed = nlohmann::json::object();
    completed["completed"] = true;
    out["candidate"] = std::move(completed);
    return writeJson(out);
}

std::string encodeDetach(const std::string& transaction, std::uint64_t session,
                         std::uint64_t handle) {
    return writeJson(onHandle("detach", transaction, session, handle));
}

std::string encodeDestroy(const std::string& transaction, std::uint64_t session) {
    return writeJson(onSession("destroy", transaction, session));
}

} // namespace rtcmc::sfu
