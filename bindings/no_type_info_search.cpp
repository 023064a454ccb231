// The vtables of libc++abi's class type_info kinds, as empty tables (issue 11). Nothing in the
// module searches a type_info: it is built without exceptions and without RTTI, so there is no
// catch and no dynamic_cast. Yet libc++'s prebuilt objects that we link for other reasons
// (std::runtime_error, which nlohmann's parse errors hold; shared_ptr's control block, which
// nlohmann's dump() allocates) carry type_info objects, and those point at these vtables, whose
// real definitions (libc++abi's private_typeinfo.o) bring the whole search machinery along:
// can_catch, search_above_dst, search_below_dst, ... (1.4 KB of wasm). Defined here, the linker
// does not extract that object. A catch or dynamic_cast that ever reached one would trap on a
// null function, and a second definition (something needing private_typeinfo.o after all)
// fails the link rather than passing silently.
//
// Each: offset to top, the type_info, then the virtual functions (two destructors, noop1, noop2,
// can_catch, search_above_dst, search_below_dst, has_unambiguous_public_base).
extern "C" const void* const _ZTVN10__cxxabiv117__class_type_infoE[10] = {};
extern "C" const void* const _ZTVN10__cxxabiv120__si_class_type_infoE[10] = {};
extern "C" const void* const _ZTVN10__cxxabiv121__vmi_class_type_infoE[10] = {};
