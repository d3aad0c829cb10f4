// Tokens of the openCypher subset and their source positions. Produced by the lexer, consumed
// by the parser; positions travel into the AST so that every error can point at the query text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace expgraph::cypher {

// A place in the query text. line and column are 1-based; columns count Unicode code points.
struct SourcePosition {
  uint32_t line = 1;
  uint32_t column = 1;
  uint32_t offset = 0;  // byte offset into the query text
  friend bool operator==(const SourcePosition&, const SourcePosition&) = default;
};

// "line 3, column 14", the form every error message uses.
std::string position_text(SourcePosition position);
// "line:3 column:14", the machine-readable entry placed in Status::details().
std::string position_detail(SourcePosition position);

enum class TokenKind {
  kEnd,         // end of input
  kIdentifier,  // a name or keyword; keywords are recognised by the parser, case-insensitively
  kInteger,     // text holds the literal as written (decimal or 0x hex)
  kFloat,       // text holds the literal as written
  kString,      // text holds the decoded value
  kParameter,   // text holds the name without '$'
  kLeftParen,
  kRightParen,
  kLeftBracket,
  kRightBracket,
  kLeftBrace,
  kRightBrace,
  kComma,
  kDot,
  kDotDot,
  kColon,
  kSemicolon,
  kPipe,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kCaret,
  kEq,
  kNotEq,  // <> or !=
  kLess,
  kLessEq,
  kGreater,
  kGreaterEq,
  kRegexMatch,  // =~, recognised only to be rejected as unsupported
  kPlusEq,      // +=, recognised only so that SET n += {...} is reported as a write
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  SourcePosition position;
  uint32_t end_offset = 0;  // byte offset just past the token
  bool quoted = false;      // a `backquoted` identifier: never a keyword
};

}  // namespace expgraph::cypher
