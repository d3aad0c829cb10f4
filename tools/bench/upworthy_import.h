// Imports the Upworthy archive's CSV into a GraphStore through the upworthy importer
// (tools/importers), in requests of 5,000 items, as `expgraph import` sends them: for the
// benches that need the archive as a graph (the forward evaluation, the catalog update).
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "graph/graph_store.h"
#include "tools/importers/importer.h"

namespace expgraph::bench {

inline Status import_upworthy(const std::string& csv_path, GraphStore& graph) {
  std::ifstream csv(csv_path);
  if (!csv) return Status::not_found("cannot read " + csv_path);
  WriteRequest request;
  size_t items = 0;
  auto flush = [&]() -> Status {
    if (request.nodes.empty() && request.edges.empty()) return Status();
    auto written = graph.write(request);
    request = WriteRequest();
    items = 0;
    return written.ok() ? Status() : written.status();
  };
  auto importer = find_importer("upworthy");
  auto stats = (*importer)(csv, [&](const ImportItem& item) -> Status {
    const nlohmann::json& b = item.body;
    if (item.is_node) {
      request.nodes.push_back({b["type"].get<std::string>(), b["key"].get<std::string>(),
                               b.value("properties", nlohmann::json::object())});
    } else {
      auto from = parse_node_ref(b["from"].get<std::string>());
      auto to = parse_node_ref(b["to"].get<std::string>());
      if (!from.ok() || !to.ok()) return Status::internal("bad edge endpoint");
      request.edges.push_back({b["type"].get<std::string>(), *from, *to,
                               b.value("properties", nlohmann::json::object())});
    }
    return ++items >= 5000 ? flush() : Status();
  });
  if (!stats.ok()) return stats.status();
  return flush();
}

}  // namespace expgraph::bench
