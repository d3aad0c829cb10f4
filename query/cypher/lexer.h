// The lexer: turns query text into tokens, checking UTF-8, decoding string escapes and
// skipping comments. Used by the parser only. Stateless; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "ontology/status.h"
#include "query/cypher/token.h"

namespace expgraph::cypher {

// Queries longer than this are refused before lexing (positions are 32-bit; real queries are
// a few kilobytes).
inline constexpr size_t kMaxQueryBytes = 1 << 20;

// The tokens of `text`, ending with one kEnd token. Fails with invalid_argument on invalid
// UTF-8, an unterminated string or comment, a bad escape or number, or an unexpected character;
// the message says where ("syntax error at line 1, column 8: unterminated string literal") and
// details() holds "line:L column:C".
Result<std::vector<Token>> tokenize(std::string_view text);

// Whether `word` is reserved (case-insensitively): it cannot be an unquoted variable name.
// Property keys, labels, map keys and function names may still be reserved words.
bool is_reserved_word(std::string_view word);

// The position of byte `offset` in `text` (which must be valid UTF-8 up to offset).
SourcePosition position_at(std::string_view text, size_t offset);

}  // namespace expgraph::cypher
