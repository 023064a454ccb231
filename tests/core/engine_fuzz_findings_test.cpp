// Regressions found by the fuzzers (tests/fuzz): each test is the minimized input of one
// finding, asserting what a page would see. The fuzzer and input that found it are named above
// each test.
#include <gtest/gtest.h>

#include <string>

#include "support/fake_network.hpp"
#include "support/texts.hpp"

namespace rtcmc {
namespace {

using nlohmann::json;

EngineConfig named(const std::string& userid) {
    EngineConfig config;
    config.userid = userid;
    return config;
}

// The facade JSON.parses every payload; a payload that is not JSON breaks the page.
void expectEveryPayloadIsJson(const Actions& actions) {
    for (const Action& action : actions) {
        EXPECT_FALSE(json::parse(action.payload, nullptr, false).is_discarded())
            << toString(action.kind) << " " << action.name;
    }
}

// engine_json_fuzzer: join("\x91\x91") threw nlohmann's type_error 316 while serializing the
// room id into an onstatechange payload: natively an uncaught exception, in the wasm build
// (JSON_NOEXCEPTION) an abort of the whole module. A page can pass such an id: embind turns a
// lone UTF-16 surrogate ("\uD800") into the bytes ED A0 80.
TEST(EngineFuzzFindings, AnIdThatIsNotUtf8IsRefusedByTheCall) {
    for (const std::string& id :
         {std::string("\x91\x91"), std::string("\xED\xA0\x80"), std::string("room\xC4")}) {
        Engine engine(named("me"));
        for (const Actions& actions :
             {engine.open(id, 0), engine.connect(id, 0), engine.join(id, std::nullopt, 0),
              engine.checkPresence(id, 0)}) {
            expectEveryPayloadIsJson(actions);
            ASSERT_EQ(actions.size(), 1u);
            EXPECT_EQ(json::parse(actions[0].payload)["code"], "INVALID_ARGUMENT");
            EXPECT_NE(testing::wordsOf(actions[0]).find("session id is not valid UTF-8"),
                      std::string::npos)
                << testing::wordsOf(actions[0]);
        }
        EXPECT_EQ(engine.state(), SessionState::Idle);
        for (const Actions& actions :
             {engine.setMuted(id, true, false, true), engine.endStream(id)}) {
            ASSERT_EQ(actions.size(), 1u);
            EXPECT_NE(testing::wordsOf(actions[0]).find("streamid is not valid UTF-8"),
                      std::string::npos)
                << testing::wordsOf(actions[0]);
        }
        Engine badUser(named(id));
        Actions refused = badUser.open("room", 0);
        ASSERT_EQ(refused.size(), 1u);
        EXPECT_NE(testing::wordsOf(refused[0]).find("userid is not valid UTF-8"),
                  std::string::npos);
    }
}

// engine_json_fuzzer: the same exception from free text the browser side hands over (a media
// error's message, a description type, a stream id) and from an eject target. Those words are
// only shown, so they reach the page with U+FFFD for each invalid byte.
TEST(EngineFuzzFindings, TextThatIsNotUtf8StillGivesJsonActions) {
    testing::FakeNetwork net;
    net.add("a", named("a"));
    net.add("b", named("b"));
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").connect("room", net.now()));
    ASSERT_EQ(net.mesh(), (std::set<std::string>{"a|b"}));
    Engine& a = net.engine("a");
    const std::string bad = "\xFF\xC4";
    expectEveryPayloadIsJson(a.eject(bad));
    expectEveryPayloadIsJson(a.localDescription("b", bad, "v=0", "[]"));
    expectEveryPayloadIsJson(a.localDescription("b", "offer", "v=0 " + bad, "[]"));
    expectEveryPayloadIsJson(a.remoteStreamAdded("b", bad));
    expectEveryPayloadIsJson(a.remoteStreamRemoved("b", bad));

    Engine joining(named("c"));
    joining.open("other", 0); // waits for media
    const Actions failed = joining.localMediaFailed("camera " + bad);
    expectEveryPayloadIsJson(failed);
    EXPECT_EQ(joining.state(), SessionState::Idle);
}

} // namespace
} // namespace rtcmc
