// Objects that JS owns, reached by integer handles (issue 11). embind's class_ brings about
// 2.3 KB (gzip) of generic class machinery into the JS glue; free functions over a handle need
// none of it. bindings/handles.js gives JS back the objects it used (Module.Engine,
// Module.DataPlane) as thin wrappers that hold a handle and delete() it.
#pragma once

#include <memory>
#include <vector>

namespace rtcmc {

// The slots of every HandleTable, untyped so that the wasm holds their code once
// (handle_table.cpp).
class HandleSlots {
protected:
    int add(void* object);       // a handle >= 1; the slot of a removed object is reused
    void* get(int handle) const; // nullptr for a handle not (or no longer) given out
    void* take(int handle);      // the object, its slot emptied
    int live() const;

private:
    std::vector<void*> slots_;
};

template <typename T> class HandleTable : private HandleSlots {
public:
    HandleTable() = default;
    HandleTable(const HandleTable&) = delete;
    HandleTable& operator=(const HandleTable&) = delete;

    int add(std::unique_ptr<T> object) { return HandleSlots::add(object.release()); }
    // bindings/handles.js never passes a handle that is not given out; the functions answer one
    // with an empty value rather than crash.
    T* get(int handle) const { return static_cast<T*>(HandleSlots::get(handle)); }
    void remove(int handle) { delete static_cast<T*>(take(handle)); }
    using HandleSlots::live;
};

} // namespace rtcmc
