#include <gtest/gtest.h>

#include <map>
#include <string>

#include "session/session_state.hpp"

namespace rtcmc {
namespace {

using S = SessionState;
using E = SessionEvent;

// Every legal "state --event--> state" row. Every pair not listed must be refused.
const std::map<std::pair<S, E>, S> kLegal = {
    {{S::Idle, E::Open}, S::Opening},
    {{S::Left, E::Open}, S::Opening},
    {{S::Ejected, E::Open}, S::Opening},
    {{S::Closed, E::Open}, S::Opening},
    {{S::Searching, E::Open}, S::Opening},
    {{S::Opening, E::MediaReady}, S::Open},
    {{S::Joining, E::MediaReady}, S::Joining},
    {{S::Opening, E::MediaFailed}, S::Idle},
    {{S::Joining, E::MediaFailed}, S::Idle},
    {{S::Idle, E::Connect}, S::Searching},
    {{S::Left, E::Connect}, S::Searching},
    {{S::Ejected, E::Connect}, S::Searching},
    {{S::Closed, E::Connect}, S::Searching},
    {{S::Idle, E::Join}, S::Joining},
    {{S::Searching, E::Join}, S::Joining},
    {{S::Left, E::Join}, S::Joining},
    {{S::Ejected, E::Join}, S::Joining},
    {{S::Closed, E::Join}, S::Joining},
    {{S::Joining, E::Accepted}, S::Joined},
    {{S::Joining, E::Refused}, S::Idle},
    {{S::Opening, E::Refused}, S::Idle},
    {{S::Opening, E::RoomTaken}, S::Joining},
    {{S::Open, E::RoomTaken}, S::Joining},
    {{S::Joined, E::BecameOwner}, S::Open},
    {{S::Joined, E::Dropped}, S::Joining},
    {{S::Joined, E::Ejected}, S::Ejected},
    {{S::Joining, E::Ejected}, S::Ejected},
    {{S::Joined, E::SessionClosed}, S::Closed},
    {{S::Joining, E::SessionClosed}, S::Closed},
    {{S::Searching, E::SessionClosed}, S::Closed},
    {{S::Open, E::SessionClosed}, S::Closed},
    {{S::Searching, E::DonotJoin}, S::Idle},
    {{S::Joining, E::DonotJoin}, S::Idle},
    {{S::Opening, E::Leave}, S::Left},
    {{S::Open, E::Leave}, S::Left},
    {{S::Searching, E::Leave}, S::Left},
    {{S::Joining, E::Leave}, S::Left},
    {{S::Joined, E::Leave}, S::Left},
};

TEST(SessionStateTransitions, EveryRowLegalAndIllegal) {
    const S states[] = {S::Idle,   S::Opening, S::Open,    S::Searching, S::Joining,
                        S::Joined, S::Left,    S::Ejected, S::Closed};
    const E events[] = {E::Open,          E::MediaReady, E::MediaFailed, E::Connect,     E::Join,
                        E::Accepted,      E::Refused,    E::RoomTaken,   E::BecameOwner, E::Ejected,
                        E::SessionClosed, E::DonotJoin,  E::Leave,       E::Dropped};
    int legal = 0;
    for (S state : states) {
        for (E event : events) {
            Result<S> next = nextState(state, event);
            auto row = kLegal.find({state, event});
            const std::string name = std::string(toString(state)) + " --" + toString(event) + "-->";
            if (row != kLegal.end()) {
                ASSERT_TRUE(next.ok()) << name << " must be legal";
                EXPECT_EQ(next.value(), row->second) << name;
                ++legal;
            } else {
                ASSERT_FALSE(next.ok()) << name << " must be refused";
                EXPECT_EQ(next.error().code, ErrorCode::InvalidState);
                EXPECT_NE(describe(next.error().text).find(name), std::string::npos)
                    << describe(next.error().text);
            }
        }
    }
    EXPECT_EQ(legal, static_cast<int>(kLegal.size()));
}

// The engine's table holds exactly the rows above: none missing, none extra.
TEST(SessionStateTransitions, TheTableIsTheSpecification) {
    std::map<std::pair<S, E>, S> table;
    for (const Transition* row = transitionsBegin(); row != transitionsEnd(); ++row) {
        EXPECT_TRUE(table.emplace(std::pair{row->from, row->event}, row->to).second)
            << toString(row->from) << " --" << toString(row->event) << "--> appears twice";
    }
    EXPECT_EQ(table, kLegal);
}

TEST(SessionStateTransitions, OnlySessionsInProgressAreActive) {
    EXPECT_FALSE(isActive(S::Idle));
    EXPECT_TRUE(isActive(S::Opening));
    EXPECT_TRUE(isActive(S::Open));
    EXPECT_TRUE(isActive(S::Searching));
    EXPECT_TRUE(isActive(S::Joining));
    EXPECT_TRUE(isActive(S::Joined));
    EXPECT_FALSE(isActive(S::Left));
    EXPECT_FALSE(isActive(S::Ejected));
    EXPECT_FALSE(isActive(S::Closed));
}

} // namespace
} // namespace rtcmc
