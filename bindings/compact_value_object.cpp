#include "compact_value_object.hpp"

namespace rtcmc::compact {

// Out of line and shared by every field: a field costs one short call at registration.
void addField(em::TYPEID object, const char* name, em::TYPEID type, const char* getSignature,
              em::GenericFunction getter, const char* setSignature, em::GenericFunction setter,
              std::size_t offset) {
    // The offset is both contexts: getAt/setAt receive it as their first argument.
    void* context = reinterpret_cast<void*>(offset);
    em::_embind_register_value_object_field(object, name, type, getSignature, getter, context, type,
                                            setSignature, setter, context);
}

} // namespace rtcmc::compact
