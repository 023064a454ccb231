// What the data plane asks the browser side to do, as fixed-size records in one buffer that JS
// reads through a typed-array view of the wasm heap: no object, string or embind value per
// packet. Each call into the plane starts a new list; the driver carries out every command of
// a call, in order, before it calls again. Heap positions (`offset`) count from the plane's
// arena (DataPlane::arena()); for SendPacket the bytes stay valid until the next call.
#pragma once

#include <cstdint>

namespace rtcmc::dataplane {

enum class CommandKind : std::uint32_t {
    // peer; offset, length: send arena bytes [offset, offset + length) on the peer's channel.
    // handle: the outgoing transfer the packet belongs to (0 for replies).
    SendPacket = 1,
    // peer; job: send the page's text frame `job` (held by the driver) as a string message.
    SendFrame = 2,
    // handle (an outgoing transfer), job; offset, length: copy the next `length` bytes of the
    // job's source into arena [offset, offset + length). `position` is where those bytes start
    // in the source. Reads of one transfer are asked for in source order; the driver answers
    // DataPlane::filled() as they complete.
    ReadSource = 3,
    // handle: the transfer reads no more; the driver stops its reader and drops bytes still
    // on their way.
    CloseSource = 4,
    // job: no transfer or frame uses the page's value any more.
    ReleaseJob = 5,
    // handle; count = chunks written; position = bytes written (onFileProgress, sender).
    Sent = 6,
    // handle; index; offset, length: an accepted chunk's payload inside the packet just
    // received (the driver keeps that part of its message); count = chunks received;
    // position = bytes received.
    Chunk = 7,
    // handle: every chunk arrived and the checksum matched (the value can be built).
    Received = 8,
    // handle: the receiver confirmed every byte (onFileSent).
    Delivered = 9,
    // peer; length: the channel's bufferedAmountLowThreshold, set once it opens.
    Watch = 10,
    // offset, length: a JSON notice in the notice text (DataPlane::noticeText()), for events
    // that carry words: a transfer started or ended badly, a refused packet, a job not sent.
    Notice = 11,
};

struct Command {
    CommandKind kind;
    std::uint32_t peer = 0;
    std::uint32_t handle = 0;
    std::uint32_t job = 0;
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
    std::uint32_t count = 0;
    std::uint32_t index = 0;
    double position = 0; // bytes; a double so that JS reads it exactly up to 2^53
};
static_assert(sizeof(Command) == 40, "web/data/ reads commands as 10 u32 words");

} // namespace rtcmc::dataplane
