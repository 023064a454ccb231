// embind surface of the data plane (src/dataplane/): the only way the JS facade reaches the
// transfer core. web/data/data-plane-driver.js owns each DataPlane it creates and delete()s it
// in leave()/close(). Planes are reached by integer handles (handle_table.hpp):
// bindings/handles.js wraps the `_dataPlane*` functions below as Module.DataPlane, whose
// methods are JsDataPlane's.
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

#include "engine_handles.hpp"
#include "handle_table.hpp"

#include "dataplane/data_plane.hpp"
#include "engine/engine.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>

namespace rtcmc::dataplane {
namespace {

// The calls that take and return numbers only, by their number in `_dataPlaneCall(handle, op,
// a, b)`: one embind function for all of them instead of one each (each costs the wasm an
// invoker and a registration). bindings/handles.js lists the same names in the same order.
enum class PlaneCall : std::uint32_t {
    Header,        // the address of the 5 header words
    Arena,         // the address of the byte arena
    Buffered,      // the address of the bufferedAmount doubles
    OutgoingCount, // transfers the core holds open, for the facade's tests
    IncomingCount,
    Detach,        // a = peer
    ChannelOpened, // a = peer
    ChannelClosed, // a = peer
    Pump,          // a = peer
    Resume,
    Filled, // a = handle, b = count
    Release,
};

class JsDataPlane {
public:
    // The send window (bytes) and the payload bytes per chunk; 0 keeps the default.
    JsDataPlane(std::uint32_t highWater, std::uint32_t lowWater, std::uint32_t chunkSize)
        : plane_(policyOf(highWater, lowWater, chunkSize)) {
        publish();
    }
    JsDataPlane(const JsDataPlane&) = delete;
    JsDataPlane& operator=(const JsDataPlane&) = delete;

    // A query's answer, or the count of the commands a call left.
    std::uint32_t call(std::uint32_t op, std::uint32_t a, std::uint32_t b) {
        switch (static_cast<PlaneCall>(op)) {
        case PlaneCall::Header:
            return address(header_.data());
        case PlaneCall::Arena:
            return address(plane_.arena());
        case PlaneCall::Buffered:
            return address(plane_.bufferedAmounts());
        case PlaneCall::OutgoingCount:
            return static_cast<std::uint32_t>(plane_.transfers().outgoingCount());
        case PlaneCall::IncomingCount:
            return static_cast<std::uint32_t>(plane_.transfers().incomingCount());
        case PlaneCall::Detach:
            plane_.detach(a);
            break;
        case PlaneCall::ChannelOpened:
            plane_.channelOpened(a);
            break;
        case PlaneCall::ChannelClosed:
            plane_.channelClosed(a);
            break;
        case PlaneCall::Pump:
            plane_.pump(a);
            break;
        case PlaneCall::Resume:
            plane_.resume();
            break;
        case PlaneCall::Filled:
            plane_.filled(a, b);
            break;
        case PlaneCall::Release:
            plane_.release();
            break;
        default:
            return 0;
        }
        return published();
    }

    // The peer's index, or -1 when too many peers have a channel.
    int attach(const std::string& userid) {
        auto index = plane_.attach(userid);
        return index ? static_cast<int>(index.value()) : -1;
    }

    std::uint32_t sendFrame(std::uint32_t job, const std::string& to, std::uint32_t bytes) {
        plane_.sendFrame(job, to, bytes);
        return published();
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
        plane_.sendTransfer(job, to, request);
        return published();
    }
    // op 0: the source of `handle` cannot be read; 1: channel.send() threw for its packet.
    std::uint32_t fail(std::uint32_t op, std::uint32_t handle, const std::string& reason) {
        if (op == 0) {
            plane_.readFailed(handle, reason);
        } else {
            plane_.sendFailed(handle, reason);
        }
        return published();
    }
    // The packet is arena[0, length); the engine of `engineHandle` (0: none) knows the
    // sender's extra.
    std::uint32_t receive(std::uint32_t peer, std::uint32_t length, int engineHandle) {
        plane_.receive(peer, length, roomOf(engineHandle));
        return published();
    }

    // The member's extra as JSON text, for the short messages JS receives itself: the facade
    // parses it again only when it changed.
    std::string extraOf(int engineHandle, const std::string& userid) const {
        return std::string(DataPlane::extraOf(roomOf(engineHandle), userid));
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

    static std::uint32_t address(const void* at) {
        return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(at));
    }

    static const Room* roomOf(int engineHandle) {
        const Engine* engine = engines().get(engineHandle);
        return engine != nullptr && engine->room() ? &*engine->room() : nullptr;
    }

    // Rewrites the header after a call; returns the count of its commands.
    std::uint32_t published() {
        publish();
        return static_cast<std::uint32_t>(plane_.commands().size());
    }

    void publish() {
        header_[0] = address(plane_.commandData());
        header_[1] = static_cast<std::uint32_t>(plane_.commands().size());
        header_[2] = address(plane_.noticeText().data());
        header_[3] = static_cast<std::uint32_t>(plane_.noticeText().size());
        header_[4] = plane_.wantsResume() ? 1 : 0;
    }

    DataPlane plane_;
    std::array<std::uint32_t, 5> header_{};
};

HandleTable<JsDataPlane>& planes() {
    static HandleTable<JsDataPlane> table;
    return table;
}

// Each `_dataPlane<Method>(handle, ...)` calls JsDataPlane::<method>(...), or answers 0 (or an
// empty string) for a handle that is not, or no longer, given out: bindings/handles.js never
// passes one.
template <auto Method> struct ForHandle;
template <typename R, typename... A, R (JsDataPlane::*Method)(A...)> struct ForHandle<Method> {
    static R call(int handle, A... args) {
        JsDataPlane* plane = planes().get(handle);
        return plane ? (plane->*Method)(args...) : R();
    }
};
template <typename R, typename... A, R (JsDataPlane::*Method)(A...) const>
struct ForHandle<Method> {
    static R call(int handle, A... args) {
        const JsDataPlane* plane = planes().get(handle);
        return plane ? (plane->*Method)(args...) : R();
    }
};

} // namespace
} // namespace rtcmc::dataplane

EMSCRIPTEN_BINDINGS(rtcmc_data_plane) {
    using namespace rtcmc::dataplane;
    using emscripten::function;
    function(
        "_dataPlaneCreate",
        +[](std::uint32_t highWater, std::uint32_t lowWater, std::uint32_t chunkSize) {
            return planes().add(std::make_unique<JsDataPlane>(highWater, lowWater, chunkSize));
        });
    function(
        "_dataPlaneDelete", +[](int handle) { planes().remove(handle); });
#ifndef RTCMC_PAGE_BUILD
    // Planes not yet delete()d: the Jest suite checks that the facade leaks none.
    function(
        "_dataPlaneLive", +[]() { return planes().live(); });
#endif
    function("_dataPlaneCall", &ForHandle<&JsDataPlane::call>::call);
    function("_dataPlaneAttach", &ForHandle<&JsDataPlane::attach>::call);
    function("_dataPlaneSendFrame", &ForHandle<&JsDataPlane::sendFrame>::call);
    function("_dataPlaneSendTransfer", &ForHandle<&JsDataPlane::sendTransfer>::call);
    function("_dataPlaneFail", &ForHandle<&JsDataPlane::fail>::call);
    function("_dataPlaneReceive", &ForHandle<&JsDataPlane::receive>::call);
    function("_dataPlaneExtraOf", &ForHandle<&JsDataPlane::extraOf>::call);
}
