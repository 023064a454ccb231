#include <gtest/gtest.h>

#include "room/room.hpp"

namespace rtcmc {
namespace {

Member member(const std::string& id) {
    return Member{id, "{\"name\":\"" + id + "\"}", {}};
}

Room makeRoom(std::size_t max = 1000, bool autoClose = false,
              Direction direction = Direction::ManyToMany) {
    RoomPolicy policy;
    policy.maxParticipantsAllowed = max;
    policy.autoCloseEntireSession = autoClose;
    policy.direction = direction;
    return Room("room-1", member("owner"), policy);
}

TEST(Room, KeepsMembersInJoinOrderWithTheirExtra) {
    Room room = makeRoom();
    ASSERT_TRUE(room.admit(member("b")).ok());
    ASSERT_TRUE(room.admit(member("c")).ok());
    ASSERT_EQ(room.members().size(), 3u);
    EXPECT_EQ(room.members()[0].userid, "owner");
    EXPECT_EQ(room.members()[1].userid, "b");
    EXPECT_EQ(room.members()[2].userid, "c");
    EXPECT_EQ(room.find("c")->extra, "{\"name\":\"c\"}");
    ASSERT_TRUE(room.updateExtra("c", "{\"name\":\"C\"}").ok());
    EXPECT_EQ(room.find("c")->extra, "{\"name\":\"C\"}");
    EXPECT_EQ(room.updateExtra("zed", "{}").error().code, ErrorCode::UnknownUser);
}

TEST(Room, RefusesDuplicatesAndEnforcesTheLimitWithoutCountingTheOwner) {
    Room room = makeRoom(2);
    EXPECT_EQ(room.admit(member("owner")).error().code, ErrorCode::AlreadyMember);
    ASSERT_TRUE(room.admit(member("b")).ok());
    ASSERT_TRUE(room.admit(member("c")).ok());
    EXPECT_TRUE(room.isFull());
    Status refused = room.admit(member("d"));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::RoomFull);
    EXPECT_NE(describe(refused.error().text).find("full"), std::string::npos);
    EXPECT_EQ(room.members().size(), 3u) << "a refused member changes nothing";
}

TEST(Room, OneToOneAdmitsExactlyOneParticipant) {
    Room room = makeRoom(1000, false, Direction::OneToOne);
    ASSERT_TRUE(room.admit(member("b")).ok());
    EXPECT_EQ(room.admit(member("c")).error().code, ErrorCode::RoomFull);
}

TEST(Room, OnlyTheOwnerEjectsAndNeverItself) {
    Room room = makeRoom();
    room.admit(member("b"));
    room.admit(member("c"));
    EXPECT_EQ(room.eject("b", "c").error().code, ErrorCode::NotOwner);
    EXPECT_EQ(room.eject("owner", "owner").error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(room.eject("owner", "nobody").error().code, ErrorCode::UnknownUser);
    EXPECT_EQ(room.members().size(), 3u);
    Result<Member> ejected = room.eject("owner", "c");
    ASSERT_TRUE(ejected.ok());
    EXPECT_EQ(ejected.value().userid, "c");
    EXPECT_FALSE(room.contains("c"));
}

TEST(Room, OwnerLeavingHandsOverToTheLongestPresentMember) {
    Room room = makeRoom();
    room.admit(member("b"));
    room.admit(member("c"));
    Result<LeaveOutcome> left = room.remove("owner");
    ASSERT_TRUE(left.ok());
    ASSERT_TRUE(left.value().newOwner.has_value());
    EXPECT_EQ(*left.value().newOwner, "b");
    EXPECT_FALSE(left.value().closed);
    EXPECT_EQ(room.owner(), "b");
    // b leaves too: c inherits, then c alone leaves and the room is over.
    EXPECT_EQ(*room.remove("b").value().newOwner, "c");
    Result<LeaveOutcome> last = room.remove("c");
    EXPECT_TRUE(last.value().closed);
}

TEST(Room, AutoCloseEntireSessionClosesWhenTheOwnerLeaves) {
    Room room = makeRoom(1000, true);
    room.admit(member("b"));
    Result<LeaveOutcome> left = room.remove("owner");
    ASSERT_TRUE(left.ok());
    EXPECT_TRUE(left.value().closed);
    EXPECT_FALSE(left.value().newOwner.has_value());
}

TEST(Room, ParticipantLeavingKeepsOwnerAndOrder) {
    Room room = makeRoom();
    room.admit(member("b"));
    room.admit(member("c"));
    Result<LeaveOutcome> left = room.remove("b");
    ASSERT_TRUE(left.ok());
    EXPECT_FALSE(left.value().newOwner.has_value());
    EXPECT_EQ(left.value().member.userid, "b");
    EXPECT_EQ(room.owner(), "owner");
    EXPECT_EQ(room.remove("b").error().code, ErrorCode::UnknownUser);
}

TEST(Room, ExplicitOwnerChangeNeedsAMember) {
    Room room = makeRoom();
    room.admit(member("b"));
    EXPECT_EQ(room.setOwner("ghost").error().code, ErrorCode::UnknownUser);
    ASSERT_TRUE(room.setOwner("b").ok());
    EXPECT_EQ(room.owner(), "b");
    EXPECT_EQ(room.eject("owner", "b").error().code, ErrorCode::NotOwner);
}

} // namespace
} // namespace rtcmc
