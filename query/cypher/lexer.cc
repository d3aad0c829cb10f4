#include "query/cypher/lexer.h"

#include <array>
#include <optional>

#include "query/cypher/utf8.h"

namespace expgraph::cypher {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// Bytes >= 0x80 are parts of (already validated) multi-byte characters: non-ASCII letters are
// allowed in names, as openCypher allows Unicode identifiers.
bool is_identifier_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_identifier_part(char c) { return is_identifier_start(c) || is_digit(c); }
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// The byte offset of the first invalid UTF-8 sequence, or nullopt when the text is valid.
std::optional<size_t> find_invalid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const std::optional<Utf8Sequence> sequence = decode_utf8(text, i);
    if (!sequence) return i;
    i += sequence->length;
  }
  return std::nullopt;
}

Status syntax_error_at(SourcePosition position, const std::string& what) {
  return Status::invalid_argument("syntax error at " + position_text(position) + ": " + what,
                                  {position_detail(position)});
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> tokens;
    while (true) {
      Status skipped = skip_space_and_comments();
      if (!skipped.ok()) return skipped;
      Token token;
      token.position = here();
      if (at_end()) {
        token.kind = TokenKind::kEnd;
        token.end_offset = static_cast<uint32_t>(pos_);
        tokens.push_back(std::move(token));
        return tokens;
      }
      Status status = lex_one(token);
      if (!status.ok()) return status;
      token.end_offset = static_cast<uint32_t>(pos_);
      tokens.push_back(std::move(token));
    }
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  SourcePosition here() const {
    return SourcePosition{line_, column_, static_cast<uint32_t>(pos_)};
  }

  void advance() {
    char c = text_[pos_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++column_;
    }
  }

  Status skip_space_and_comments() {
    while (!at_end()) {
      if (is_space(peek())) {
        advance();
      } else if (peek() == '/' && peek(1) == '/') {
        while (!at_end() && peek() != '\n') advance();
      } else if (peek() == '/' && peek(1) == '*') {
        SourcePosition start = here();
        advance();
        advance();
        while (!at_end() && !(peek() == '*' && peek(1) == '/')) advance();
        if (at_end()) return syntax_error_at(start, "unterminated comment");
        advance();
        advance();
      } else {
        break;
      }
    }
    return Status::ok_status();
  }

  Status lex_one(Token& token) {
    char c = peek();
    if (is_identifier_start(c)) {
      token.kind = TokenKind::kIdentifier;
      size_t start = pos_;
      while (!at_end() && is_identifier_part(peek())) advance();
      token.text = std::string(text_.substr(start, pos_ - start));
      return Status::ok_status();
    }
    if (is_digit(c) || (c == '.' && is_digit(peek(1)))) return lex_number(token);
    if (c == '\'' || c == '"') return lex_string(token);
    if (c == '`') {
      token.kind = TokenKind::kIdentifier;
      token.quoted = true;
      return lex_quoted_name(token);
    }
    if (c == '$') return lex_parameter(token);
    return lex_symbol(token);
  }

  Status lex_number(Token& token) {
    size_t start = pos_;
    token.kind = TokenKind::kInteger;
    if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
      advance();
      advance();
      if (!is_hex_digit(peek()))
        return syntax_error_at(token.position, "invalid hexadecimal literal");
      while (is_hex_digit(peek())) advance();
    } else if (peek() == '0' && peek(1) == 'o') {
      // openCypher's octal literal: 0o17.
      advance();
      advance();
      if (peek() < '0' || peek() > '7') {
        return syntax_error_at(token.position, "invalid octal literal");
      }
      while (peek() >= '0' && peek() <= '7') advance();
    } else {
      while (is_digit(peek())) advance();
      // "1..3" is 1, .., 3 (a range), so a dot makes a float only when a digit follows it.
      if (peek() == '.' && is_digit(peek(1))) {
        token.kind = TokenKind::kFloat;
        advance();
        while (is_digit(peek())) advance();
      }
      if (peek() == 'e' || peek() == 'E') {
        token.kind = TokenKind::kFloat;
        advance();
        if (peek() == '+' || peek() == '-') advance();
        if (!is_digit(peek())) return syntax_error_at(token.position, "invalid float literal");
        while (is_digit(peek())) advance();
      }
    }
    if (is_identifier_part(peek())) {
      return syntax_error_at(token.position, "invalid number literal");
    }
    token.text = std::string(text_.substr(start, pos_ - start));
    return Status::ok_status();
  }

  Result<uint32_t> hex_escape(size_t digits, SourcePosition escape_position) {
    uint32_t code_point = 0;
    for (size_t k = 0; k < digits; ++k) {
      char h = peek();
      if (!is_hex_digit(h)) {
        return syntax_error_at(escape_position, "invalid unicode escape sequence");
      }
      code_point =
          code_point * 16 + static_cast<uint32_t>(is_digit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
      advance();
    }
    return code_point;
  }

  Status lex_string(Token& token) {
    token.kind = TokenKind::kString;
    char quote = peek();
    advance();
    std::string value;
    while (true) {
      if (at_end()) return syntax_error_at(token.position, "unterminated string literal");
      char c = peek();
      if (c == quote) {
        advance();
        break;
      }
      if (c != '\\') {
        value += c;
        advance();
        continue;
      }
      SourcePosition escape_position = here();
      advance();
      if (at_end()) return syntax_error_at(token.position, "unterminated string literal");
      char e = peek();
      advance();
      switch (e) {
        case 'n':
          value += '\n';
          break;
        case 't':
          value += '\t';
          break;
        case 'r':
          value += '\r';
          break;
        case 'b':
          value += '\b';
          break;
        case 'f':
          value += '\f';
          break;
        case '\\':
          value += '\\';
          break;
        case '\'':
          value += '\'';
          break;
        case '"':
          value += '"';
          break;
        case 'u':
        case 'U': {
          Result<uint32_t> code_point = hex_escape(e == 'u' ? 4 : 8, escape_position);
          if (!code_point.ok()) return code_point.status();
          uint32_t cp = *code_point;
          // A UTF-16 surrogate pair written as two \u escapes is one character.
          if (cp >= 0xD800 && cp <= 0xDBFF && peek() == '\\' && peek(1) == 'u') {
            advance();
            advance();
            Result<uint32_t> low = hex_escape(4, escape_position);
            if (!low.ok()) return low.status();
            if (*low < 0xDC00 || *low > 0xDFFF) {
              return syntax_error_at(escape_position, "invalid unicode surrogate pair");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00);
          }
          if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
            return syntax_error_at(escape_position, "invalid unicode code point in escape");
          }
          append_utf8(value, cp);
          break;
        }
        default:
          return syntax_error_at(escape_position,
                                 std::string("invalid escape sequence '\\") + e + "'");
      }
    }
    token.text = std::move(value);
    return Status::ok_status();
  }

  // `name` with `` for a literal backquote.
  Status lex_quoted_name(Token& token) {
    advance();
    std::string name;
    while (true) {
      if (at_end()) return syntax_error_at(token.position, "unterminated backquoted name");
      if (peek() == '`') {
        if (peek(1) == '`') {
          name += '`';
          advance();
          advance();
          continue;
        }
        advance();
        break;
      }
      name += peek();
      advance();
    }
    if (name.empty()) return syntax_error_at(token.position, "empty backquoted name");
    token.text = std::move(name);
    return Status::ok_status();
  }

  Status lex_parameter(Token& token) {
    token.kind = TokenKind::kParameter;
    advance();
    if (peek() == '`') {
      Token quoted;
      quoted.position = token.position;
      Status status = lex_quoted_name(quoted);
      if (!status.ok()) return status;
      token.text = std::move(quoted.text);
      return Status::ok_status();
    }
    size_t start = pos_;
    if (is_digit(peek())) {
      while (is_digit(peek())) advance();
    } else if (is_identifier_start(peek())) {
      while (!at_end() && is_identifier_part(peek())) advance();
    } else {
      return syntax_error_at(token.position, "expected a parameter name after '$'");
    }
    token.text = std::string(text_.substr(start, pos_ - start));
    return Status::ok_status();
  }

  Status lex_symbol(Token& token) {
    char c = peek();
    char next = peek(1);
    auto take = [&](TokenKind kind, int length) {
      token.kind = kind;
      for (int k = 0; k < length; ++k) advance();
      return Status::ok_status();
    };
    switch (c) {
      case '(':
        return take(TokenKind::kLeftParen, 1);
      case ')':
        return take(TokenKind::kRightParen, 1);
      case '[':
        return take(TokenKind::kLeftBracket, 1);
      case ']':
        return take(TokenKind::kRightBracket, 1);
      case '{':
        return take(TokenKind::kLeftBrace, 1);
      case '}':
        return take(TokenKind::kRightBrace, 1);
      case ',':
        return take(TokenKind::kComma, 1);
      case '.':
        return next == '.' ? take(TokenKind::kDotDot, 2) : take(TokenKind::kDot, 1);
      case ':':
        return take(TokenKind::kColon, 1);
      case ';':
        return take(TokenKind::kSemicolon, 1);
      case '|':
        return take(TokenKind::kPipe, 1);
      case '+':
        return next == '=' ? take(TokenKind::kPlusEq, 2) : take(TokenKind::kPlus, 1);
      case '-':
        return take(TokenKind::kMinus, 1);
      case '*':
        return take(TokenKind::kStar, 1);
      case '/':
        return take(TokenKind::kSlash, 1);
      case '%':
        return take(TokenKind::kPercent, 1);
      case '^':
        return take(TokenKind::kCaret, 1);
      case '=':
        return next == '~' ? take(TokenKind::kRegexMatch, 2) : take(TokenKind::kEq, 1);
      case '!':
        if (next == '=') return take(TokenKind::kNotEq, 2);
        break;
      // '<' and '-' stay separate tokens: in `a<-1` they are a comparison and a minus, and in
      // patterns the parser assembles arrows from them.
      case '<':
        if (next == '=') return take(TokenKind::kLessEq, 2);
        if (next == '>') return take(TokenKind::kNotEq, 2);
        return take(TokenKind::kLess, 1);
      case '>':
        return next == '=' ? take(TokenKind::kGreaterEq, 2) : take(TokenKind::kGreater, 1);
      default:
        break;
    }
    std::string shown;
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      shown = std::string("\\x") + kHex[(c >> 4) & 0xF] + kHex[c & 0xF];
    } else {
      shown = std::string(1, c);
    }
    return syntax_error_at(token.position, "unexpected character '" + shown + "'");
  }

  std::string_view text_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t column_ = 1;
};

