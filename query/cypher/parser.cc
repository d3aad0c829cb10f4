#include "query/cypher/parser.h"

#include <array>
#include <charconv>
#include <cmath>
#include <exception>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "query/cypher/lexer.h"

namespace expgraph::cypher {

namespace {

// Thrown inside the parser only, so that the recursive descent reads as grammar; parse_cypher()
// turns it back into a Status before returning.
struct ParseFailure {
  Status status;
};

constexpr std::array<std::string_view, 5> kWriteClauses = {"CREATE", "MERGE", "SET", "DELETE",
                                                           "REMOVE"};

bool equals_ignore_case(std::string_view a, std::string_view b) {
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

std::string upper_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool is_reserved(const Token& token) {
  return token.kind == TokenKind::kIdentifier && !token.quoted && is_reserved_word(token.text);
}

// The comparison operator a token stands for, if any.
std::optional<BinaryOp> comparison_of(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEq:
      return BinaryOp::kEq;
    case TokenKind::kNotEq:
      return BinaryOp::kNotEq;
    case TokenKind::kLess:
      return BinaryOp::kLess;
    case TokenKind::kLessEq:
      return BinaryOp::kLessEq;
    case TokenKind::kGreater:
      return BinaryOp::kGreater;
    case TokenKind::kGreaterEq:
      return BinaryOp::kGreaterEq;
    default:
      return std::nullopt;
  }
}

ExprPtr make_binary(SourcePosition position, BinaryOp op, ExprPtr left, ExprPtr right) {
  return make_expr(position, BinaryExpr{op, std::move(left), std::move(right)});
}

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens)
      : text_(text), tokens_(std::move(tokens)) {}

  Query parse_query() {
    Query query;
    if (check(TokenKind::kEnd)) {
      fail_at(peek().position, "empty query");
    }
    query.explain = accept_keyword("EXPLAIN");
    if (check_keyword("PROFILE")) unsupported(peek().position, "PROFILE");
    while (!check(TokenKind::kEnd) && !check(TokenKind::kSemicolon)) {
      query.clauses.push_back(parse_clause());
      if (query.clauses.back().is<ReturnClause>()) break;
    }
    if (query.clauses.empty()) fail_expected("a clause (MATCH, UNWIND, WITH or RETURN)");
    if (check_keyword("UNION")) unsupported(peek().position, "UNION");
    if (!query.clauses.back().is<ReturnClause>()) {
      fail_at(peek().position, "a query must end with RETURN");
    }
    accept(TokenKind::kSemicolon);
    if (!check(TokenKind::kEnd)) {
      reject_other_clause();
      fail_expected("end of query");
    }
    return query;
  }

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
  std::string describe(const Token& token) const {
    if (token.kind == TokenKind::kEnd) return "end of input";
    std::string_view raw =
        text_.substr(token.position.offset, token.end_offset - token.position.offset);
    constexpr size_t kMaxShown = 40;
    if (raw.size() <= kMaxShown) return "'" + std::string(raw) + "'";
    size_t cut = kMaxShown;
    while (cut > 0 && (static_cast<unsigned char>(raw[cut]) & 0xC0) == 0x80) --cut;
    return "'" + std::string(raw.substr(0, cut)) + "...'";
  }

  [[noreturn]] void fail_at(SourcePosition position, const std::string& what) const {
    throw ParseFailure{Status::invalid_argument(
        "syntax error at " + position_text(position) + ": " + what, {position_detail(position)})};
  }
  [[noreturn]] void fail_expected(std::string_view what) const {
    fail_at(peek().position, "expected " + std::string(what) + " but found " + describe(peek()));
  }
  [[noreturn]] void unsupported(SourcePosition position, const std::string& construct,
                                const std::string& hint = {}) const {
    Status status =
        Status::unprocessable("unsupported_construct", construct + " is not supported" +
                                                           (hint.empty() ? "" : "; " + hint) +
                                                           " (" + position_text(position) + ")");
    status.add_detail(position_detail(position));
    throw ParseFailure{std::move(status)};
  }
  [[noreturn]] void write_clause(SourcePosition position, const std::string& name) const {
    Status status = Status::unprocessable(
        "read_only_query", name + " is a write clause; expgraph queries are read-only (" +
                               position_text(position) + ")");
    status.add_detail(position_detail(position));
    throw ParseFailure{std::move(status)};
  }

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

