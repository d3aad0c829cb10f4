// Derived state that the query layer computes from the graph and keeps across restarts (the
// forecast model and its metadata): named blobs in the `meta` column family under "derived/",
// written together in one batch so that a reader never sees one without the other.
// Used by query/insights/forecast_model_keeper. Thread-safe (RocksDB handles concurrency).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "graph/graph_store.h"

namespace expgraph {

// Stores every (name, bytes) atomically. Errors: storage errors.
Status put_derived_state(GraphStore& graph,
                         const std::vector<std::pair<std::string, std::string>>& entries);

// The bytes stored under `name`, nullopt when there are none. Errors: storage errors.
Result<std::optional<std::string>> get_derived_state(const GraphStore& graph,
                                                     std::string_view name);

}  // namespace expgraph
