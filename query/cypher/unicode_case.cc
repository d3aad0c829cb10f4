#include "query/cypher/unicode_case.h"

#include <locale.h>
#include <wctype.h>

#include "query/cypher/utf8.h"

namespace expgraph::cypher {

namespace {

// The C library's case tables are Unicode's in the C.UTF-8 locale; taken once and kept for the
// process (never freed), without touching the process's global locale.
locale_t utf8_ctype() {
  static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
  return locale;
}

char32_t map_code_point(char32_t code, bool upper, locale_t locale) {
  if (code < 0x80) {  // ASCII: the same in every locale
    if (upper) return code >= 'a' && code <= 'z' ? code - ('a' - 'A') : code;
    return code >= 'A' && code <= 'Z' ? code + ('a' - 'A') : code;
  }
  if (locale == locale_t{}) return code;
  const wint_t wide = static_cast<wint_t>(code);
  return static_cast<char32_t>(upper ? towupper_l(wide, locale) : towlower_l(wide, locale));
}

std::string map_case(std::string_view text, bool upper) {
  const locale_t locale = utf8_ctype();
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    // Bytes that are not UTF-8 stay as they are rather than being written back in another form.
    const std::optional<Utf8Sequence> sequence = decode_utf8(text, i);
    if (!sequence) {
      out.push_back(text[i++]);
      continue;
    }
    append_utf8(out, map_code_point(sequence->code_point, upper, locale));
    i += sequence->length;
  }
  return out;
}

}  // namespace

std::string unicode_lower(std::string_view text) { return map_case(text, false); }
std::string unicode_upper(std::string_view text) { return map_case(text, true); }

}  // namespace expgraph::cypher
