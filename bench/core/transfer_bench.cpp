// Packetise-plus-reassemble throughput of the transfer core, as a ratio to memcpy of the same
// bytes measured in the same process. One source, two builds:
//   native:       build/native/bench/core/transfer_bench
//   wasm in Node: node build/wasm/bench/core/transfer_bench.js
// (through embind from JS, as the browser drives it: node bench/transfer-wasm.js)
//
// Each round sends TRANSFER_BENCH_MIB (default 256) MiB as one transfer: the sender writes every
// chunk into its packet buffer (one copy, hashed), the receiver validates and hashes it, then End
// and Complete close the transfer. Rounds alternate with memcpy rounds of the same chunk sizes
// so that both see the same machine state; the medians are printed. Timings are never asserted.
#include "transfer/packet.hpp"
#include "transfer/transfer_manager.hpp"
#include "transfer/xxhash64.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

using namespace rtcmc::transfer;
using Clock = std::chrono::steady_clock;

constexpr int kRounds = 7;

#ifdef __EMSCRIPTEN__
constexpr const char* kBuild = "wasm (C++ compiled with emcc, run by Node)";
#else
constexpr const char* kBuild = "native";
#endif

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// Keeps the optimizer from dropping work whose result nobody reads.
volatile std::uint64_t sink = 0;

// memcpy of `totalBytes` in pieces of `payloadBytes` into a packet buffer past its header,
// which is exactly the copy the sender does.
double memcpyRound(const std::vector<std::uint8_t>& source, std::vector<std::uint8_t>& packet,
                   std::uint64_t totalBytes, std::size_t payloadBytes) {
    const auto start = Clock::now();
    std::uint64_t done = 0;
    while (done < totalBytes) {
        const std::size_t length =
            static_cast<std::size_t>(std::min<std::uint64_t>(payloadBytes, totalBytes - done));
        std::memcpy(packet.data() + kPacketHeaderBytes, source.data(), length);
        sink = sink + packet[kPacketHeaderBytes + (done % length)];
        done += length;
    }
    return static_cast<double>(totalBytes) / secondsSince(start);
}

double hashRound(const std::vector<std::uint8_t>& source, std::uint64_t totalBytes,
                 std::size_t payloadBytes) {
    const auto start = Clock::now();
    std::uint64_t done = 0;
    while (done < totalBytes) {
        const std::size_t length =
            static_cast<std::size_t>(std::min<std::uint64_t>(payloadBytes, totalBytes - done));
        sink = sink + xxh64(source.data(), length);
        done += length;
    }
    return static_cast<double>(totalBytes) / secondsSince(start);
}

// One whole transfer, sender to receiver and back. The payload of every chunk comes from
// `source` (as from a file reader); the sender copies it into the packet.
double transferRound(const std::vector<std::uint8_t>& source, std::vector<std::uint8_t>& packet,
                     std::vector<std::uint8_t>& reply, std::uint64_t totalBytes,
                     std::size_t payloadBytes) {
    TransferManager sender;
    TransferManager receiver;
    const MutableBytes packetBuffer(packet.data(), packet.size());
    const MutableBytes replyBuffer(reply.data(), reply.size());
    auto metadata = describeTransfer(TransferKind::File, "bench.bin", "application/octet-stream",
                                     totalBytes, static_cast<std::uint32_t>(payloadBytes));
    if (!metadata) {
        std::fprintf(stderr, "describeTransfer: %s\n", describe(metadata.error().text).c_str());
        std::exit(1);
    }

    const auto start = Clock::now();
    auto started = sender.startOutgoing("receiver", metadata.value(), packetBuffer);
    const std::uint32_t id = started.value().transferId;
    receiver.receive("sender", ConstBytes(packet.data(), started.value().packetLength),
                     replyBuffer);
    for (std::uint32_t index = 0; index < metadata.value().count; ++index) {
        const std::uint32_t length = chunkLengthAt(metadata.value(), index);
        auto written = sender.writeChunk(id, ConstBytes(source.data(), length), packetBuffer);
        auto received = receiver.receive(
            "sender", ConstBytes(packet.data(), written.value().packetLength), replyBuffer);
        if (!received) {
            std::fprintf(stderr, "receive: %s\n", describe(received.error().text).c_str());
            std::exit(1);
        }
    }
    auto end = sender.writeEnd(id, packetBuffer);
    auto finished = receiver.receive("sender", ConstBytes(packet.data(), end.value().packetLength),
                                     replyBuffer);
    auto delivered = sender.receive(
        "receiver", ConstBytes(reply.data(), finished.value().packetLength), packetBuffer);
    const double seconds = secondsSince(start);
    if (!delivered || delivered.value().event != TransferEvent::Delivered) {
        std::fprintf(stderr, "the transfer did not complete\n");
        std::exit(1);
    }
    return static_cast<double>(totalBytes) / seconds;
}

