// The table of outstanding Janus transactions and the feed roster.
#include <gtest/gtest.h>

#include "common/json_text.hpp"
#include "sfu/feed_roster.hpp"
#include "sfu/transactions.hpp"

namespace rtcmc::sfu {
namespace {

TEST(SfuTransactions, OpenFindCloseOnce) {
    Transactions table;
    std::string a = table.open(Purpose::CreateSession, 1000, 500);
    std::string b = table.open(Purpose::Keepalive, 1000, 500);
    EXPECT_NE(a, b);
    ASSERT_NE(table.find(a), nullptr);
    EXPECT_EQ(table.find(a)->purpose, Purpose::CreateSession);
    EXPECT_EQ(table.find(a)->deadlineMs, 1500u);
    ASSERT_TRUE(table.close(a).has_value());
    EXPECT_FALSE(table.close(a).has_value()) << "a duplicate reply finds nothing";
    EXPECT_EQ(table.find("never-sent"), nullptr);
    EXPECT_EQ(table.size(), 1u);
}

TEST(SfuTransactions, AckKeepsItOutstanding) {
    Transactions table;
    std::string id = table.open(Purpose::JoinPublisher, 0, 100);
    table.markAcked(id);
    ASSERT_NE(table.find(id), nullptr);
    EXPECT_TRUE(table.find(id)->acked);
}

TEST(SfuTransactions, ExpireAtTheDeadlineOldestFirst) {
    Transactions table;
    std::string early = table.open(Purpose::Keepalive, 0, 100);
    std::string late = table.open(Purpose::Publish, 50, 100);
    EXPECT_TRUE(table.expire(99).empty());
    std::vector<Pending> expired = table.expire(100);
    ASSERT_EQ(expired.size(), 1u);
    EXPECT_EQ(expired[0].id, early);
    expired = table.expire(1000);
    ASSERT_EQ(expired.size(), 1u);
    EXPECT_EQ(expired[0].id, late);
    EXPECT_EQ(table.size(), 0u);
}

TEST(SfuTransactions, PurposeNames) {
    EXPECT_STREQ(purposeName(Purpose::CreateSession), "create");
    EXPECT_STREQ(purposeName(Purpose::JoinSubscriber), "join");
    EXPECT_STREQ(purposeName(Purpose::Start), "start");
    EXPECT_STREQ(purposeName(Purpose::Destroy), "destroy");
}

TEST(SfuRoster, PublishersUnpublishedLeaving) {
    FeedRoster roster(1, 10);
    RosterChange change = roster.apply(
        parseJson(R"({"publishers":[{"id":1,"display":"me"},{"id":2,"display":"bob"},{"id":3}]})"));
    ASSERT_EQ(change.added.size(), 2u) << "our own feed is never in the roster";
    EXPECT_EQ(change.added[0].display, "bob");
    EXPECT_EQ(change.added[1].display, "");
    EXPECT_TRUE(roster.apply(parseJson(R"({"publishers":[{"id":2}]})")).added.empty())
        << "a feed announced twice is added once";
    change = roster.apply(parseJson(R"({"unpublished":2})"));
    ASSERT_EQ(change.removed.size(), 1u);
    EXPECT_EQ(change.removed[0].id, 2u);
    change = roster.apply(parseJson(R"({"leaving":3})"));
    ASSERT_EQ(change.removed.size(), 1u);
    EXPECT_TRUE(roster.feeds().empty());
    EXPECT_TRUE(roster.apply(parseJson(R"({"leaving":"ok"})")).removed.empty());
}

TEST(SfuRoster, WrongTypesAreSkipped) {
    FeedRoster roster(0, 10);
    RosterChange change = roster.apply(parseJson(
        R"({"publishers":[{"id":"2"},{"id":-1},{"display":"x"},5,null,{"id":4,"display":7}]})"));
    ASSERT_EQ(change.added.size(), 1u);
    EXPECT_EQ(change.added[0].id, 4u);
    EXPECT_EQ(change.added[0].display, "");
    EXPECT_TRUE(roster.apply(parseJson(R"({"publishers":{"id":9}})")).added.empty());
    EXPECT_TRUE(roster.apply(nlohmann::json("text")).added.empty());
}

TEST(SfuRoster, LimitRefusesFeedsBeyondIt) {
    FeedRoster roster(0, 2);
    RosterChange change = roster.apply(parseJson(R"({"publishers":[{"id":1},{"id":2},{"id":3}]})"));
    EXPECT_EQ(change.added.size(), 2u);
    ASSERT_EQ(change.refused.size(), 1u);
    EXPECT_EQ(change.refused[0], 3u);
}

} // namespace
} // namespace rtcmc::sfu
