// Reads the Janus frames of tests/core/fixtures/janus/ for the sfu_*_test.cpp files, and drives
// a JanusClient with them: a recorded reply is fed verbatim except for its transaction id,
// which becomes the id of the client's request it answers.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "common/json_text.hpp"
#include "sfu/janus_client.hpp"

namespace rtcmc::sfu::testing {

inline nlohmann::json loadFixture(const char* file) {
    std::ifstream in(std::string(RTCMC_FIXTURES_DIR) + "/janus/" + file);
    if (!in) {
        return nlohmann::json();
    }
    std::stringstream text;
    text << in.rdbuf();
    return parseJson(text.str());
}

// Recorded (real janus 1.1.2) and hand-written frames; null if the file cannot be read.
struct Fixtures {
    nlohmann::json recorded = loadFixture("recorded.json");
    nlohmann::json hand = loadFixture("hand-written.json");
    bool ok() const { return recorded.is_object() && hand.is_object(); }
    // The frame(s) Janus sent in one recorded exchange; `index` for ack-then-event pairs.
    nlohmann::json received(const char* name, int index = -1) const {
        const nlohmann::json& got = recorded["frames"][name]["received"];
        return index < 0 ? got : got[static_cast<std::size_t>(index)];
    }
    nlohmann::json handWritten(const char* name) const { return hand["frames"][name]; }
};

#define RTCMC_NEED_FIXTURES(fixtures) ASSERT_TRUE((fixtures).ok()) << "tests/core/fixtures/janus"

// The transaction of a frame the client sent.
inline std::string transactionOf(const std::string& frame) {
    nlohmann::json parsed = parseJson(frame);
    return parsed["transaction"].get<std::string>();
}

inline nlohmann::json sent(const std::string& frame) {
    return parseJson(frame);
}

// `reply` with its transaction set to that of the client's request `request`.
inline std::string answering(nlohmann::json reply, const std::string& request) {
    reply["transaction"] = transactionOf(request);
    return writeJson(reply);
}

inline bool hasEvent(const Output& out, ClientEventKind kind) {
    for (const ClientEvent& event : out.events) {
        if (event.kind == kind) {
            return true;
        }
    }
    return false;
}

inline const ClientEvent* findEvent(const Output& out, ClientEventKind kind) {
    for (const ClientEvent& event : out.events) {
        if (event.kind == kind) {
            return &event;
        }
    }
    return nullptr;
}

} // namespace rtcmc::sfu::testing
