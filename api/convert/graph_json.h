// JSON forms of graph writes, shared by the node, edge, batch and import routes:
//   node: {"type": "Experiment", "key": "EXP-1", "properties": {...}, "embedding": [...]}
//   edge: {"type": "TARGETS", "from": "Experiment/EXP-1", "to": "Segment/smb", "properties": {...}}
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "graph/records.h"

namespace expgraph::api {

// `what` names the item in error messages ("nodes[3]"). The overloads for an item no longer
// needed move its properties out instead of copying them.
Result<NodeWrite> node_write_from_json(const nlohmann::json& item, const std::string& what);
Result<NodeWrite> node_write_from_json(nlohmann::json&& item, const std::string& what);
Result<EdgeWrite> edge_write_from_json(const nlohmann::json& item, const std::string& what);
Result<EdgeWrite> edge_write_from_json(nlohmann::json&& item, const std::string& what);
// The properties member of a body: an object, or {} when absent; 400 otherwise. The overload
// for a body no longer needed moves the member out instead of copying it.
Result<nlohmann::json> properties_from_json(const nlohmann::json& body, const std::string& what);
Result<nlohmann::json> properties_from_json(nlohmann::json&& body, const std::string& what);
// The optional embedding member (for the client embedder): an array of finite numbers.
Result<std::optional<std::vector<float>>> embedding_from_json(const nlohmann::json& body,
                                                              const std::string& what);

// Counts of created / updated / unchanged outcomes, e.g. {"created": 2, "updated": 0, ...}.
nlohmann::json outcome_counts(const std::vector<WriteOutcome>& outcomes);

}  // namespace expgraph::api
