// embind surface of the data plane (src/dataplane/): the only way the JS facade reaches the
// transfer core. web/data/data-plane-driver.js owns each DataPlane it creates and delete()s it
// in leave()/close().
//
// The hot path crosses no string, object or array: every call takes and returns numbers, and
// the plane's answers are the commands it leaves in the wasm heap (src/dataplane/command.hpp),
// which JS reads through typed arrays over Module.HEAPU8.buffer:
//   header()   5 words: [address of the commands, their count, address of the notice text,
//              its length in bytes, 1 when a pump stopped short and resume() continues it],
//              rewritten by every call;
//   arena()    the address of the byte arena: a received packet is copied to arena + 0
//              (kMaxPacketBytes) before _receive(); commands' offsets count from it;
//   buffered() the address of one double per peer index: the channel's bufferedAmount, which
//              JS writes before each call.
// Every call that can produce commands returns their count. The heap may grow
// (ALLOW_MEMORY_GROWTH): the addresses stay, views over the old buffer must be made again.
//
// Strings cross only on calls that are rare by nature (a peer's userid when its channel is
// made, a file's name when it is sent, the reason a read failed); notices (a transfer started
// or ended, a packet refused) are JSON in the heap, decoded by JS only when they occur.
#include <emscripten/bind.h>

#include "dataplane/data_plane.hpp"
#include "engine/engine.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <string>

namespace rtcmc::dataplane {
namespace {

using emscripten::allow_raw_pointers;

class JsDataPlane {
public:
    // The send window (bytes) and the payload bytes per chunk; 0 keeps the default.
    JsDataPlane(std::uint32_t highWater, std::uint32_t lowWater, std::uint32_t chunkSize)
        : plane_(policyOf(highWater, lowWater, chunkSize)) {
        ++liveInstances_;
        publish();
    }
    ~JsDataPlane() { --liveInstances_; }
    JsDataPlane(const JsDataPlane&) = delete;
    JsDataPlane& operator=(const JsDataPlane&) = delete;

    // Planes not yet delete()d: the Jest suite checks that the facade leaks none.
    static int liveInstances() { return liveInstances_; }

    std::uintptr_t header() const { return reinterpret_cast<std::uintptr_t>(header_.data()); }
    std::uintptr_t arena() { return reinterpret_cast<std::uintptr_t>(plane_.arena()); }
    std::uintptr_t buffered() { return reinterpret_cast<std::uintptr_t>(plane_.bufferedAmounts()); }
    std::uint32_t lowWater() const { return plane_.policy().lowWater; }
    std::uint32_t chunkSize() const { return plane_.policy().chunkSize; }
    // Transfers the core holds open, for the facade's tests ("nothing half-open is left").
    std::uint32_t outgoingCount() const {
        return static_cast<std::uint32_t>(plane_.transfers().outgoingCount());
    }
    std::uint32_t incomingCount() const {
        return static_cast<std::uint32_t>(plane_.transfers().incomingCount());
    }

    // The peer's index, or -1 when too many peers have a channel.
    int attach(const std::string& userid) {
        auto index = plane_.attach(userid);
        return index ? static_cast<int>(index.value()) : -1;
    }
    std::uint32_t detach(std::uint32_t peer) {
        return after([&] { plane_.detach(peer); });
    }
    std::uint32_t channelOpened(std::uint32_t peer) {
        return after([&] { plane_.channelOpened(peer); });
    }
    std::uint32_t channelClosed(std::uint32_t peer) {
        return after([&] { plane_.channelClosed(peer); });
    }
    std::uint32_t pump(std::uint32_t peer) {
        return after([&] { plane_.pump(peer); });
    }
    std::uint32_t resume() {
        return after([&] { plane_.resume(); });
    }

