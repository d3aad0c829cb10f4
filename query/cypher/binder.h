// The binder: checks a parsed query against the ontology and its own scopes before planning.
// Labels must be ontology node types, relationship types ontology edge types, every variable
// must be bound before use, functions must exist and aggregates appear only in projections.
// Used by the query engine between parse_cypher() and plan_query(). Stateless; thread-safe.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "ontology/ontology.h"
#include "ontology/status.h"
#include "query/cypher/ast.h"

namespace expgraph::cypher {

// Var-length patterns without an upper bound stop at this depth; an explicit bound above
// kMaxVarLengthHops is refused (the number of paths grows exponentially with depth).
inline constexpr int kDefaultMaxVarLengthHops = 10;
inline constexpr int kMaxVarLengthHops = 20;

// Ok when the query may be planned. Records in each pattern expression which of its variables
// the enclosing scope binds (PatternExpr::outer_variables). Failures (422 unless noted), each with "line:L column:C"
// in details():
//   unknown_label, unknown_relationship_type   not in the ontology
//   unknown_variable                           used before being bound
//   unknown_function, invalid_arguments        no such function / wrong argument count
//   invalid_aggregation                        aggregate in WHERE, UNWIND, a pattern or nested
//   variable_type_conflict, variable_already_bound, expression_requires_alias,
//   duplicate_column, unsupported_construct, invalid_var_length
Status bind_query(const Query& query, const Ontology& ontology);

// The variables an expression reads from its scope: a comprehension's own variable and a
// pattern's new variables are left out, a pattern's outer variables (resolved by bind_query)
// are included.
void collect_variables(const Expr& expr, std::set<std::string>& out);

// Cypher-style error with its position: the Status carries `reason` and "line:L column:C".
Status query_error(std::string reason, std::string message, SourcePosition position);

}  // namespace expgraph::cypher
