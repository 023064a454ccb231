// The C++ types that embind converts without a registration of ours, registered when the module
// starts. embind's own registration (bind.cpp in libembind) also registers std::wstring,
// std::u16string, std::u32string, 64-bit integers as BigInt and every typed-memory view, which
// brings their JS converters (UTF-16 and UTF-32 codecs, BigInt) into the glue although no binding
// of ours passes one (issue 11). Defining its two symbols here keeps libembind's object out of
// the link: a binding that needs another type fails at start with embind's "unbound types" error,
// and a second definition of these symbols fails the link.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>

namespace {

using emscripten::internal::TypeID;

template <typename T> void registerInteger(const char* name) {
    emscripten::internal::_embind_register_integer(TypeID<T>::get(), name, sizeof(T),
                                                   std::numeric_limits<T>::min(),
                                                   std::numeric_limits<T>::max());
}

template <typename T> void registerFloat(const char* name) {
    emscripten::internal::_embind_register_float(TypeID<T>::get(), name, sizeof(T));
}

// embind's typed-array numbering (embind.js typeMapping): Uint8Array.
constexpr unsigned kUint8ArrayIndex = 1;

} // namespace

extern "C" {

// What embind's JS names a type by in its errors. Without RTTI a type id is an address: its
// hexadecimal digits, in a string the caller free()s.
EMSCRIPTEN_KEEPALIVE const char* __getTypeName(const void* type) {
    auto address = reinterpret_cast<std::uintptr_t>(type);
    char* name = static_cast<char*>(std::malloc(2 + 2 * sizeof address + 1));
    if (!name) {
        return nullptr;
    }
    char* at = name;
    *at++ = '0';
    *at++ = 'x';
    for (int shift = 8 * sizeof address - 4; shift >= 0; shift -= 4) {
        *at++ = "0123456789abcdef"[(address >> shift) & 0xf];
    }
    *at = '\0';
    return name;
}

EMSCRIPTEN_KEEPALIVE __attribute__((constructor)) void
__embind_register_native_and_builtin_types() {
    using namespace emscripten::internal;
    _embind_register_void(TypeID<void>::get(), "void");
    _embind_register_bool(TypeID<bool>::get(), "bool", sizeof(bool), true, false);
    registerInteger<char>("char");
    registerInteger<signed char>("signed char");
    registerInteger<unsigned char>("unsigned char");
    registerInteger<short>("short");
    registerInteger<unsigned short>("unsigned short");
    registerInteger<int>("int");
    registerInteger<unsigned int>("unsigned int");
    registerInteger<long>("long");
    registerInteger<unsigned long>("unsigned long");
    registerFloat<float>("float");
    registerFloat<double>("double");
    _embind_register_std_string(TypeID<std::string>::get(), "std::string");
    _embind_register_emval(TypeID<emscripten::val>::get(), "emscripten::val");
    // typed_memory_view over the transfer buffers (transfer_bindings.cpp).
    _embind_register_memory_view(TypeID<emscripten::memory_view<unsigned char>>::get(),
                                 kUint8ArrayIndex, "emscripten::memory_view<unsigned char>");
}

} // extern "C"
