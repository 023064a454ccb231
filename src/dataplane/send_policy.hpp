// The numbers behind the order and pace of what one page sends to one peer (OutgoingLane).
// Each says why it has its value; bench/files/ measures them against a raw data channel.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rtcmc::dataplane {

struct SendPolicy {
    // The send window on the channel's own buffer: packets are written while bufferedAmount
    // is at or under `highWater`, and writing resumes when the browser reports it fell to
    // `lowWater` (bufferedamountlow). A small window starts fastest on a fresh connection
    // (../shared/TOOLCHAIN.md: 128 KiB / 64 KiB starts in about 0.45 s where 8 MiB / 2 MiB
    // stalls for up to 4 s) and never nears Chromium's 16 MiB "send queue is full".
    std::uint32_t highWater = 128 * 1024; // bytes
    std::uint32_t lowWater = 64 * 1024;   // bytes
    // Payload bytes per chunk: 128 KiB packets with their 16-byte header. Any size up to
    // 256 KiB works on the wire; each packet costs both pages an event and a call, and with
    // 128 KiB packets they spent up to 1.4 ms/MiB less CPU than with 64 KiB, the files going
    // as fast or faster (bench/files/ --variants).
    std::uint32_t chunkSize = 128 * 1024 - 16; // bytes
};

// Transfers of at most this many bytes (messages, small files) go before large ones, oldest
// first, so that a message is never stuck behind a large file.
constexpr std::uint64_t kSmallTransferBytes = 1 << 20;
// Small transfers may fill the channel's buffer up to this many bytes, over the window: a
// message of up to 1 MiB goes out in one burst (with its Start, End and headers), as a raw
// send() of its pieces would, instead of waiting for the buffer to drain every 128 KiB.
constexpr std::uint64_t kSmallBurstBytes = kSmallTransferBytes + 256 * 1024;
// Large transfers written to one peer at the same time; more wait their turn (each holds
// read-ahead slots).
constexpr std::uint32_t kMaxSendingLarge = 4;
// Transfers to one peer started and not yet confirmed by the receiver; a receiver accepts
// 256 open transfers per sender (docs/protocol-packets.md).
constexpr std::uint32_t kMaxOpenTransfers = 64;
// Chunks read ahead of the channel for one transfer: 8 packets of 128 KiB is about 20 ms of
// a 46 MiB/s link (../shared/TOOLCHAIN.md), far more than a read of a file takes.
constexpr std::uint32_t kReadAheadChunks = 8;
// Packet slots in the arena for chunks being read or sent, shared by every transfer: four
// large transfers read ahead at once. 24 slots of 128 KiB are 3 MiB of the core's 16 MiB heap.
constexpr std::uint32_t kSlotCount = 24;
// Peers with a data channel at once (the bufferedAmount table has one entry each).
constexpr std::uint32_t kMaxPeers = 1024;

} // namespace rtcmc::dataplane
