// seed_corpus <directory>: writes each libFuzzer target's seed corpus into
// <directory>/<target>/ (protocol_decode, transfer_packets, engine_json), one file per seed.
// scripts/fuzz.sh runs it before fuzzing, so the seeds always match the current input layouts.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "seeds.hpp"

namespace fs = std::filesystem;
using rtcmc::fuzz::seeds::Seed;

namespace {

int writeAll(const fs::path& folder, const std::vector<Seed>& seeds) {
    fs::create_directories(folder);
    for (const Seed& seed : seeds) {
        std::ofstream file(folder / seed.name, std::ios::binary);
        file.write(seed.bytes.data(), static_cast<std::streamsize>(seed.bytes.size()));
        if (!file) {
            std::fprintf(stderr, "seed_corpus: cannot write %s\n", (folder / seed.name).c_str());
            return 1;
        }
    }
    std::printf("seed_corpus: %zu seeds in %s\n", seeds.size(), folder.c_str());
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: seed_corpus <directory>\n");
        return 2;
    }
    const fs::path root(argv[1]);
    return writeAll(root / "protocol_decode", rtcmc::fuzz::seeds::protocolDecodeSeeds()) |
           writeAll(root / "transfer_packets", rtcmc::fuzz::seeds::transferPacketSeeds()) |
           writeAll(root / "engine_json", rtcmc::fuzz::seeds::engineJsonSeeds());
}
