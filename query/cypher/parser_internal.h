// Private to the Cypher parser (parser.cc, parse_clauses.cc, parse_patterns.cc,
// parse_expressions.cc): the recursive-descent Parser class, its token helpers (inline here, as
// every rule uses them) and the ParseFailure it throws. Callers use parse_cypher() (parser.h).
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ontology/status.h"
#include "query/cypher/ast.h"
#include "query/cypher/lexer.h"
#include "query/cypher/parser.h"
#include "query/cypher/token.h"

namespace expgraph::cypher::parser_internal {

// Thrown inside the parser only, so that the recursive descent reads as grammar; parse_cypher()
// turns it back into a Status before returning.
struct ParseFailure {
  Status status;
};

inline bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

inline bool is_reserved(const Token& token) {
  return token.kind == TokenKind::kIdentifier && !token.quoted && is_reserved_word(token.text);
}

// One parse: the rules are grouped by concern, each group in its own file (parse_clauses.cc,
// parse_patterns.cc, parse_expressions.cc); parser.cc has the entry and the error reporting.
class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens)
      : text_(text), tokens_(std::move(tokens)) {}
  // The whole query; throws ParseFailure on the first error.
  Query parse_query();

 private:
  // --- Token helpers ----------------------------------------------------------------------

  const Token& peek(size_t ahead = 0) const {
    size_t index = std::min(position_ + ahead, tokens_.size() - 1);
    return tokens_[index];
  }
  bool check(TokenKind kind, size_t ahead = 0) const { return peek(ahead).kind == kind; }
  bool check_keyword(std::string_view keyword, size_t ahead = 0) const {
    const Token& token = peek(ahead);
    return token.kind == TokenKind::kIdentifier && !token.quoted &&
           equals_ignore_case(token.text, keyword);
  }
  const Token& advance() {
    const Token& token = peek();
    last_end_offset_ = token.end_offset;
    if (position_ + 1 < tokens_.size()) ++position_;
    return token;
  }
  bool accept(TokenKind kind) {
    if (!check(kind)) return false;
    advance();
    return true;
  }
  bool accept_keyword(std::string_view keyword) {
    if (!check_keyword(keyword)) return false;
    advance();
    return true;
  }
  const Token& expect(TokenKind kind, std::string_view what) {
    if (!check(kind)) fail_expected(what);
    return advance();
  }
  void expect_keyword(std::string_view keyword) {
    if (!check_keyword(keyword)) fail_expected(keyword);
    advance();
  }
  // How a token is shown in "but found ...": its source text, shortened.
  std::string describe(const Token& token) const;
  [[noreturn]] void fail_at(SourcePosition position, const std::string& what) const;
  [[noreturn]] void fail_expected(std::string_view what) const;
  [[noreturn]] void unsupported(SourcePosition position, const std::string& construct,
                                const std::string& hint = {}) const;
  [[noreturn]] void write_clause(SourcePosition position, const std::string& name) const;
  // Counts nesting so that no input can exhaust the stack (here, in ~Expr, or in the executor).
  class DepthGuard {
   public:
    explicit DepthGuard(Parser& parser) : parser_(parser), saved_(parser.depth_) { bump(); }
    ~DepthGuard() { parser_.depth_ = saved_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    // One more level: each link of a left-associative chain deepens the tree by one.
    void bump() {
      if (++parser_.depth_ > kMaxExpressionDepth) {
        SourcePosition position = parser_.peek().position;
        Status status = Status::unprocessable(
            "nesting_too_deep", "expression nesting exceeds the limit of " +
                                    std::to_string(kMaxExpressionDepth) + " levels (" +
                                    position_text(position) + ")");
        status.add_detail(position_detail(position));
        throw ParseFailure{std::move(status)};
      }
    }

   private:
    Parser& parser_;
    int saved_;
  };

  // --- Names ------------------------------------------------------------------------------

  // A variable: any identifier but a reserved word (backquoted names always qualify).
  std::string expect_variable(std::string_view what = "a variable name") {
    if (!check(TokenKind::kIdentifier) || is_reserved(peek())) fail_expected(what);
    return advance().text;
  }
  // A label, relationship type, property key or map key: any identifier, keywords included.
  std::string expect_name(std::string_view what) {
    if (!check(TokenKind::kIdentifier)) fail_expected(what);
    return advance().text;
  }
  bool at_variable() const { return check(TokenKind::kIdentifier) && !is_reserved(peek()); }

  // --- Clauses ----------------------------------------------------------------------------

  Clause parse_clause();
  // Reports write clauses and known-but-unsupported clauses by name; returns otherwise.
  void reject_other_clause() const;
  MatchClause parse_match(bool optional);
  Projection parse_projection(bool is_with);

  // --- Patterns ---------------------------------------------------------------------------

  PatternPart parse_pattern_part();
  ExprPtr parse_pattern_properties();
  NodePattern parse_node_pattern();
  int64_t parse_hop_count();
  RelationshipPattern parse_relationship_pattern();

  // --- Expressions, loosest binding first ---------------------------------------------------

  ExprPtr parse_expression();
  // Shared loop of the left-associative keyword operators OR, XOR and AND.
  template <ExprPtr (Parser::*kOperand)()>
  ExprPtr parse_keyword_chain(std::string_view keyword, BinaryOp op);
  ExprPtr parse_or();
  ExprPtr parse_xor();
  ExprPtr parse_and();
  ExprPtr parse_not();
  // a < b <= c means a < b AND b <= c, as in openCypher; the shared operand is cloned.
  ExprPtr parse_comparison();
  // STARTS WITH, ENDS WITH, CONTAINS, IN, IS [NOT] NULL.
  ExprPtr parse_predicate();
  // Shared loop of the left-associative symbol operators (+ -, * / %, ^).
  template <ExprPtr (Parser::*kOperand)()>
  ExprPtr parse_symbol_chain(std::initializer_list<std::pair<TokenKind, BinaryOp>> ops);
  ExprPtr parse_additive();
  ExprPtr parse_multiplicative();
  ExprPtr parse_power();
  ExprPtr parse_unary();
  // atom followed by .key, [index], [from..to], then optional :Label predicates.
  ExprPtr parse_postfix();
  ExprPtr parse_subscript(SourcePosition position, ExprPtr container);
  ExprPtr parse_atom();
  ExprPtr parse_parenthesized();
  ExprPtr parse_list_literal();
  ExprPtr parse_map_literal();
  // Keywords that start expressions, function calls and variables.
  ExprPtr parse_name_atom();
  ExprPtr parse_function_call(size_t name_tokens);
  ExprPtr parse_case();
  // [x IN list WHERE ... | ...] once `[ x IN` is seen; the '[' is consumed.
  ExprPtr parse_list_comprehension(SourcePosition position);
  // all/any/none/single(x IN list WHERE ...), the name already consumed.
  ExprPtr parse_quantifier(SourcePosition position, Quantifier quantifier);
  // reduce(acc = init, x IN list | expr), the name already consumed.
  ExprPtr parse_reduce(SourcePosition position);
  // EXISTS { ... } or COUNT { ... }, at the keyword.
  ExprPtr parse_pattern_subquery(PatternMode mode);
  // A pattern with at least one relationship at the current position, or nullopt (and the
  // position unchanged) when the text there is not one: `(a)-->(b)` versus `(a + 1)`.
  std::optional<PatternPart> try_parse_relationship_pattern();

  // --- Literals ---------------------------------------------------------------------------

  // The unsigned value of an integer token, or nullopt when it exceeds 64 bits.
  static std::optional<uint64_t> integer_magnitude(const Token& token);
  double parse_float(const Token& token) const;
  std::string_view text_;
  std::vector<Token> tokens_;
  size_t position_ = 0;
  uint32_t last_end_offset_ = 0;
  int depth_ = 0;
  int pattern_nodes_ = 0;  // node patterns parsed so far, against kMaxPatternNodes
};

}  // namespace expgraph::cypher::parser_internal
