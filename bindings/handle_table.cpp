#include "handle_table.hpp"

#include <cstddef>

namespace rtcmc {

int HandleSlots::add(void* object) {
    for (std::size_t slot = 0; slot < slots_.size(); ++slot) {
        if (!slots_[slot]) {
            slots_[slot] = object;
            return static_cast<int>(slot) + 1;
        }
    }
    slots_.push_back(object);
    return static_cast<int>(slots_.size());
}

void* HandleSlots::get(int handle) const {
    if (handle < 1 || static_cast<std::size_t>(handle) > slots_.size()) {
        return nullptr;
    }
    return slots_[static_cast<std::size_t>(handle) - 1];
}

void* HandleSlots::take(int handle) {
    void* object = get(handle);
    if (object) {
        slots_[static_cast<std::size_t>(handle) - 1] = nullptr;
    }
    return object;
}

int HandleSlots::live() const {
    int count = 0;
    for (void* object : slots_) {
        count += object ? 1 : 0;
    }
    return count;
}

} // namespace rtcmc