  Clause parse_clause() {
    const Token& start = peek();
    SourcePosition position = start.position;
    if (accept_keyword("MATCH")) return Clause{position, parse_match(false)};
    if (check_keyword("OPTIONAL")) {
      advance();
      expect_keyword("MATCH");
      return Clause{position, parse_match(true)};
    }
    if (accept_keyword("UNWIND")) {
      UnwindClause unwind;
      unwind.list = parse_expression();
      expect_keyword("AS");
      unwind.variable = expect_variable();
      return Clause{position, std::move(unwind)};
    }
    if (accept_keyword("WITH")) {
      WithClause with;
      with.projection = parse_projection(true);
      if (accept_keyword("WHERE")) with.where = parse_expression();
      return Clause{position, std::move(with)};
    }
    if (accept_keyword("RETURN")) return Clause{position, ReturnClause{parse_projection(false)}};
    reject_other_clause();
    fail_expected("a clause (MATCH, OPTIONAL MATCH, UNWIND, WITH or RETURN)");
  }

  // Reports write clauses and known-but-unsupported clauses by name; returns otherwise.
  void reject_other_clause() const {
    SourcePosition position = peek().position;
    for (std::string_view word : kWriteClauses) {
      if (check_keyword(word)) write_clause(position, std::string(word));
    }
    if (check_keyword("DETACH")) write_clause(position, "DETACH DELETE");
    if (check_keyword("CALL")) unsupported(position, "CALL");
    if (check_keyword("FOREACH")) unsupported(position, "FOREACH");
    if (check_keyword("LOAD")) unsupported(position, "LOAD CSV");
    if (check_keyword("UNION")) unsupported(position, "UNION");
    if (check_keyword("USING")) {
      unsupported(position, check_keyword("PERIODIC", 1)
                                ? "USING PERIODIC COMMIT"
                                : "a USING hint (USING INDEX, SCAN or JOIN)");
    }
    if (check_keyword("START")) unsupported(position, "START");
    if (check_keyword("EXPLAIN")) fail_at(position, "EXPLAIN must come first in the query");
  }

  MatchClause parse_match(bool optional) {
    MatchClause match;
    match.optional = optional;
    do {
      match.patterns.push_back(parse_pattern_part());
    } while (accept(TokenKind::kComma));
    if (accept_keyword("WHERE")) match.where = parse_expression();
    return match;
  }

  Projection parse_projection(bool is_with) {
    Projection projection;
    projection.distinct = accept_keyword("DISTINCT");
    bool need_item = true;
    if (accept(TokenKind::kStar)) {
      projection.star = true;
      need_item = accept(TokenKind::kComma);
    }
    while (need_item) {
      ProjectionItem item;
      item.position = peek().position;
      item.expr = parse_expression();
      item.name =
          std::string(text_.substr(item.position.offset, last_end_offset_ - item.position.offset));
      if (accept_keyword("AS")) {
        item.name = expect_variable("an alias after AS");
        item.has_alias = true;
      } else if (is_with && !item.expr->is<VariableExpr>()) {
        fail_at(item.position, "expression in WITH must be aliased (use AS)");
      }
      projection.items.push_back(std::move(item));
      need_item = accept(TokenKind::kComma);
    }
    if (accept_keyword("ORDER")) {
      expect_keyword("BY");
      do {
        SortItem sort;
        sort.expr = parse_expression();
        if (accept_keyword("DESC") || accept_keyword("DESCENDING")) {
          sort.descending = true;
        } else if (!accept_keyword("ASC")) {
          accept_keyword("ASCENDING");
        }
        projection.order_by.push_back(std::move(sort));
      } while (accept(TokenKind::kComma));
    }
    if (accept_keyword("SKIP")) projection.skip = parse_expression();
    if (accept_keyword("LIMIT")) projection.limit = parse_expression();
    return projection;
  }

  // --- Patterns ---------------------------------------------------------------------------

