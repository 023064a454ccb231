// Errors are values in the core: nothing in src/ throws across its API, and embind never sees
// a C++ exception. Each failure carries a code the JS facade maps to a coded Error, and the
// words for the developer reading the console as a Text (common/text.hpp): a sentence of
// common/texts.def and its arguments, formatted outside the wasm.
#pragma once

#include <new>
#include <string>
#include <utility>

#include "common/text.hpp"

namespace rtcmc {

enum class ErrorCode {
    InvalidArgument,      // a user call got a value it cannot use
    UnknownSession,       // a session string that names no media combination
    UnknownDirection,     // a direction string that names no direction
    MalformedMessage,     // signaling text that is not a JSON object
    UnsupportedVersion,   // a message of a protocol version we do not speak
    UnknownMessageType,   // a JSON object whose "type" we do not know
    InvalidField,         // a known message with a field of the wrong type, length or range
    InvalidState,         // the call or message is not allowed in the current state
    NotInRoom,            // a room operation without being in that room
    NotOwner,             // only the room owner may eject or close the room
    RoomFull,             // the participant limit is reached
    UnknownUser,          // a userid that is not a member
    AlreadyMember,        // a userid that is already in the room
    WrongPassword,        // the room's password does not match
    MalformedPacket,      // a data-channel packet whose header cannot be read
    UnknownTransfer,      // a packet for a transfer that was never started (or already ended)
    DuplicatePacket,      // a packet index that was already received
    PacketOutOfRange,     // an index past the transfer's packet count
    TransferMismatch,     // count, size or chunk length disagreeing with the transfer's start
    ChecksumMismatch,     // the reassembled bytes do not match the sender's checksum
    TransferAborted,      // the other side gave up on the transfer
    SessionLost,          // the signaling server no longer counts this user in its room
    Ejected,              // the room's owner ejected this user, who may not come back
    PeerConnectionFailed, // a link's path broke and ICE restarts did not bring it back
    FileReadFailed,       // the bytes of a file being sent could not be read (changed or removed)
    SendFailed,           // the data channel refused a packet while it was open
    SfuRefused,           // the SFU (Janus) answered a request with an error
    SfuUnavailable,       // the SFU (Janus) did not answer in time, or its session ended
};

// The stable, upper-case name used on the wire and as `error.code` in JS.
const char* errorCodeName(ErrorCode code);

struct Error {
    ErrorCode code;
    Text text;
};

inline Error makeError(ErrorCode code, Text text) {
    return Error{code, std::move(text)};
}

// Value-or-error. Kept minimal on purpose: C++17 has no std::expected. A tagged union rather
// than std::variant: variant's copy, move and destruction go through its generic visitation,
// which cost the wasm more code at each of the core's many error sites than a flag and two
// branches. Reading the side a Result does not hold traps, as std::get's abort did.
template <typename T> class Result {
public:
    Result(T value) : ok_(true) { new (&value_) T(std::move(value)); }
    Result(Error error) : ok_(false) { new (&error_) Error(std::move(error)); }
    Result(const Result& other) : ok_(other.ok_) {
        if (ok_) {
            new (&value_) T(other.value_);
        } else {
            new (&error_) Error(other.error_);
        }
    }
    Result(Result&& other) noexcept : ok_(other.ok_) {
        if (ok_) {
            new (&value_) T(std::move(other.value_));
        } else {
            new (&error_) Error(std::move(other.error_));
        }
    }
    Result& operator=(const Result& other) {
        if (this != &other) {
            destroy();
            new (this) Result(other);
        }
        return *this;
    }
    Result& operator=(Result&& other) noexcept {
        if (this != &other) {
            destroy();
            new (this) Result(std::move(other));
        }
        return *this;
    }
    ~Result() { destroy(); }

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }

    const T& value() const& { return check(ok_), value_; }
    T& value() & { return check(ok_), value_; }
    T&& value() && { return check(ok_), std::move(value_); }
    const Error& error() const { return check(!ok_), error_; }

private:
    static void check(bool holds) {
        if (!holds) {
            __builtin_trap();
        }
    }
    void destroy() {
        if (ok_) {
            value_.~T();
        } else {
            error_.~Error();
        }
    }

    union {
        T value_;
        Error error_;
    };
    bool ok_;
};

struct Unit {};
using Status = Result<Unit>;
inline Status okStatus() {
    return Status(Unit{});
}

} // namespace rtcmc
