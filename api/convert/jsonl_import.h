// JSONL import: one node or edge per line ({"node": {...}} or {"edge": {...}}), committed in
// batches. A bad line is reported with its number and reason and does not stop the rest,
// unless the import is atomic (then any bad line rejects the whole body and nothing is written).
// Lines take effect in file order: an edge line naming a node that neither is stored nor was
// written by an earlier line is rejected (not_found), whatever the batch size.
// Nothing is overwritten silently: the report lists each existing node the import changed, with
// the properties changed (old -> new, bounded), and `keep_existing` leaves stored nodes as they
// are (counted as "kept").
// Used by POST /v1/import; stateless apart from the GraphStore it writes to.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "graph/graph_store.h"

namespace expgraph::api {

struct ImportOptions {
  bool atomic = false;
  size_t batch_size = 10000;          // lines per WriteBatch when not atomic
  size_t first_line_number = 1;       // for bodies that continue a larger file
  size_t max_reported_rejections = 1000;
  size_t max_reported_changes = 100;  // changed nodes listed; the rest are counted
  // A node line naming a node stored when its batch is written leaves it as it is. The write
  // itself decides (WriteRequest::keep_existing, under the store's write lock), so a node a
  // concurrent request creates before the batch commits is kept too, never overwritten.
  bool keep_existing = false;
  std::string actor = "import";
};

struct ImportReport {
  size_t lines = 0;  // non-empty lines read
  std::vector<WriteOutcome> node_outcomes;
  std::vector<WriteOutcome> edge_outcomes;
  size_t rejected = 0;
  nlohmann::json rejections = nlohmann::json::array();  // [{line, code, message}], capped
  // Existing nodes the import changed: [{node: "Type/key", changed: {property: {old, new}}}],
  // capped at max_reported_changes (nodes) and kMaxPropertiesPerChange (properties) each.
  nlohmann::json changes = nlohmann::json::array();
  size_t changes_omitted = 0;
  size_t kept = 0;             // node lines of stored nodes left as they were (keep_existing)
  bool keep_existing = false;  // reported so that the counts are read right

  nlohmann::json to_json() const;
};

// Imports the lines of `body`. Fails as a whole only when atomic (or on an I/O error).
Result<ImportReport> import_jsonl(GraphStore& graph, std::string_view body,
                                  const ImportOptions& options);

}  // namespace expgraph::api
