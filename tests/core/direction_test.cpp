#include <gtest/gtest.h>

#include "session/direction.hpp"

namespace rtcmc {
namespace {

struct DirectionCase {
    const char* text;
    Direction expected;
};

class DirectionSpelling : public ::testing::TestWithParam<DirectionCase> {};

TEST_P(DirectionSpelling, ParsesEverySeedSpelling) {
    Result<Direction> parsed = parseDirection(GetParam().text);
    ASSERT_TRUE(parsed.ok()) << GetParam().text << ": " << describe(parsed.error().text);
    EXPECT_EQ(parsed.value(), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Seeds, DirectionSpelling,
    ::testing::Values(DirectionCase{"one-to-one", Direction::OneToOne},
                      DirectionCase{"one-to-many", Direction::OneToMany},
                      DirectionCase{"many-to-many", Direction::ManyToMany},
                      DirectionCase{"one-way", Direction::OneWay},
                      DirectionCase{"one to one", Direction::OneToOne},
                      DirectionCase{"one to many", Direction::OneToMany},
                      DirectionCase{"many to many", Direction::ManyToMany},
                      DirectionCase{"one way", Direction::OneWay},
                      DirectionCase{"One to One", Direction::OneToOne},
                      DirectionCase{"ONE to MANY", Direction::OneToMany},
                      DirectionCase{"MANY-TO-MANY", Direction::ManyToMany},
                      DirectionCase{"oNe-wAy", Direction::OneWay},
                      DirectionCase{"oneway", Direction::OneWay},         // v1.2 enum value
                      DirectionCase{"manytomany", Direction::ManyToMany}, // v1.2 enum value
                      DirectionCase{"one_to_one", Direction::OneToOne}));

TEST(DirectionParse, RoundTripsItsCanonicalSpelling) {
    for (Direction direction :
         {Direction::OneToOne, Direction::OneToMany, Direction::ManyToMany, Direction::OneWay}) {
        EXPECT_EQ(parseDirection(toString(direction)).value(), direction);
    }
}

TEST(DirectionParse, RejectsGarbage) {
    for (const char* text :
         {"", "two-way", "one-to", "many", "one-to-one-to-one", "sideways", "1-to-1"}) {
        Result<Direction> parsed = parseDirection(text);
        ASSERT_FALSE(parsed.ok()) << text;
        EXPECT_EQ(parsed.error().code, ErrorCode::UnknownDirection);
    }
    EXPECT_FALSE(parseDirection(std::string(5000, 'x')).ok());
}

TEST(DirectionRules, WhoConnectsToWhom) {
    // {direction, owner<->participant, participant<->participant}
    struct Row {
        Direction direction;
        bool ownerToParticipant;
        bool participantToParticipant;
    };
    for (const Row& row :
         {Row{Direction::ManyToMany, true, true}, Row{Direction::OneToMany, true, false},
          Row{Direction::OneToOne, true, false}, Row{Direction::OneWay, true, false}}) {
        EXPECT_EQ(shouldConnect(row.direction, true, false), row.ownerToParticipant)
            << toString(row.direction);
        EXPECT_EQ(shouldConnect(row.direction, false, true), row.ownerToParticipant);
        EXPECT_EQ(shouldConnect(row.direction, false, false), row.participantToParticipant)
            << toString(row.direction);
    }
}

TEST(DirectionRules, OneWayOwnerOnlySendsParticipantsOnlyReceive) {
    SessionType av = defaultSession();
    MediaPlan owner = planMedia(Direction::OneWay, av, av, true);
    EXPECT_TRUE(owner.sendAudio && owner.sendVideo);
    EXPECT_FALSE(owner.receiveAudio || owner.receiveVideo);
    MediaPlan viewer = planMedia(Direction::OneWay, av, av, false);
    EXPECT_FALSE(viewer.sendsMedia());
    EXPECT_TRUE(viewer.receiveAudio && viewer.receiveVideo);
    EXPECT_FALSE(needsLocalMedia(Direction::OneWay, av, false)) << "viewers capture nothing";
    EXPECT_TRUE(needsLocalMedia(Direction::OneWay, av, true));
}

TEST(DirectionRules, TwoWayDirectionsSendBothWays) {
    SessionType av = defaultSession();
    for (Direction direction : {Direction::ManyToMany, Direction::OneToMany, Direction::OneToOne}) {
        MediaPlan participant = planMedia(direction, av, av, false);
        EXPECT_TRUE(participant.sendAudio && participant.sendVideo) << toString(direction);
        EXPECT_TRUE(participant.receiveAudio && participant.receiveVideo);
    }
}

TEST(DirectionRules, JoinAsNarrowsWhatAParticipantSends) {
    SessionType av = defaultSession();
    SessionType audioOnly;
    audioOnly.audio = true;
    MediaPlan plan = planMedia(Direction::ManyToMany, av, audioOnly, false);
    EXPECT_TRUE(plan.sendAudio);
    EXPECT_FALSE(plan.sendVideo);
    EXPECT_TRUE(plan.receiveVideo) << "still sees the others' video";
    SessionType anonymous = av;
    anonymous.oneway = true; // join(id, {oneway:true})
    EXPECT_FALSE(planMedia(Direction::ManyToMany, av, anonymous, false).sendsMedia());
    EXPECT_FALSE(needsLocalMedia(Direction::ManyToMany, anonymous, false));
    // A participant cannot send more than the room shares.
    SessionType screen;
    screen.screen = true;
    EXPECT_FALSE(planMedia(Direction::ManyToMany, av, screen, false).sendsMedia());
}

TEST(DirectionRules, DataChannelFollowsTheSession) {
    SessionType data;
    data.data = true;
    MediaPlan plan = planMedia(Direction::ManyToMany, data, data, false);
    EXPECT_TRUE(plan.data);
    EXPECT_FALSE(plan.sendsMedia());
    EXPECT_FALSE(needsLocalMedia(Direction::ManyToMany, data, true));
}

TEST(DirectionRules, ParticipantLimits) {
    EXPECT_EQ(participantLimit(Direction::OneToOne, 1000), 1u);
    EXPECT_EQ(participantLimit(Direction::ManyToMany, 3), 3u);
    EXPECT_EQ(participantLimit(Direction::OneWay, 0), 1u) << "never below one";
}

TEST(DirectionRules, ObjectFlagsChooseTheDirection) {
    SessionType session = defaultSession();
    session.oneway = true;
    EXPECT_EQ(effectiveDirection(Direction::ManyToMany, session), Direction::OneWay);
    session.oneway = false;
    session.broadcast = true;
    EXPECT_EQ(effectiveDirection(Direction::ManyToMany, session), Direction::OneToMany);
    EXPECT_EQ(effectiveDirection(Direction::OneToOne, defaultSession()), Direction::OneToOne);
}

} // namespace
} // namespace rtcmc
