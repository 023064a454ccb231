// Objects that JS owns, reached by integer handles (issue 11). embind's class_ brings about
// 2.3 KB (gzip) of generic class machinery into the JS glue; free functions over a handle need
// none of it. bindings/handles.js gives JS back the objects it used (Module.Engine,
// Module.TransferManager) as thin wrappers that hold a handle and delete() it.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace rtcmc {

template <typename T> class HandleTable {
public:
    // A handle >= 1; the slot of a removed object is reused.
    int add(std::unique_ptr<T> object) {
        for (std::size_t slot = 0; slot < objects_.size(); ++slot) {
            if (!objects_[slot]) {
                objects_[slot] = std::move(object);
                return static_cast<int>(slot) + 1;
            }
        }
        objects_.push_back(std::move(object));
        return static_cast<int>(objects_.size());
    }

    // nullptr for a handle that was never given out or was removed: bindings/handles.js does not
    // pass one, and the functions answer it with an empty value rather than crash.
    T* get(int handle) const {
        if (handle < 1 || static_cast<std::size_t>(handle) > objects_.size()) {
            return nullptr;
        }
        return objects_[static_cast<std::size_t>(handle) - 1].get();
    }

    void remove(int handle) {
        if (get(handle)) {
            objects_[static_cast<std::size_t>(handle) - 1].reset();
        }
    }

    int live() const {
        int count = 0;
        for (const std::unique_ptr<T>& object : objects_) {
            count += object ? 1 : 0;
        }
        return count;
    }

private:
    std::vector<std::unique_ptr<T>> objects_;
};

} // namespace rtcmc