  PatternPart parse_pattern_part() {
    PatternPart part;
    part.position = peek().position;
    if (at_variable() && check(TokenKind::kEq, 1)) {
      part.path_variable = advance().text;
      advance();
    }
    if (check(TokenKind::kIdentifier) && check(TokenKind::kLeftParen, 1) &&
        (check_keyword("shortestPath") || check_keyword("allShortestPaths"))) {
      unsupported(peek().position, peek().text);
    }
    part.nodes.push_back(parse_node_pattern());
    while (check(TokenKind::kMinus) || (check(TokenKind::kLess) && check(TokenKind::kMinus, 1))) {
      part.relationships.push_back(parse_relationship_pattern());
      part.nodes.push_back(parse_node_pattern());
    }
    return part;
  }

  ExprPtr parse_pattern_properties() {
    if (check(TokenKind::kLeftBrace)) return parse_map_literal();
    if (check(TokenKind::kParameter)) {
      const Token& token = advance();
      return make_expr(token.position, ParameterExpr{token.text});
    }
    return nullptr;
  }

  NodePattern parse_node_pattern() {
    NodePattern node;
    node.position = peek().position;
    expect(TokenKind::kLeftParen, "'('");
    if (check(TokenKind::kLeftParen)) {
      unsupported(
          node.position, "a parenthesized path pattern ((a)-->(b))",
          "to repeat a pattern, use a variable-length relationship such as -[:TYPE*1..3]->");
    }
    if (at_variable()) node.variable = advance().text;
    while (accept(TokenKind::kColon)) node.labels.push_back(expect_name("a label"));
    if (check(TokenKind::kPipe)) {
      unsupported(peek().position, "a label alternative (:A|B)", "write WHERE n:A OR n:B");
    }
    node.properties = parse_pattern_properties();
    expect(TokenKind::kRightParen, "')'");
    return node;
  }

  int64_t parse_hop_count() {
    const Token& token = peek();
    if (token.kind != TokenKind::kInteger) fail_expected("a hop count");
    std::optional<uint64_t> value = integer_magnitude(token);
    if (!value || *value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      fail_at(token.position, "hop count is too large");
    }
    advance();
    return static_cast<int64_t>(*value);
  }

  RelationshipPattern parse_relationship_pattern() {
    RelationshipPattern rel;
    rel.position = peek().position;
    bool incoming = accept(TokenKind::kLess);
    expect(TokenKind::kMinus, "'-'");
    if (accept(TokenKind::kLeftBracket)) {
      if (at_variable()) rel.variable = advance().text;
      if (accept(TokenKind::kColon)) {
        rel.types.push_back(expect_name("a relationship type"));
        while (accept(TokenKind::kPipe)) {
          accept(TokenKind::kColon);
          rel.types.push_back(expect_name("a relationship type"));
        }
      }
      if (check(TokenKind::kStar)) {
        SourcePosition star = advance().position;
        VarLength length;
        if (check(TokenKind::kInteger)) {
          length.min = parse_hop_count();
          if (accept(TokenKind::kDotDot)) {
            if (check(TokenKind::kInteger)) length.max = parse_hop_count();
          } else {
            length.max = length.min;
          }
        } else if (accept(TokenKind::kDotDot)) {
          if (check(TokenKind::kInteger)) length.max = parse_hop_count();
        }
        if (length.min && length.max && *length.min > *length.max) {
          fail_at(star, "variable-length minimum " + std::to_string(*length.min) +
                            " exceeds maximum " + std::to_string(*length.max));
        }
        rel.length = length;
      }
      rel.properties = parse_pattern_properties();
      expect(TokenKind::kRightBracket, "']'");
    }
    expect(TokenKind::kMinus, "'-'");
    bool outgoing = accept(TokenKind::kGreater);
    if (check(TokenKind::kLeftBrace)) {
      unsupported(peek().position, "a quantified path pattern ({m,n})",
                  "write a variable-length relationship such as -[:TYPE*1..3]->");
    }
    // <--> names both directions, which is the same as no direction.
    rel.direction = incoming == outgoing ? Direction::kBoth
                                         : (incoming ? Direction::kIncoming : Direction::kOutgoing);
    return rel;
  }

  // --- Expressions, loosest binding first ---------------------------------------------------

  ExprPtr parse_expression() {
    DepthGuard guard(*this);
    return parse_or();
  }