    std::uint32_t sendFrame(std::uint32_t job, const std::string& to, std::uint32_t bytes) {
        return after([&] { plane_.sendFrame(job, to, bytes); });
    }
    // kind: a transfer::TransferKind value; size: bytes, a JS number (exact to 2^53).
    std::uint32_t sendTransfer(std::uint32_t job, const std::string& to, int kind,
                               const std::string& name, const std::string& type, double size) {
        TransferRequest request;
        request.kind = static_cast<transfer::TransferKind>(
            kind >= 0 && kind <= static_cast<int>(transfer::TransferKind::Binary) ? kind : 0);
        request.name = name;
        request.type = type;
        // A size that is not a whole number of bytes becomes one the core refuses.
        request.size = std::isfinite(size) && size >= 0 && std::floor(size) == size
                           ? static_cast<std::uint64_t>(size)
                           : transfer::kMaxTransferSize + 1;
        return after([&] { plane_.sendTransfer(job, to, request); });
    }
    std::uint32_t filled(std::uint32_t handle, std::uint32_t count) {
        return after([&] { plane_.filled(handle, count); });
    }
    std::uint32_t readFailed(std::uint32_t handle, const std::string& reason) {
        return after([&] { plane_.readFailed(handle, reason); });
    }
    std::uint32_t sendFailed(std::uint32_t handle, const std::string& reason) {
        return after([&] { plane_.sendFailed(handle, reason); });
    }
    // The packet is arena[0, length); `engine` (or null) knows the sender's extra.
    std::uint32_t receive(std::uint32_t peer, std::uint32_t length, const Engine* engine) {
        return after([&] { plane_.receive(peer, length, roomOf(engine)); });
    }
    std::uint32_t release() {
        return after([&] { plane_.release(); });
    }

    // The member's extra as JSON text, for the short messages JS receives itself: the facade
    // parses it again only when it changed.
    std::string extraOf(const Engine* engine, const std::string& userid) const {
        return std::string(DataPlane::extraOf(roomOf(engine), userid));
    }

private:
    static SendPolicy policyOf(std::uint32_t highWater, std::uint32_t lowWater,
                               std::uint32_t chunkSize) {
        SendPolicy policy;
        if (highWater > 0) {
            policy.highWater = highWater;
            policy.lowWater = lowWater;
        }
        if (chunkSize > 0) {
            policy.chunkSize = chunkSize;
        }
        return policy;
    }

    static const Room* roomOf(const Engine* engine) {
        return engine != nullptr && engine->room() ? &*engine->room() : nullptr;
    }

    template <typename Call> std::uint32_t after(Call call) {
        call();
        publish();
        return static_cast<std::uint32_t>(plane_.commands().size());
    }

    void publish() {
        header_[0] = reinterpret_cast<std::uintptr_t>(plane_.commandData());
        header_[1] = plane_.commands().size();
        header_[2] = reinterpret_cast<std::uintptr_t>(plane_.noticeText().data());
        header_[3] = plane_.noticeText().size();
        header_[4] = plane_.wantsResume() ? 1 : 0;
    }

    static inline int liveInstances_ = 0;

    DataPlane plane_;
    std::array<std::uintptr_t, 5> header_{};
};

} // namespace
} // namespace rtcmc::dataplane

EMSCRIPTEN_BINDINGS(rtcmc_data_plane) {
    using rtcmc::dataplane::JsDataPlane;
    emscripten::class_<JsDataPlane>("DataPlane")
        .constructor<std::uint32_t, std::uint32_t, std::uint32_t>()
        .class_function("liveInstances", &JsDataPlane::liveInstances)
        .function("header", &JsDataPlane::header)
        .function("arena", &JsDataPlane::arena)
        .function("buffered", &JsDataPlane::buffered)
        .function("lowWater", &JsDataPlane::lowWater)
        .function("chunkSize", &JsDataPlane::chunkSize)
        .function("outgoingCount", &JsDataPlane::outgoingCount)
        .function("incomingCount", &JsDataPlane::incomingCount)
        .function("attach", &JsDataPlane::attach)
        .function("detach", &JsDataPlane::detach)
        .function("channelOpened", &JsDataPlane::channelOpened)
        .function("channelClosed", &JsDataPlane::channelClosed)
        .function("pump", &JsDataPlane::pump)
        .function("resume", &JsDataPlane::resume)
        .function("sendFrame", &JsDataPlane::sendFrame)
        .function("sendTransfer", &JsDataPlane::sendTransfer)
        .function("filled", &JsDataPlane::filled)
        .function("readFailed", &JsDataPlane::readFailed)
        .function("sendFailed", &JsDataPlane::sendFailed)
        .function("receive", &JsDataPlane::receive, emscripten::allow_raw_pointers())
        .function("release", &JsDataPlane::release)
        .function("extraOf", &JsDataPlane::extraOf, emscripten::allow_raw_pointers());
}
