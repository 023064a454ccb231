// Strict UTF-8 validation (RFC 3629 section 4): no overlong forms, no surrogates (U+D800 to
// U+DFFF), nothing past U+10FFFF. Reasons and names that cross the wire are text a page may show,
// and nlohmann's serializer refuses invalid UTF-8, so everything is checked before it is used.
#pragma once

#include <string_view>

namespace rtcmc::transfer {

bool isValidUtf8(std::string_view text);

// True when the text holds a C0 control character or DEL (U+0000 to U+001F, U+007F): names
// become download file names and labels, where those characters only cause trouble.
bool hasControlCharacter(std::string_view text);

} // namespace rtcmc::transfer