  // Shared loop of the left-associative keyword operators OR, XOR and AND.
  template <ExprPtr (Parser::*kOperand)()>
  ExprPtr parse_keyword_chain(std::string_view keyword, BinaryOp op) {
    ExprPtr left = (this->*kOperand)();
    DepthGuard guard(*this);
    while (check_keyword(keyword)) {
      SourcePosition position = advance().position;
      guard.bump();
      ExprPtr right = (this->*kOperand)();
      left = make_binary(position, op, std::move(left), std::move(right));
    }
    return left;
  }

  ExprPtr parse_or() { return parse_keyword_chain<&Parser::parse_xor>("OR", BinaryOp::kOr); }
  ExprPtr parse_xor() { return parse_keyword_chain<&Parser::parse_and>("XOR", BinaryOp::kXor); }
  ExprPtr parse_and() { return parse_keyword_chain<&Parser::parse_not>("AND", BinaryOp::kAnd); }

  ExprPtr parse_not() {
    if (!check_keyword("NOT")) return parse_comparison();
    SourcePosition position = advance().position;
    DepthGuard guard(*this);
    return make_expr(position, UnaryExpr{UnaryOp::kNot, parse_not()});
  }

  // a < b <= c means a < b AND b <= c, as in openCypher; the shared operand is cloned.
  ExprPtr parse_comparison() {
    ExprPtr first = parse_predicate();
    std::vector<std::pair<Token, ExprPtr>> rest;
    DepthGuard guard(*this);
    while (comparison_of(peek().kind)) {
      Token token = advance();
      guard.bump();
      rest.emplace_back(std::move(token), parse_predicate());
    }
    if (check(TokenKind::kRegexMatch)) unsupported(peek().position, "regular expression match =~");
    if (rest.empty()) return first;
    ExprPtr result;
    ExprPtr left = std::move(first);
    for (size_t i = 0; i < rest.size(); ++i) {
      auto& [token, right] = rest[i];
      ExprPtr next_left = i + 1 < rest.size() ? clone(*right) : nullptr;
      BinaryOp op = *comparison_of(token.kind);
      ExprPtr comparison = make_binary(token.position, op, std::move(left), std::move(right));
      left = std::move(next_left);
      SourcePosition position = comparison->position;
      result = result
                   ? make_binary(position, BinaryOp::kAnd, std::move(result), std::move(comparison))
                   : std::move(comparison);
    }
    return result;
  }

  // STARTS WITH, ENDS WITH, CONTAINS, IN, IS [NOT] NULL.
  ExprPtr parse_predicate() {
    ExprPtr left = parse_additive();
    DepthGuard guard(*this);
    while (true) {
      SourcePosition position = peek().position;
      BinaryOp op;
      if (check_keyword("STARTS") && check_keyword("WITH", 1)) {
        advance();
        advance();
        op = BinaryOp::kStartsWith;
      } else if (check_keyword("ENDS") && check_keyword("WITH", 1)) {
        advance();
        advance();
        op = BinaryOp::kEndsWith;
      } else if (accept_keyword("CONTAINS")) {
        op = BinaryOp::kContains;
      } else if (accept_keyword("IN")) {
        op = BinaryOp::kIn;
      } else if (accept_keyword("IS")) {
        bool negated = accept_keyword("NOT");
        expect_keyword("NULL");
        guard.bump();
        left = make_expr(
            position, UnaryExpr{negated ? UnaryOp::kIsNotNull : UnaryOp::kIsNull, std::move(left)});
        continue;
      } else {
        return left;
      }
      guard.bump();
      ExprPtr right = parse_additive();
      left = make_binary(position, op, std::move(left), std::move(right));
    }
  }

  // Shared loop of the left-associative symbol operators (+ -, * / %, ^).
  template <ExprPtr (Parser::*kOperand)()>
  ExprPtr parse_symbol_chain(std::initializer_list<std::pair<TokenKind, BinaryOp>> ops) {
    ExprPtr left = (this->*kOperand)();
    DepthGuard guard(*this);
    while (true) {
      const std::pair<TokenKind, BinaryOp>* match = nullptr;
      for (const auto& op : ops) {
        if (check(op.first)) match = &op;
      }
      if (match == nullptr) return left;
      SourcePosition position = advance().position;
      guard.bump();
      ExprPtr right = (this->*kOperand)();
      left = make_binary(position, match->second, std::move(left), std::move(right));
    }
  }

