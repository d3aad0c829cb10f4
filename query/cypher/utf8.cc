#include "query/cypher/utf8.h"

namespace expgraph::cypher {

std::optional<Utf8Sequence> decode_utf8(std::string_view text, size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  Utf8Sequence out;
  if (lead < 0x80) {
    return Utf8Sequence{lead, 1};
  } else if ((lead & 0xE0) == 0xC0) {
    out = {lead & 0x1Fu, 2};
  } else if ((lead & 0xF0) == 0xE0) {
    out = {lead & 0x0Fu, 3};
  } else if ((lead & 0xF8) == 0xF0) {
    out = {lead & 0x07u, 4};
  } else {
    return std::nullopt;
  }
  if (i + out.length > text.size()) return std::nullopt;
  for (size_t k = 1; k < out.length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return std::nullopt;
    out.code_point = (out.code_point << 6) | (next & 0x3Fu);
  }
  static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (out.code_point < kMinForLength[out.length] || out.code_point > 0x10FFFF ||
      (out.code_point >= 0xD800 && out.code_point <= 0xDFFF)) {
    return std::nullopt;
  }
  return out;
}

void append_utf8(std::string& out, uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

}  // namespace expgraph::cypher
