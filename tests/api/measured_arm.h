// Test helper for the insight HTTP tests: writes one arm of an experiment (its Variant, its
// Result on a metric, `ctr` unless named, with the given counts, and the edges that tie them
// together).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "graph/graph_store.h"

namespace expgraph::testing {

inline NodeRef ref(std::string type, std::string key) { return {std::move(type), std::move(key)}; }

// Adds Variant `variant` using Asset `asset` to Experiment `experiment`, with Result
// `<variant>-<metric>` carrying `result` (its counts) on Metric `metric`.
inline void add_measured_arm(WriteRequest& r, const std::string& experiment,
                             const std::string& variant, const std::string& asset,
                             nlohmann::json result, const std::string& metric = "ctr") {
  const nlohmann::json none = nlohmann::json::object();
  const std::string result_key = variant + "-" + metric;
  result["name"] = variant;
  r.nodes.push_back({"Variant", variant, {{"name", variant}}});
  r.nodes.push_back({"Result", result_key, std::move(result)});
  r.edges.push_back({"HAS_VARIANT", ref("Experiment", experiment), ref("Variant", variant), none});
  r.edges.push_back({"USES_ASSET", ref("Variant", variant), ref("Asset", asset), none});
  r.edges.push_back({"HAS_RESULT", ref("Experiment", experiment), ref("Result", result_key), none});
  r.edges.push_back({"FOR_VARIANT", ref("Result", result_key), ref("Variant", variant), none});
  r.edges.push_back({"ON_METRIC", ref("Result", result_key), ref("Metric", metric), none});
}

}  // namespace expgraph::testing