  ExprPtr parse_additive() {
    return parse_symbol_chain<&Parser::parse_multiplicative>(
        {{TokenKind::kPlus, BinaryOp::kAdd}, {TokenKind::kMinus, BinaryOp::kSubtract}});
  }
  ExprPtr parse_multiplicative() {
    return parse_symbol_chain<&Parser::parse_power>({{TokenKind::kStar, BinaryOp::kMultiply},
                                                     {TokenKind::kSlash, BinaryOp::kDivide},
                                                     {TokenKind::kPercent, BinaryOp::kModulo}});
  }
  ExprPtr parse_power() {
    return parse_symbol_chain<&Parser::parse_unary>({{TokenKind::kCaret, BinaryOp::kPower}});
  }

  ExprPtr parse_unary() {
    if (!check(TokenKind::kMinus) && !check(TokenKind::kPlus)) return parse_postfix();
    const Token& sign = advance();
    SourcePosition position = sign.position;
    bool minus = sign.kind == TokenKind::kMinus;
    // -9223372036854775808 is a valid literal although 9223372036854775808 alone is not, so a
    // minus directly before a number literal is folded into it.
    if (minus && check(TokenKind::kInteger) && !check(TokenKind::kDot, 1) &&
        !check(TokenKind::kLeftBracket, 1)) {
      const Token& number = peek();
      std::optional<uint64_t> magnitude = integer_magnitude(number);
      constexpr uint64_t kMinMagnitude = uint64_t{1} << 63;
      if (!magnitude || *magnitude > kMinMagnitude) {
        fail_at(number.position, "integer literal is too large");
      }
      advance();
      int64_t value = *magnitude == kMinMagnitude ? std::numeric_limits<int64_t>::min()
                                                  : -static_cast<int64_t>(*magnitude);
      return make_expr(position, LiteralExpr{Value::integer(value)});
    }
    if (minus && check(TokenKind::kFloat)) {
      const Token& number = peek();
      double value = parse_float(number);
      advance();
      return make_expr(position, LiteralExpr{Value::floating(-value)});
    }
    DepthGuard guard(*this);
    ExprPtr operand = parse_unary();
    return make_expr(position,
                     UnaryExpr{minus ? UnaryOp::kNegate : UnaryOp::kPlus, std::move(operand)});
  }

  // atom followed by .key, [index], [from..to], then optional :Label predicates.
  ExprPtr parse_postfix() {
    ExprPtr expr = parse_atom();
    DepthGuard guard(*this);
    while (true) {
      SourcePosition position = peek().position;
      if (accept(TokenKind::kDot)) {
        guard.bump();
        std::string key = expect_name("a property name");
        expr = make_expr(position, PropertyExpr{std::move(expr), std::move(key)});
      } else if (accept(TokenKind::kLeftBracket)) {
        guard.bump();
        expr = parse_subscript(position, std::move(expr));
      } else {
        break;
      }
    }
    if (check(TokenKind::kColon)) {
      SourcePosition position = peek().position;
      LabelsExpr labels{std::move(expr), {}};
      while (accept(TokenKind::kColon)) labels.labels.push_back(expect_name("a label"));
      if (check(TokenKind::kPipe)) {
        unsupported(peek().position, "a label alternative (:A|B)", "write n:A OR n:B");
      }
      expr = make_expr(position, std::move(labels));
    }
    return expr;
  }

  ExprPtr parse_subscript(SourcePosition position, ExprPtr container) {
    if (accept(TokenKind::kDotDot)) {
      ExprPtr to = check(TokenKind::kRightBracket) ? nullptr : parse_expression();
      expect(TokenKind::kRightBracket, "']'");
      return make_expr(position, SliceExpr{std::move(container), nullptr, std::move(to)});
    }
    ExprPtr index = parse_expression();
    if (accept(TokenKind::kDotDot)) {
      ExprPtr to = check(TokenKind::kRightBracket) ? nullptr : parse_expression();
      expect(TokenKind::kRightBracket, "']'");
      return make_expr(position, SliceExpr{std::move(container), std::move(index), std::move(to)});
    }
    expect(TokenKind::kRightBracket, "']'");
    return make_expr(position, IndexExpr{std::move(container), std::move(index)});
  }

