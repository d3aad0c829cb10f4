#include "graph/derived_state.h"

namespace expgraph {

namespace {

// Beside the counters and the ontology in `meta`; the prefix keeps the names apart from them.
std::string derived_key(std::string_view name) { return "derived/" + std::string(name); }

}  // namespace

Status put_derived_state(GraphStore& graph,
                         const std::vector<std::pair<std::string, std::string>>& entries) {
  KvWriteBatch batch;
  for (const auto& [name, bytes] : entries) batch.put(Column::kMeta, derived_key(name), bytes);
  return graph.storage().write(batch);
}

Result<std::optional<std::string>> get_derived_state(const GraphStore& graph,
                                                     std::string_view name) {
  return graph.storage().get(Column::kMeta, derived_key(name));
}

}  // namespace expgraph
