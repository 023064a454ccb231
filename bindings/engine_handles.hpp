// The engines JS owns, by handle (engine_bindings.cpp gives them out): the data plane's
// bindings read the room of the engine a page's connection runs (data_plane_bindings.cpp).
#pragma once

#include "handle_table.hpp"

#include "engine/engine.hpp"

namespace rtcmc {

HandleTable<Engine>& engines();

} // namespace rtcmc
