#include "query/cypher/unicode_case.h"

#include <locale.h>
#include <wctype.h>

namespace expgraph::cypher {

namespace {

// The C library's case tables are Unicode's in the C.UTF-8 locale; taken once and kept for the
// process (never freed), without touching the process's global locale.
locale_t utf8_ctype() {
  static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
  return locale;
}

void append_utf8(std::string& out, char32_t code) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

// The length of the UTF-8 sequence starting at text[i], 0 when it is not a valid one.
size_t sequence_length(std::string_view text, size_t i) {
  const auto byte = static_cast<unsigned char>(text[i]);
  size_t length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 0;
  if (length == 0 || byte > 0xF4 || i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
  }
  return length;
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
    const size_t length = sequence_length(text, i);
    if (length == 0) {
      out.push_back(text[i++]);
      continue;
    }
    char32_t code = static_cast<unsigned char>(text[i]);
    if (length > 1) {
      code &= 0x3Fu >> (length - 1);  // the lead byte's payload bits: 5, 4 or 3
      for (size_t k = 1; k < length; ++k) {
        code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
      }
    }
    // An overlong form, a surrogate or a code point past U+10FFFF is not UTF-8 either: its bytes
    // stay as they are rather than being written back in another form.
    const size_t shortest = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (shortest != length || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) {
      out.push_back(text[i++]);
      continue;
    }
    append_utf8(out, map_code_point(code, upper, locale));
    i += length;
  }
  return out;
}

}  // namespace

std::string unicode_lower(std::string_view text) { return map_case(text, false); }
std::string unicode_upper(std::string_view text) { return map_case(text, true); }

}  // namespace expgraph::cypher