  ExprPtr parse_atom() {
    const Token& token = peek();
    SourcePosition position = token.position;
    switch (token.kind) {
      case TokenKind::kInteger: {
        std::optional<uint64_t> magnitude = integer_magnitude(token);
        if (!magnitude || *magnitude > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          fail_at(position, "integer literal is too large");
        }
        advance();
        return make_expr(position, LiteralExpr{Value::integer(static_cast<int64_t>(*magnitude))});
      }
      case TokenKind::kFloat: {
        double value = parse_float(token);
        advance();
        return make_expr(position, LiteralExpr{Value::floating(value)});
      }
      case TokenKind::kString: {
        std::string value = token.text;
        advance();
        return make_expr(position, LiteralExpr{Value::string(std::move(value))});
      }
      case TokenKind::kParameter: {
        std::string name = token.text;
        advance();
        return make_expr(position, ParameterExpr{std::move(name)});
      }
      case TokenKind::kLeftParen:
        return parse_parenthesized();
      case TokenKind::kLeftBracket:
        return parse_list_literal();
      case TokenKind::kLeftBrace:
        return parse_map_literal();
      case TokenKind::kIdentifier:
        return parse_name_atom();
      default:
        fail_expected("an expression");
    }
  }

  ExprPtr parse_parenthesized() {
    SourcePosition position = advance().position;
    ExprPtr inner = parse_expression();
    expect(TokenKind::kRightParen, "')'");
    // (a)-->(b) in an expression is a pattern predicate, not arithmetic on (a).
    bool node_like = inner->is<VariableExpr>() || inner->is<LabelsExpr>();
    bool arrow_follows = (check(TokenKind::kMinus) &&
                          (check(TokenKind::kLeftBracket, 1) ||
                           (check(TokenKind::kMinus, 1) &&
                            (check(TokenKind::kGreater, 2) || check(TokenKind::kLeftParen, 2))))) ||
                         (check(TokenKind::kLess) && check(TokenKind::kMinus, 1) &&
                          (check(TokenKind::kLeftBracket, 2) || check(TokenKind::kMinus, 2)));
    if (node_like && arrow_follows) {
      unsupported(position, "a pattern predicate",
                  "match the pattern with MATCH or OPTIONAL MATCH");
    }
    return inner;
  }

  ExprPtr parse_list_literal() {
    SourcePosition position = advance().position;
    DepthGuard guard(*this);
    if (check(TokenKind::kIdentifier) && check_keyword("IN", 1)) {
      unsupported(position, "a list comprehension");
    }
    ListExpr list;
    if (!check(TokenKind::kRightBracket)) {
      do {
        list.items.push_back(parse_expression());
      } while (accept(TokenKind::kComma));
    }
    expect(TokenKind::kRightBracket, "']'");
    return make_expr(position, std::move(list));
  }

  ExprPtr parse_map_literal() {
    SourcePosition position = expect(TokenKind::kLeftBrace, "'{'").position;
    DepthGuard guard(*this);
    MapExpr map;
    if (!check(TokenKind::kRightBrace)) {
      do {
        std::string key = expect_name("a map key");
        expect(TokenKind::kColon, "':'");
        map.entries.emplace_back(std::move(key), parse_expression());
      } while (accept(TokenKind::kComma));
    }
    expect(TokenKind::kRightBrace, "'}'");
    return make_expr(position, std::move(map));
  }

  // Keywords that start expressions, function calls and variables.
  ExprPtr parse_name_atom() {
    const Token& token = peek();
    SourcePosition position = token.position;
    if (!token.quoted) {
      if (accept_keyword("TRUE")) return make_expr(position, LiteralExpr{Value::boolean(true)});
      if (accept_keyword("FALSE")) return make_expr(position, LiteralExpr{Value::boolean(false)});
      if (accept_keyword("NULL")) return make_expr(position, LiteralExpr{Value::null()});
      if (check_keyword("CASE")) return parse_case();
      if ((check_keyword("EXISTS") || check_keyword("COUNT")) && check(TokenKind::kLeftBrace, 1)) {
        unsupported(position, upper_ascii(token.text) + " { subquery }");
      }
    }
    // name(...) or namespace.name(...): look past dotted names for the parenthesis.
    size_t ahead = 1;
    while (check(TokenKind::kDot, ahead) && check(TokenKind::kIdentifier, ahead + 1)) ahead += 2;
    if (check(TokenKind::kLeftParen, ahead)) return parse_function_call(ahead);
    if (is_reserved(token)) fail_expected("an expression");
    std::string name = token.text;
    advance();
    // In an expression nothing else can follow a variable with '{'.
    if (check(TokenKind::kLeftBrace)) {
      unsupported(position, "a map projection (" + name + "{...})",
                  "build the map with a literal: {name: " + name + ".name}");
    }
    return make_expr(position, VariableExpr{std::move(name)});
  }

