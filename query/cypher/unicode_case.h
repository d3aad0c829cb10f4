// Unicode case mapping for toLower() and toUpper(): each code point of a UTF-8 string mapped to
// its simple (one-to-one) lower or upper case, as the Unicode data says: 'É' <-> 'é', 'Σ' <->
// 'σ', 'Ж' <-> 'ж'. Mappings to several code points are not applied ('ß' stays 'ß' in upper
// case). Used by functions.cc. Thread-safe (no state but a locale made once).
#pragma once

#include <string>
#include <string_view>

namespace expgraph::cypher {

// `text` (UTF-8) in lower or upper case. Bytes that are not valid UTF-8 are copied unchanged.
// Without the C library's C.UTF-8 locale (it is built into glibc 2.35 and later) only ASCII
// letters change.
std::string unicode_lower(std::string_view text);
std::string unicode_upper(std::string_view text);

}  // namespace expgraph::cypher