// Each round is called through a pointer the optimizer cannot see through. In wasm, V8 runs new
// code in its baseline compiler (Liftoff) and swaps in optimized code only on a function's next
// call (no on-stack replacement): a round inlined into main() would be measured unoptimized
// forever. A browser calls into the module per packet, so the module's code does get optimized.
double (*volatile runMemcpyRound)(const std::vector<std::uint8_t>&, std::vector<std::uint8_t>&,
                                  std::uint64_t, std::size_t) = memcpyRound;
double (*volatile runHashRound)(const std::vector<std::uint8_t>&, std::uint64_t,
                                std::size_t) = hashRound;
double (*volatile runTransferRound)(const std::vector<std::uint8_t>&, std::vector<std::uint8_t>&,
                                    std::vector<std::uint8_t>&, std::uint64_t,
                                    std::size_t) = transferRound;

} // namespace

int main() {
    std::uint64_t mebibytes = 256;
    if (const char* configured = std::getenv("TRANSFER_BENCH_MIB")) {
        mebibytes = std::strtoull(configured, nullptr, 10);
    }
    const std::uint64_t totalBytes = mebibytes << 20;
    std::printf("transfer_bench, %s: %llu MiB per round, median of %d rounds\n", kBuild,
                static_cast<unsigned long long>(mebibytes), kRounds);
    std::printf("  run: build/native/bench/core/transfer_bench | node "
                "build/wasm/bench/core/transfer_bench.js | node bench/transfer-wasm.js\n");
    std::printf("  GB/s = 1e9 payload bytes per second; ratio = transfer GB/s / memcpy GB/s\n\n");
    std::printf("%-8s %9s %12s %14s %7s %11s\n", "packet", "payload", "memcpy GB/s",
                "transfer GB/s", "ratio", "xxh64 GB/s");

    std::vector<std::uint8_t> source(kMaxChunkPayloadBytes);
    for (std::size_t i = 0; i < source.size(); ++i) {
        source[i] = static_cast<std::uint8_t>((i * 2654435761U) >> 24);
    }
    std::vector<std::uint8_t> packet(kMaxPacketBytes);
    std::vector<std::uint8_t> reply(kMaxReplyPacketBytes);

    for (const std::size_t packetBytes : {16384U, 65536U, 262144U}) {
        const std::size_t payloadBytes = packetBytes - kPacketHeaderBytes;
        std::vector<double> copies;
        std::vector<double> transfers;
        std::vector<double> hashes;
        for (int round = 0; round < kRounds; ++round) {
            copies.push_back(runMemcpyRound(source, packet, totalBytes, payloadBytes));
            transfers.push_back(runTransferRound(source, packet, reply, totalBytes, payloadBytes));
            hashes.push_back(runHashRound(source, totalBytes, payloadBytes));
        }
        const double copy = median(copies);
        const double transfer = median(transfers);
        std::printf("%3zu KiB  %9zu %12.2f %14.2f %7.2f %11.2f\n", packetBytes / 1024, payloadBytes,
                    copy / 1e9, transfer / 1e9, transfer / copy, median(hashes) / 1e9);
    }
    std::printf(
        "\n  transfer: the sender copies each payload into its packet, hashing it on the way;"
        " the receiver\n  validates the packet and hashes the payload. memcpy: the same "
        "payloads copied into the same\n  packet buffer (cache-resident, as in the "
        "transfer). xxh64: hashing alone, for reference.\n");
    return 0;
}