  ExprPtr parse_function_call(size_t name_tokens) {
    SourcePosition position = peek().position;
    std::string name;
    for (size_t i = 0; i < name_tokens; ++i) {
      const Token& token = advance();
      name += token.kind == TokenKind::kDot ? "." : token.text;
    }
    static constexpr std::array<std::string_view, 7> kListFunctions = {
        "any", "all", "none", "single", "reduce", "filter", "extract"};
    for (std::string_view list_function : kListFunctions) {
      if (equals_ignore_case(name, list_function) && check(TokenKind::kIdentifier, 1) &&
          check_keyword("IN", 2)) {
        unsupported(position, "the list function " + name + "(... IN ...)");
      }
    }
    if (equals_ignore_case(name, "reduce") && check(TokenKind::kIdentifier, 1) &&
        check(TokenKind::kEq, 2)) {
      unsupported(position, "the list function reduce(... = ..., ... IN ... | ...)");
    }
    if (equals_ignore_case(name, "shortestPath") || equals_ignore_case(name, "allShortestPaths")) {
      unsupported(position, name);
    }
    expect(TokenKind::kLeftParen, "'('");
    DepthGuard guard(*this);
    if (equals_ignore_case(name, "count") && accept(TokenKind::kStar)) {
      expect(TokenKind::kRightParen, "')'");
      return make_expr(position, CountStarExpr{});
    }
    FunctionCallExpr call;
    call.name = std::move(name);
    call.distinct = accept_keyword("DISTINCT");
    if (!check(TokenKind::kRightParen)) {
      do {
        call.args.push_back(parse_expression());
      } while (accept(TokenKind::kComma));
    }
    expect(TokenKind::kRightParen, "')'");
    return make_expr(position, std::move(call));
  }

  ExprPtr parse_case() {
    SourcePosition position = advance().position;
    DepthGuard guard(*this);
    CaseExpr expr;
    if (!check_keyword("WHEN") && !check_keyword("ELSE") && !check_keyword("END")) {
      expr.subject = parse_expression();
    }
    while (accept_keyword("WHEN")) {
      ExprPtr when = parse_expression();
      expect_keyword("THEN");
      expr.branches.emplace_back(std::move(when), parse_expression());
    }
    if (expr.branches.empty()) fail_expected("WHEN");
    if (accept_keyword("ELSE")) expr.otherwise = parse_expression();
    expect_keyword("END");
    return make_expr(position, std::move(expr));
  }

  // --- Literals ---------------------------------------------------------------------------

  // The unsigned value of an integer token, or nullopt when it exceeds 64 bits.
  static std::optional<uint64_t> integer_magnitude(const Token& token) {
    std::string_view text = token.text;
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
      text.remove_prefix(2);
      base = 16;
    }
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
  }

  double parse_float(const Token& token) const {
    double value = 0;
    std::string_view text = token.text;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
      fail_at(token.position, "float literal is out of range");
    }
    return value;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t position_ = 0;
  uint32_t last_end_offset_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<Query> parse_cypher(std::string_view text) {
  Result<std::vector<Token>> tokens = tokenize(text);
  if (!tokens.ok()) return tokens.status();
  try {
    Parser parser(text, std::move(tokens).value());
    return parser.parse_query();
  } catch (ParseFailure& failure) {
    return std::move(failure.status);
  } catch (const std::bad_alloc&) {
    return Status::too_large("query is too large to parse");
  } catch (const std::exception& error) {
    return Status::internal(std::string("parser failure: ") + error.what());
  }
}

}  // namespace expgraph::cypher
