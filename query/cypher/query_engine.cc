#include "query/cypher/query_engine.h"

#include <chrono>
#include <exception>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "query/cypher/binder.h"
#include "query/cypher/executor.h"
#include "query/cypher/explain.h"
#include "query/cypher/parser.h"
#include "query/cypher/planner.h"

namespace expgraph::cypher {

namespace {

// After a query that charged this much, the allocator gives its free pages back to the system.
constexpr uint64_t kTrimAfterBytes = 64 << 20;

Result<QueryResult> run(GraphStore& graph, std::string_view text, const Value::Map& params,
                        QueryBudget& budget) {
  auto started = std::chrono::steady_clock::now();
  auto query = parse_cypher(text);
  if (!query.ok()) return query.status();
  EXPGRAPH_RETURN_IF_ERROR(bind_query(*query, graph.ontology()));
  auto plan = plan_query(*query, graph);
  if (!plan.ok()) return plan.status();

  QueryResult result;
  result.columns = plan->columns;
  result.access = std::make_unique<GraphAccess>(graph);
  if (query->explain) {
    auto explained = explain_query(*query, *plan, graph);
    if (!explained.ok()) return explained.status();
    result.plan = std::move(explained).value();
  } else {
    auto executed = execute_plan(*plan, *result.access, params, budget);
    if (!executed.ok()) return executed.status();
    result.rows = std::move(executed->rows);
    result.warnings = std::move(executed->warnings);
  }
  result.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

// run(), with exceptions turned into errors. Nothing in it is expected to throw, but a query
// must never take the server down: allocation failures and library exceptions become a 422/500
// for this query only.
Result<QueryResult> run_guarded(GraphStore& graph, std::string_view text, const Value::Map& params,
                                QueryBudget& budget) {
  try {
    return run(graph, text, params, budget);
  } catch (const std::bad_alloc&) {
    return Status::unprocessable("out_of_memory", "the query ran out of memory");
  } catch (const std::exception& error) {
    return Status::internal(std::string("query failed: ") + error.what());
  }
}

}  // namespace

nlohmann::json QueryResult::to_json() const {
  if (plan) return *plan;
  auto renderer = [this](const Value& value) { return access->render(value); };
  nlohmann::json rows_json = nlohmann::json::array();
  for (const Row& row : rows) {
    nlohmann::json item = nlohmann::json::array();
    for (const Value& value : row) item.push_back(cypher::to_json(value, renderer));
    rows_json.push_back(std::move(item));
  }
  nlohmann::json body = {{"columns", columns},
                         {"rows", std::move(rows_json)},
                         {"stats", {{"rows", rows.size()}, {"elapsed_ms", elapsed_ms}}}};
  if (!warnings.empty()) body["warnings"] = warnings;
  return body;
}

Result<QueryResult> run_query(GraphStore& graph, std::string_view text, const Value::Map& params,
                              const QueryLimits& limits) {
  QueryBudget budget(limits);
  Result<QueryResult> result = run_guarded(graph, text, params, budget);
  // glibc keeps freed small blocks (the strings and lists a large query built) in its arenas:
  // without this the process stays at its peak size after the query is over.
#if defined(__GLIBC__)
  if (budget.peak_bytes() >= kTrimAfterBytes) malloc_trim(0);
#endif
  return result;
}

}  // namespace expgraph::cypher
