#include "query/cypher/parser.h"

#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "query/cypher/lexer.h"
#include "query/cypher/parser_internal.h"

namespace expgraph::cypher {

namespace parser_internal {

Query Parser::parse_query() {
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

std::string Parser::describe(const Token& token) const {
  if (token.kind == TokenKind::kEnd) return "end of input";
  std::string_view raw =
      text_.substr(token.position.offset, token.end_offset - token.position.offset);
  constexpr size_t kMaxShown = 40;
  // Appended piece by piece: out of line, "'" + std::string(...) trips GCC 12's -Wrestrict.
  std::string shown = "'";
  if (raw.size() <= kMaxShown) {
    shown.append(raw);
  } else {
    size_t cut = kMaxShown;
    while (cut > 0 && (static_cast<unsigned char>(raw[cut]) & 0xC0) == 0x80) --cut;
    shown.append(raw.substr(0, cut));
    shown.append("...");
  }
  shown.append("'");
  return shown;
}

void Parser::fail_at(SourcePosition position, const std::string& what) const {
  throw ParseFailure{Status::invalid_argument(
      "syntax error at " + position_text(position) + ": " + what, {position_detail(position)})};
}

void Parser::fail_expected(std::string_view what) const {
  fail_at(peek().position, "expected " + std::string(what) + " but found " + describe(peek()));
}

void Parser::unsupported(SourcePosition position, const std::string& construct,
                         const std::string& hint) const {
  Status status = Status::unprocessable(
      "unsupported_construct", construct + " is not supported" + (hint.empty() ? "" : "; " + hint) +
                                   " (" + position_text(position) + ")");
  status.add_detail(position_detail(position));
  throw ParseFailure{std::move(status)};
}

void Parser::write_clause(SourcePosition position, const std::string& name) const {
  Status status = Status::unprocessable(
      "read_only_query", name + " is a write clause; expgraph queries are read-only (" +
                             position_text(position) + ")");
  status.add_detail(position_detail(position));
  throw ParseFailure{std::move(status)};
}

}  // namespace parser_internal

Result<Query> parse_cypher(std::string_view text) {
  Result<std::vector<Token>> tokens = tokenize(text);
  if (!tokens.ok()) return tokens.status();
  try {
    parser_internal::Parser parser(text, std::move(tokens).value());
    return parser.parse_query();
  } catch (parser_internal::ParseFailure& failure) {
    return std::move(failure.status);
  } catch (const std::bad_alloc&) {
    return Status::too_large("query is too large to parse");
  } catch (const std::exception& error) {
    return Status::internal(std::string("parser failure: ") + error.what());
  }
}

}  // namespace expgraph::cypher
