// The Cypher query entry point: parse, bind against the ontology, plan, then execute (or, for
// EXPLAIN, return the plan) within a row limit, a time limit and a memory budget. Used by the query
// route and by tests. Thread-safe: each call has its own state; reads run concurrently with
// writes.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/graph_store.h"
#include "ontology/status.h"
#include "query/cypher/evaluator.h"
#include "query/cypher/graph_access.h"
#include "query/query_limits.h"

namespace expgraph::cypher {

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  std::optional<nlohmann::json> plan;  // set for EXPLAIN (then rows is empty)
  double elapsed_ms = 0;
  std::vector<std::string> warnings;  // ExecutionResult::warnings
  // Loads the properties of the nodes and relationships in `rows` when they are rendered.
  std::unique_ptr<GraphAccess> access;

  // The JSON answer: {"columns", "rows", "stats": {"rows", "elapsed_ms"}} plus "warnings" (a list
  // of strings) when there are any, or for EXPLAIN
  // {"plan": [...], "columns": [...]}. Nodes are {"type", "key", "properties"},
  // relationships {"type", "from": "Type/key", "to": "Type/key", "properties"}.
  nlohmann::json to_json() const;
};

// Runs one read-only query. Errors: the parser's (400 syntax, 422 read_only_query /
// unsupported_construct), the binder's (422 unknown_label, unknown_variable, ...), 400
// missing_parameter, 429 query_timeout, 422 row_limit_exceeded / intermediate_limit_exceeded /
// query_memory_limit, and the evaluation errors of value_ops.h (422 type_error, ...).
Result<QueryResult> run_query(GraphStore& graph, std::string_view text, const Value::Map& params,
                              const QueryLimits& limits);

}  // namespace expgraph::cypher
