// The join path over our signaling server: the joiner dials the owner it already knows (the
// room list, check-presence) together with its join-room, one signaling leg sooner than after
// the server's answer. The fake server here handles a client's requests and relays in order and
// relays only between members, as server/signaling.js does.
#include <gtest/gtest.h>

#include "support/engine_rooms.hpp"

namespace rtcmc {
namespace {

using testing::configFor;
using testing::FakeNetwork;
using testing::hasAction;
using testing::pairs;

bool asksServer(const Actions& actions, const std::string& request) {
    for (const Action& action : actions) {
        if (action.kind == ActionKind::ServerRequest && action.name == request) {
            return true;
        }
    }
    return false;
}

// join("room"): the actions that carry its join-room, those of join() itself or, where this
// side captures media first, those of the capture's end.
Actions joinRoomActions(FakeNetwork& net, const std::string& id) {
    Actions joining = net.engine(id).join("room", std::nullopt, net.now());
    Actions rest;
    bool captures = false;
    for (const Action& action : joining) {
        if (action.kind == ActionKind::CaptureMedia) {
            captures = true;
        } else {
            rest.push_back(action);
        }
    }
    if (!captures) {
        return joining;
    }
    net.act(id, rest);
    return net.engine(id).localMediaReady(net.now());
}

SessionType dataOnly() {
    SessionType data;
    data.data = true;
    return data;
}

TEST(EngineJoinPath, AKnownOwnerIsDialedTogetherWithJoinRoom) {
    FakeNetwork net(true);
    net.add("a", configFor(Direction::ManyToMany));
    net.add("b", configFor(Direction::ManyToMany));
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").checkPresence("room", net.now()));

    const Actions joining = joinRoomActions(net, "b");
    EXPECT_TRUE(asksServer(joining, "join-room"));
    EXPECT_TRUE(hasAction(joining, ActionKind::CreatePeer, "a"));
    net.run("b", joining);

    EXPECT_EQ(net.engine("b").state(), SessionState::Joined);
    EXPECT_EQ(net.mesh(), pairs({"a|b"}));
    // One peer connection each: the link dialed early is the one the room wanted.
    EXPECT_EQ(net.actions("b", ActionKind::CreatePeer).size(), 1u);
    EXPECT_EQ(net.actions("a", ActionKind::CreatePeer).size(), 1u);
    EXPECT_TRUE(net.events("a", "onerror").empty());
    EXPECT_TRUE(net.events("b", "onerror").empty());
}

TEST(EngineJoinPath, AnUnknownRoomIsJoinedFirstThenDialed) {
    FakeNetwork net(true);
    net.add("a", configFor(Direction::ManyToMany));
    net.add("b", configFor(Direction::ManyToMany));
    net.run("a", net.engine("a").open("room", net.now()));

    // connect() asks check-presence first: only its answer names the owner.
    const Actions connecting = net.engine("b").connect("room", net.now());
    EXPECT_FALSE(hasAction(connecting, ActionKind::CreatePeer, "a"));
    net.run("b", connecting);
    EXPECT_EQ(net.mesh(), pairs({"a|b"}));
}

TEST(EngineJoinPath, ARefusedJoinClosesTheEarlyLinkAndTheOwnerHearsNothing) {
    FakeNetwork net(true);
    EngineConfig owner = configFor(Direction::ManyToMany, dataOnly());
    owner.password = "pw";
    EngineConfig guest = configFor(Direction::ManyToMany, dataOnly());
    guest.password = "nope";
    net.add("a", owner);
    net.add("b", guest);
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").checkPresence("room", net.now()));

    const Actions joining = joinRoomActions(net, "b");
    EXPECT_TRUE(hasAction(joining, ActionKind::CreatePeer, "a"));
    net.run("b", joining);

    // One error: the server also refused the early offer (NOT_IN_ROOM, as an error-event),
    // which says nothing the refused join did not.
    ASSERT_EQ(net.events("b", "onerror").size(), 1u);
    EXPECT_EQ(net.events("b", "onerror").back().payload["code"], "WRONG_PASSWORD");
    EXPECT_EQ(net.engine("b").state(), SessionState::Idle);
    EXPECT_FALSE(net.hasLink("b", "a"));
    EXPECT_EQ(net.actions("b", ActionKind::ClosePeer).size(), 1u);
    // The offer went nowhere: the owner made no link and saw no error.
    EXPECT_TRUE(net.actions("a", ActionKind::CreatePeer).empty());
    EXPECT_TRUE(net.events("a", "onerror").empty());
    EXPECT_EQ(net.serverMembers("room"), (std::vector<std::string>{"a"}));
}

TEST(EngineJoinPath, AnOwnerThatChangedSinceTheListingIsNotKeptDialed) {
    FakeNetwork net(true);
    for (const char* id : {"a", "c", "d"}) {
        net.add(id, configFor(Direction::OneToMany));
    }
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("c", net.engine("c").connect("room", net.now()));
    net.run("d", net.engine("d").checkPresence("room", net.now())); // d knows owner a
    net.run("a", net.engine("a").leave());                          // c owns the room now

    const Actions joining = joinRoomActions(net, "d");
    EXPECT_TRUE(hasAction(joining, ActionKind::CreatePeer, "a"));
    net.run("d", joining);

    EXPECT_EQ(net.engine("d").state(), SessionState::Joined);
    EXPECT_FALSE(net.hasLink("d", "a"));
    EXPECT_EQ(net.mesh(), pairs({"c|d"}));
    EXPECT_TRUE(net.events("d", "onerror").empty());
}

TEST(EngineJoinPath, AFullRoomIsNotDialed) {
    FakeNetwork net(true);
    for (const char* id : {"a", "b", "c"}) {
        net.add(id, configFor(Direction::OneToOne, dataOnly()));
    }
    net.run("a", net.engine("a").open("room", net.now()));
    net.run("b", net.engine("b").connect("room", net.now()));
    net.run("c", net.engine("c").checkPresence("room", net.now())); // listed as full

    const Actions joining = joinRoomActions(net, "c");
    EXPECT_TRUE(asksServer(joining, "join-room"));
    EXPECT_FALSE(hasAction(joining, ActionKind::CreatePeer, "a"));
    net.run("c", joining);
    EXPECT_EQ(net.events("c", "onerror").back().payload["code"], "ROOM_FULL");
    EXPECT_EQ(net.mesh(), pairs({"a|b"}));
}

TEST(EngineJoinPath, AnOfferThatOvertakesItsMemberJoinedIsAnsweredOnceTheMemberIs) {
    FakeNetwork net(true);
    net.add("a", configFor(Direction::ManyToMany, dataOnly()));
    net.run("a", net.engine("a").open("room", net.now()));
    const std::string offer =
        R"({"v":1,"type":"sdp","room":"room","from":"b","to":"a","sdpType":"offer",)"
        R"("sdp":"v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\n","streams":[]})";

    const Actions early = net.engine("a").receiveSignal(offer, "b", net.now());
    EXPECT_FALSE(hasAction(early, ActionKind::CreatePeer, "b"));
    EXPECT_FALSE(hasAction(early, ActionKind::SetRemoteDescription, "b"));

    const Actions admitted = net.engine("a").serverEvent(
        "member-joined", R"({"roomid":"room","userid":"b","extra":{}})", net.now());
    EXPECT_TRUE(hasAction(admitted, ActionKind::CreatePeer, "b"));
    EXPECT_TRUE(hasAction(admitted, ActionKind::SetRemoteDescription, "b"));
}

} // namespace
} // namespace rtcmc