bool same_word(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (x != b[i]) return false;
  }
  return true;
}

// Words that cannot be variable names. Property keys, labels, map keys and function names may
// still be any of them (n.order, {limit: 1}).
constexpr std::array<std::string_view, 46> kReservedWords = {
    "AND",    "AS",     "ASC",   "ASCENDING",  "BY",     "CALL",     "CASE",  "CONTAINS",
    "CREATE", "DELETE", "DESC",  "DESCENDING", "DETACH", "DISTINCT", "ELSE",  "END",
    "ENDS",   "EXISTS", "FALSE", "FOREACH",    "IN",     "IS",       "LIMIT", "LOAD",
    "MATCH",  "MERGE",  "NOT",   "NULL",       "ON",     "OPTIONAL", "OR",    "ORDER",
    "REMOVE", "RETURN", "SET",   "SKIP",       "STARTS", "THEN",     "TRUE",  "UNION",
    "UNWIND", "WHEN",   "WHERE", "WITH",       "XOR",    "YIELD"};

}  // namespace

bool is_reserved_word(std::string_view word) {
  for (std::string_view reserved : kReservedWords) {
    if (same_word(word, reserved)) return true;
  }
  return false;
}

std::string position_text(SourcePosition position) {
  return "line " + std::to_string(position.line) + ", column " + std::to_string(position.column);
}

std::string position_detail(SourcePosition position) {
  return "line:" + std::to_string(position.line) + " column:" + std::to_string(position.column);
}

SourcePosition position_at(std::string_view text, size_t offset) {
  SourcePosition position;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++position.line;
      position.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++position.column;
    }
  }
  position.offset = static_cast<uint32_t>(offset);
  return position;
}

Result<std::vector<Token>> tokenize(std::string_view text) {
  if (text.size() > kMaxQueryBytes) {
    return Status::too_large("query is " + std::to_string(text.size()) + " bytes; the limit is " +
                             std::to_string(kMaxQueryBytes));
  }
  if (std::optional<size_t> bad = find_invalid_utf8(text)) {
    SourcePosition position = position_at(text, *bad);
    return Status::invalid_argument("query is not valid UTF-8: invalid byte sequence at " +
                                        position_text(position) + " (byte offset " +
                                        std::to_string(*bad) + ")",
                                    {position_detail(position)});
  }
  return Lexer(text).run();
}

}  // namespace expgraph::cypher
