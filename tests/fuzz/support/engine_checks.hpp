// What must hold of an engine and of the actions it returns, whatever it was fed: shared by the
// engine's libFuzzer target and the model-based fuzzer. Each check returns what is wrong, or
// nothing.
#pragma once

#include <optional>
#include <string>

#include "engine/engine.hpp"

namespace rtcmc::fuzz {

// Every action is one the browser side (web/runtime.js) can carry out: each field it reads holds
// what src/engine/action.hpp says for that kind (an event argument or request body is a JSON
// object, JSON.parse'd), and each signal is a message our own decoder accepts, sent as this
// engine in the room the action names.
std::optional<std::string> actionProblem(const Engine& engine, const Actions& actions);

// The engine's state agrees with its room and links: an open room is owned by this side, a
// joined one by someone else, a finished session holds no room and no peer connection, and a
// link only goes to a member.
std::optional<std::string> coherenceProblem(const Engine& engine);

// "state --event-->" when an action reports that the engine tried a step its own transition
// table forbids (common/texts.def, IllegalTransition). For a user call in the wrong state that
// is the right answer; for a message, a server event or a browser report it is a bug: the
// engine acted on something it should have ignored or refused, and half-applied it.
std::optional<std::string> illegalTransition(const Actions& actions);

// A one-line summary of an engine for failure reports: "u1 open room r1 owner u1 members
// [u1,u2] links [u2]".
std::string describeEngine(const Engine& engine);

} // namespace rtcmc::fuzz
