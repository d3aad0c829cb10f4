#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <utility>

#include "query/cypher/parser_internal.h"

namespace expgraph::cypher::parser_internal {

namespace {

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

}  // namespace

ExprPtr Parser::parse_expression() {
  DepthGuard guard(*this);
  return parse_or();
}

template <ExprPtr (Parser::*kOperand)()>
ExprPtr Parser::parse_keyword_chain(std::string_view keyword, BinaryOp op) {
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

ExprPtr Parser::parse_or() { return parse_keyword_chain<&Parser::parse_xor>("OR", BinaryOp::kOr); }

ExprPtr Parser::parse_xor() {
  return parse_keyword_chain<&Parser::parse_and>("XOR", BinaryOp::kXor);
}

ExprPtr Parser::parse_and() {
  return parse_keyword_chain<&Parser::parse_not>("AND", BinaryOp::kAnd);
}

ExprPtr Parser::parse_not() {
  if (!check_keyword("NOT")) return parse_comparison();
  SourcePosition position = advance().position;
  DepthGuard guard(*this);
  return make_expr(position, UnaryExpr{UnaryOp::kNot, parse_not()});
}

ExprPtr Parser::parse_comparison() {
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

ExprPtr Parser::parse_predicate() {
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

template <ExprPtr (Parser::*kOperand)()>
ExprPtr Parser::parse_symbol_chain(std::initializer_list<std::pair<TokenKind, BinaryOp>> ops) {
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

ExprPtr Parser::parse_additive() {
  return parse_symbol_chain<&Parser::parse_multiplicative>(
      {{TokenKind::kPlus, BinaryOp::kAdd}, {TokenKind::kMinus, BinaryOp::kSubtract}});
}

ExprPtr Parser::parse_multiplicative() {
  return parse_symbol_chain<&Parser::parse_power>({{TokenKind::kStar, BinaryOp::kMultiply},
                                                   {TokenKind::kSlash, BinaryOp::kDivide},
                                                   {TokenKind::kPercent, BinaryOp::kModulo}});
}

ExprPtr Parser::parse_power() {
  return parse_symbol_chain<&Parser::parse_unary>({{TokenKind::kCaret, BinaryOp::kPower}});
}

ExprPtr Parser::parse_unary() {
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

ExprPtr Parser::parse_postfix() {
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

ExprPtr Parser::parse_subscript(SourcePosition position, ExprPtr container) {
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

ExprPtr Parser::parse_atom() {
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

ExprPtr Parser::parse_parenthesized() {
  SourcePosition position = peek().position;
  // (a)-->(b) in an expression is a pattern predicate, not arithmetic on (a).
  if (std::optional<PatternPart> pattern = try_parse_relationship_pattern()) {
    PatternExpr expr;
    expr.mode = PatternMode::kPredicate;
    expr.patterns.push_back(std::move(*pattern));
    return make_expr(position, std::move(expr));
  }
  advance();
  ExprPtr inner = parse_expression();
  expect(TokenKind::kRightParen, "')'");
  return inner;
}

std::optional<PatternPart> Parser::try_parse_relationship_pattern() {
  // Only text that starts like a node pattern is tried: `()`, `(a)`, `(:L`, `(a:L`, `(a {`,
  // optionally after `p =`. This keeps nested parentheses linear to parse.
  size_t start = at_variable() && check(TokenKind::kEq, 1) ? 2 : 0;
  if (!check(TokenKind::kLeftParen, start)) return std::nullopt;
  bool node_like = check(TokenKind::kRightParen, start + 1) || check(TokenKind::kColon, start + 1);
  if (check(TokenKind::kIdentifier, start + 1) && !is_reserved(peek(start + 1))) {
    node_like = check(TokenKind::kRightParen, start + 2) || check(TokenKind::kColon, start + 2) ||
                check(TokenKind::kLeftBrace, start + 2);
  }
  if (!node_like) return std::nullopt;
  size_t saved_position = position_;
  uint32_t saved_end = last_end_offset_;
  int saved_pattern_nodes = pattern_nodes_;
  try {
    PatternPart part = parse_pattern_part();
    if (!part.relationships.empty()) return part;
  } catch (const ParseFailure& failure) {
    // An unsupported pattern feature (a quantified path, a label alternative) or too many
    // patterns is reported as such; anything else is not a pattern and is parsed again as an
    // expression.
    if (failure.status.error_code() == "unsupported_construct" ||
        failure.status.error_code() == "too_many_patterns") {
      throw;
    }
  }
  position_ = saved_position;
  last_end_offset_ = saved_end;
  pattern_nodes_ = saved_pattern_nodes;
  return std::nullopt;
}

ExprPtr Parser::parse_list_comprehension(SourcePosition position) {
  ListComprehensionExpr expr;
  expr.variable = expect_variable();
  expect_keyword("IN");
  expr.list = parse_expression();
  if (accept_keyword("WHERE")) expr.where = parse_expression();
  if (accept(TokenKind::kPipe)) expr.projection = parse_expression();
  expect(TokenKind::kRightBracket, "']'");
  return make_expr(position, std::move(expr));
}

ExprPtr Parser::parse_quantifier(SourcePosition position, Quantifier quantifier) {
  expect(TokenKind::kLeftParen, "'('");
  DepthGuard guard(*this);
  QuantifierExpr expr;
  expr.quantifier = quantifier;
  expr.variable = expect_variable();
  expect_keyword("IN");
  expr.list = parse_expression();
  if (accept_keyword("WHERE")) expr.where = parse_expression();
  expect(TokenKind::kRightParen, "')'");
  return make_expr(position, std::move(expr));
}

ExprPtr Parser::parse_reduce(SourcePosition position) {
  expect(TokenKind::kLeftParen, "'('");
  DepthGuard guard(*this);
  ReduceExpr expr;
  expr.accumulator = expect_variable("an accumulator name");
  expect(TokenKind::kEq, "'='");
  expr.initial = parse_expression();
  expect(TokenKind::kComma, "','");
  expr.variable = expect_variable();
  expect_keyword("IN");
  expr.list = parse_expression();
  expect(TokenKind::kPipe, "'|'");
  expr.expression = parse_expression();
  expect(TokenKind::kRightParen, "')'");
  return make_expr(position, std::move(expr));
}

ExprPtr Parser::parse_pattern_subquery(PatternMode mode) {
  SourcePosition position = advance().position;
  const std::string braces = mode == PatternMode::kExists ? "EXISTS { }" : "COUNT { }";
  expect(TokenKind::kLeftBrace, "'{'");
  DepthGuard guard(*this);
  PatternExpr expr;
  expr.mode = mode;
  // The short form: patterns and their WHERE, without MATCH; it is that one MATCH.
  if (check(TokenKind::kLeftParen) || (at_variable() && check(TokenKind::kEq, 1))) {
    SourcePosition at = peek().position;
    expr.body.push_back(Clause{{at, parse_match(false)}});
    expect(TokenKind::kRightBrace, "'}'");
    return make_expr(position, std::move(expr));
  }
  // The full form: reading clauses as in a query, each run on the rows of the one before, and
  // optionally a RETURN, which ends the subquery.
  do {
    expr.body.push_back(parse_clause());
  } while (!check(TokenKind::kRightBrace) && !expr.body.back().is<ReturnClause>());
  if (!check(TokenKind::kRightBrace)) {
    reject_other_clause();
    for (std::string_view word : {"WITH", "UNWIND", "MATCH", "OPTIONAL MATCH", "RETURN"}) {
      if (check_keyword(word.substr(0, word.find(' ')))) {
        unsupported(peek().position, std::string(word) + " after the RETURN of " + braces,
                    "RETURN ends the subquery");
      }
    }
    fail_expected("'}'");
  }
  advance();
  return make_expr(position, std::move(expr));
}

ExprPtr Parser::parse_list_literal() {
  SourcePosition position = advance().position;
  DepthGuard guard(*this);
  if (check(TokenKind::kIdentifier) && !is_reserved(peek()) && check_keyword("IN", 1)) {
    return parse_list_comprehension(position);
  }
  // [(a)-->(b) WHERE ... | expr] or [p = (a)-->(b) | expr]: a pattern comprehension.
  if (check(TokenKind::kLeftParen) || (at_variable() && check(TokenKind::kEq, 1))) {
    if (std::optional<PatternPart> pattern = try_parse_relationship_pattern()) {
      PatternExpr expr;
      expr.mode = PatternMode::kComprehension;
      expr.patterns.push_back(std::move(*pattern));
      if (accept_keyword("WHERE")) expr.where = parse_expression();
      expect(TokenKind::kPipe, "'|'");
      expr.projection = parse_expression();
      expect(TokenKind::kRightBracket, "']'");
      return make_expr(position, std::move(expr));
    }
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

ExprPtr Parser::parse_map_literal() {
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

ExprPtr Parser::parse_name_atom() {
  const Token& token = peek();
  SourcePosition position = token.position;
  if (!token.quoted) {
    if (accept_keyword("TRUE")) return make_expr(position, LiteralExpr{Value::boolean(true)});
    if (accept_keyword("FALSE")) return make_expr(position, LiteralExpr{Value::boolean(false)});
    if (accept_keyword("NULL")) return make_expr(position, LiteralExpr{Value::null()});
    if (check_keyword("CASE")) return parse_case();
    if (check_keyword("EXISTS") && check(TokenKind::kLeftBrace, 1)) {
      return parse_pattern_subquery(PatternMode::kExists);
    }
    if (check_keyword("COUNT") && check(TokenKind::kLeftBrace, 1)) {
      return parse_pattern_subquery(PatternMode::kCount);
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

ExprPtr Parser::parse_function_call(size_t name_tokens) {
  SourcePosition position = peek().position;
  std::string name;
  for (size_t i = 0; i < name_tokens; ++i) {
    const Token& token = advance();
    name += token.kind == TokenKind::kDot ? "." : token.text;
  }
  // all/any/none/single(x IN ...) and reduce(acc = ..., x IN ... | ...) bind a variable.
  bool binds_variable = check(TokenKind::kIdentifier, 1) && check_keyword("IN", 2);
  static constexpr std::array<std::pair<std::string_view, Quantifier>, 4> kQuantifiers = {{
      {"all", Quantifier::kAll},
      {"any", Quantifier::kAny},
      {"none", Quantifier::kNone},
      {"single", Quantifier::kSingle},
  }};
  for (const auto& [quantifier_name, quantifier] : kQuantifiers) {
    if (equals_ignore_case(name, quantifier_name) && binds_variable) {
      return parse_quantifier(position, quantifier);
    }
  }
  if (equals_ignore_case(name, "reduce") && check(TokenKind::kIdentifier, 1) &&
      check(TokenKind::kEq, 2)) {
    return parse_reduce(position);
  }
  for (std::string_view removed : {"filter", "extract"}) {
    if (equals_ignore_case(name, removed) && binds_variable) {
      unsupported(position, "the list function " + name + "(... IN ...)",
                  "write a list comprehension [x IN list WHERE ... | ...]");
    }
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
  // exists((a)-->(b)) is the older spelling of EXISTS { (a)-->(b) }.
  if (equals_ignore_case(call.name, "exists") && !call.distinct && call.args.size() == 1 &&
      call.args[0]->is<PatternExpr>() &&
      call.args[0]->as<PatternExpr>().mode == PatternMode::kPredicate) {
    auto& pattern = call.args[0]->as<PatternExpr>();
    MatchClause match;
    match.patterns = std::move(pattern.patterns);
    PatternExpr subquery;
    subquery.mode = PatternMode::kExists;
    subquery.body.push_back(Clause{{call.args[0]->position, std::move(match)}});
    return make_expr(position, std::move(subquery));
  }
  return make_expr(position, std::move(call));
}

ExprPtr Parser::parse_case() {
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

std::optional<uint64_t> Parser::integer_magnitude(const Token& token) {
  std::string_view text = token.text;
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
    base = 16;
  } else if (text.size() > 2 && text[0] == '0' && text[1] == 'o') {
    text.remove_prefix(2);
    base = 8;
  }
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

double Parser::parse_float(const Token& token) const {
  double value = 0;
  std::string_view text = token.text;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    fail_at(token.position, "float literal is out of range");
  }
  return value;
}

}  // namespace expgraph::cypher::parser_internal
