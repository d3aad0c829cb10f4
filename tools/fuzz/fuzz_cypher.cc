// libFuzzer target: a Cypher query text through the lexer, parser and binder (against the
// marketing ontology), and, when it binds, through the planner and executor over a tiny graph
// with tight row and time limits, as POST /v1/query runs it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "query/cypher/binder.h"
#include "query/cypher/lexer.h"
#include "query/cypher/parser.h"
#include "query/cypher/query_engine.h"
#include "tools/fuzz/fuzz_support.h"

namespace {

expgraph::GraphStore& small_graph() {
  using namespace expgraph;
  static GraphStore& graph = [&]() -> GraphStore& {
    GraphStore& store = fuzz::scratch_graph();
    WriteRequest request;
    request.nodes.push_back({"Hypothesis", "H-1", {{"statement", "Shorter forms convert"}}});
    request.nodes.push_back({"Metric", "conversion", {{"name", "Conversion"}}});
    (void)store.write(request);
    return store;
  }();
  return graph;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace expgraph;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)cypher::tokenize(text);
  auto query = cypher::parse_cypher(text);
  if (!query.ok()) return 0;
  if (!cypher::bind_query(*query, fuzz::marketing_ontology()).ok()) return 0;
  QueryLimits limits;
  limits.max_rows = 200;
  limits.timeout_ms = 200;
  (void)cypher::run_query(small_graph(), text, {}, limits);
  return 0;
}
