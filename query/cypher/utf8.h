// UTF-8 as the Cypher engine reads and writes it: one sequence decoded at a time (overlong
// forms, surrogates and code points above U+10FFFF are not UTF-8) and a code point appended.
// Used by the lexer (validation, escapes) and unicode_case (case mapping). Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace expgraph::cypher {

struct Utf8Sequence {
  uint32_t code_point = 0;
  size_t length = 0;  // bytes, 1 to 4
};

// The sequence starting at text[i] (i < text.size()), nullopt when it is not valid UTF-8.
std::optional<Utf8Sequence> decode_utf8(std::string_view text, size_t i);

// Appends `code_point` (at most U+10FFFF) in UTF-8.
void append_utf8(std::string& out, uint32_t code_point);

}  // namespace expgraph::cypher
