// The seed corpus generator (seed_corpus): each libFuzzer target's seeds are inputs built from
// valid traffic, as the tests exchange it, in that target's input layout
// (support/fuzz_input.hpp). One function per target fills a list of named inputs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/messages.hpp"

namespace rtcmc::fuzz::seeds {

struct Seed {
    std::string name; // file name, unique within the target
    std::string bytes;
};

// One record of support/fuzz_input.hpp appended to `input`.
void addRecord(std::string& input, std::uint8_t op, std::uint8_t selector, std::string_view bytes);

// Valid signaling messages of every type, as "me", alice (owner of "room"), bob and carol
// exchange them (protocol_codec_test.cpp and the engine tests use the same shapes).
std::vector<protocol::Message> sampleMessages();

std::vector<Seed> protocolDecodeSeeds();
std::vector<Seed> transferPacketSeeds();
std::vector<Seed> engineJsonSeeds();

} // namespace rtcmc::fuzz::seeds
