#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "query/cypher/parser_internal.h"

namespace expgraph::cypher::parser_internal {

PatternPart Parser::parse_pattern_part() {
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

ExprPtr Parser::parse_pattern_properties() {
  if (check(TokenKind::kLeftBrace)) return parse_map_literal();
  if (check(TokenKind::kParameter)) {
    const Token& token = advance();
    return make_expr(token.position, ParameterExpr{token.text});
  }
  return nullptr;
}

NodePattern Parser::parse_node_pattern() {
  NodePattern node;
  node.position = peek().position;
  if (++pattern_nodes_ > kMaxPatternNodes) {
    Status status = Status::unprocessable(
        "too_many_patterns", "a query may hold at most " + std::to_string(kMaxPatternNodes) +
                                 " node patterns (" + position_text(node.position) + ")");
    status.add_detail(position_detail(node.position));
    throw ParseFailure{std::move(status)};
  }
  expect(TokenKind::kLeftParen, "'('");
  if (check(TokenKind::kLeftParen)) {
    unsupported(node.position, "a parenthesized path pattern ((a)-->(b))",
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

int64_t Parser::parse_hop_count() {
  const Token& token = peek();
  if (token.kind != TokenKind::kInteger) fail_expected("a hop count");
  std::optional<uint64_t> value = integer_magnitude(token);
  if (!value || *value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    fail_at(token.position, "hop count is too large");
  }
  advance();
  return static_cast<int64_t>(*value);
}

RelationshipPattern Parser::parse_relationship_pattern() {
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
      advance();
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
      // A minimum above the maximum (*3..1) is an empty range: it matches nothing.
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

}  // namespace expgraph::cypher::parser_internal
