#include <array>
#include <string>
#include <utility>

#include "query/cypher/parser_internal.h"

namespace expgraph::cypher::parser_internal {

namespace {

constexpr std::array<std::string_view, 5> kWriteClauses = {"CREATE", "MERGE", "SET", "DELETE",
                                                           "REMOVE"};

}  // namespace

Clause Parser::parse_clause() {
  const Token& start = peek();
  SourcePosition position = start.position;
  if (accept_keyword("MATCH")) return Clause{{position, parse_match(false)}};
  if (check_keyword("OPTIONAL")) {
    advance();
    expect_keyword("MATCH");
    return Clause{{position, parse_match(true)}};
  }
  if (accept_keyword("UNWIND")) {
    UnwindClause unwind;
    unwind.list = parse_expression();
    expect_keyword("AS");
    unwind.variable = expect_variable();
    return Clause{{position, std::move(unwind)}};
  }
  if (accept_keyword("WITH")) {
    WithClause with;
    with.projection = parse_projection(true);
    if (accept_keyword("WHERE")) with.where = parse_expression();
    return Clause{{position, std::move(with)}};
  }
  if (accept_keyword("RETURN")) return Clause{{position, ReturnClause{parse_projection(false)}}};
  reject_other_clause();
  fail_expected("a clause (MATCH, OPTIONAL MATCH, UNWIND, WITH or RETURN)");
}

void Parser::reject_other_clause() const {
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

MatchClause Parser::parse_match(bool optional) {
  MatchClause match;
  match.optional = optional;
  do {
    match.patterns.push_back(parse_pattern_part());
  } while (accept(TokenKind::kComma));
  if (accept_keyword("WHERE")) match.where = parse_expression();
  return match;
}

Projection Parser::parse_projection(bool is_with) {
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

}  // namespace expgraph::cypher::parser_internal
