// The openCypher read-subset parser: query text in, AST (ast.h) out, or a Status that points at
// the offending line and column. Used by the query service before planning. Stateless between
// calls; thread-safe.
#pragma once

#include <string_view>

#include "ontology/status.h"
#include "query/cypher/ast.h"

namespace expgraph::cypher {

// Expressions (and pattern/list nesting) deeper than this are refused, so that parsing, the
// AST's destructor and the executor's recursive evaluation all stay within the stack.
inline constexpr int kMaxExpressionDepth = 256;
// Node patterns in one query (in MATCH, OPTIONAL MATCH and pattern expressions; a relationship
// always has a node after it, so this bounds relationships too). Planning works on all of a
// pattern's elements at once and, unlike execution, is not under the query's time and memory
// budget: a 150 KB query of 30,000 relationships took 9 s and 4 GB to plan.
inline constexpr int kMaxPatternNodes = 256;

// Parses one read-only query: [EXPLAIN] (MATCH | OPTIONAL MATCH | UNWIND | WITH)* RETURN [;].
// Failures:
//   invalid_argument  "syntax error at line L, column C: expected ')' but found 'WHERE'", with
//                     details() = {"line:L column:C"}; also invalid UTF-8 and an empty query
//   read_only_query   (unprocessable) CREATE, MERGE, SET, DELETE, DETACH DELETE, REMOVE
//   unsupported_construct (unprocessable) CALL, FOREACH, LOAD CSV, UNION, list comprehensions,
//                     pattern predicates, =~, shortestPath, ...
//   nesting_too_deep  (unprocessable) nesting deeper than kMaxExpressionDepth
//   too_many_patterns (unprocessable) more than kMaxPatternNodes node patterns
//   too_large         a query over kMaxQueryBytes (1 MiB)
// The unprocessable errors also carry "line:L column:C" in details().
// Unknown function names, labels and variables are not parse errors (the binder reports them).
Result<Query> parse_cypher(std::string_view text);

}  // namespace expgraph::cypher
