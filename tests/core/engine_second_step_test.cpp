// The v1.2 documentation's "Second Step", written literally on every page:
//   connection.open('session-id');
//   connection.connect('session-id');
// The first page to get there owns the room and the others join it, with no error anywhere:
// with our server (ROOM_EXISTS becomes a join) and over pub/sub (a page alone with the room
// yields to the other owner).
#include <gtest/gtest.h>

#include "support/engine_rooms.hpp"

namespace rtcmc {
namespace {

using testing::FakeNetwork;
using testing::pairs;

void secondStep(FakeNetwork& net, const char* userid) {
    net.act(userid, net.engine(userid).open("session-id", net.now()));
    net.act(userid, net.engine(userid).connect("session-id", net.now()));
    net.deliver();
}

void expectOneRoomWithoutErrors(FakeNetwork& net, std::initializer_list<const char*> users) {
    int owners = 0;
    for (const char* userid : users) {
        EXPECT_TRUE(net.events(userid, "onerror").empty()) << userid;
        const SessionState state = net.engine(userid).state();
        EXPECT_TRUE(state == SessionState::Open || state == SessionState::Joined) << userid;
        owners += net.engine(userid).isOwner() ? 1 : 0;
    }
    EXPECT_EQ(owners, 1);
}

TEST(EngineSecondStep, WithTheServerTheFirstOpensAndTheOthersJoin) {
    FakeNetwork net(true);
    for (const char* id : {"a", "b", "c"}) {
        net.add(id);
    }
    for (const char* id : {"a", "b", "c"}) {
        secondStep(net, id);
    }
    expectOneRoomWithoutErrors(net, {"a", "b", "c"});
    EXPECT_TRUE(net.engine("a").isOwner());
    EXPECT_EQ(net.serverMembers("session-id").size(), 3u);
    EXPECT_EQ(net.mesh(), pairs({"a|b", "a|c", "b|c"}));
}

TEST(EngineSecondStep, OverPubSubOnePageYieldsToTheOther) {
    for (const char* session : {"only data", "audio + video"}) {
        FakeNetwork net;
        EngineConfig config;
        config.session = parseSession(session).value();
        for (const char* id : {"b", "a", "c"}) {
            net.add(id, config);
        }
        // Both open at once (neither has heard of the other), then they hear the
        // announcements: the one whose userid sorts after yields.
        secondStep(net, "b");
        secondStep(net, "a");
        net.advance(config.announceIntervalMs);
        net.deliver();
        secondStep(net, "c");
        net.advance(config.announceIntervalMs);
        net.deliver();
        expectOneRoomWithoutErrors(net, {"a", "b", "c"});
        EXPECT_TRUE(net.engine("a").isOwner()) << session;
        EXPECT_EQ(net.mesh(), pairs({"a|b", "a|c", "b|c"})) << session;
    }
}

TEST(EngineSecondStep, OpenAloneStillRefusesATakenRoom) {
    FakeNetwork net(true);
    for (const char* id : {"a", "b"}) {
        net.add(id);
    }
    net.run("a", net.engine("a").open("session-id", net.now()));
    net.run("b", net.engine("b").open("session-id", net.now()));
    EXPECT_EQ(net.engine("b").state(), SessionState::Idle);
    auto errors = net.events("b", "onerror");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].payload["code"], "ROOM_EXISTS");
}

} // namespace
} // namespace rtcmc
