// embind's value_object, registered with less code (issue 11). JS sees the same plain objects
// with the same typed fields; only the C++ side of each field changes:
// - embind's field() heap-allocates two copies of the member pointer per field (its getter and
//   setter contexts) and instantiates one getter and one setter per (class, member type) pair.
//   Here the context is the field's byte offset itself, and one getter and one setter per member
//   type read and write at that offset, shared by every class with a field of that type.
// - each field is one call of a single out-of-line function (addField) with fewer arguments,
//   instead of embind's inlined ten-argument registration.
#pragma once

#include <emscripten/bind.h>

#include <cstddef>
#include <cstring>

namespace rtcmc {
namespace compact {

namespace em = emscripten::internal;

template <typename T>
typename em::BindingType<T>::WireType getAt(std::size_t offset, const char* object) {
    return em::BindingType<T>::toWireType(*reinterpret_cast<const T*>(object + offset));
}

template <typename T>
void setAt(std::size_t offset, char* object, typename em::BindingType<T>::WireType value) {
    *reinterpret_cast<T*>(object + offset) = em::BindingType<T>::fromWireType(value);
}

void addField(em::TYPEID object, const char* name, em::TYPEID type, const char* getSignature,
              em::GenericFunction getter, const char* setSignature, em::GenericFunction setter,
              std::size_t offset);

} // namespace compact

template <typename Class> class compact_value_object {
public:
    explicit compact_value_object(const char* name) {
        using namespace emscripten::internal;
        auto ctor = &raw_constructor<Class>;
        auto dtor = &raw_destructor<Class>;
        _embind_register_value_object(TypeID<Class>::get(), name, getSignature(ctor),
                                      reinterpret_cast<GenericFunction>(ctor), getSignature(dtor),
                                      reinterpret_cast<GenericFunction>(dtor));
    }
    ~compact_value_object() {
        emscripten::internal::_embind_finalize_value_object(
            emscripten::internal::TypeID<Class>::get());
    }
    compact_value_object(const compact_value_object&) = delete;
    compact_value_object& operator=(const compact_value_object&) = delete;

    template <typename T> compact_value_object& field(const char* name, T Class::*member) {
        using namespace emscripten::internal;
        // Itanium C++ ABI (wasm32 included): a pointer to data member is the member's offset.
        static_assert(sizeof(member) == sizeof(std::ptrdiff_t));
        std::ptrdiff_t offset;
        std::memcpy(&offset, &member, sizeof offset);
        auto getter = &compact::getAt<T>;
        auto setter = &compact::setAt<T>;
        compact::addField(TypeID<Class>::get(), name, TypeID<T>::get(), getSignature(getter),
                          reinterpret_cast<GenericFunction>(getter), getSignature(setter),
                          reinterpret_cast<GenericFunction>(setter),
                          static_cast<std::size_t>(offset));
        return *this;
    }
};

} // namespace rtcmc
