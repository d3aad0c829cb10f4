// Imports the Upworthy archive's CSV into a GraphStore through the upworthy importer
// (tools/importers), in requests of 5,000 items, as `expgraph import` sends them: for the
// benches that need the archive as a graph (the forward evaluation, the catalog update).
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "graph/graph_store.h"
#include "ontology/ontology.h"
#include "tools/importers/importer.h"

namespace expgraph::bench {

// A GraphStore over the ontology file at `ontology_path` in a fresh temporary directory
// (<prefix><pid>), closed and removed when this goes. Objects observing the graph must go first.
class ScratchGraph {
 public:
  // nullptr, after printing why, when the ontology or the store does not open.
  static std::unique_ptr<ScratchGraph> open(const std::string& ontology_path,
                                            const std::string& prefix) {
    auto ontology = Ontology::load_file(ontology_path);
    if (!ontology.ok()) {
      std::fprintf(stderr, "ontology: %s\n", ontology.status().to_string().c_str());
      return nullptr;
    }
    std::unique_ptr<ScratchGraph> scratch(new ScratchGraph(std::filesystem::temp_directory_path() /
                                                           (prefix + std::to_string(::getpid()))));
    std::filesystem::remove_all(scratch->dir_);
    auto graph =
        GraphStore::open(scratch->dir_.string(), std::make_shared<Ontology>(std::move(*ontology)));
    if (!graph.ok()) {
      std::fprintf(stderr, "open: %s\n", graph.status().to_string().c_str());
      return nullptr;
    }
    scratch->graph_ = std::move(graph).value();
    return scratch;
  }
  ~ScratchGraph() {
    graph_.reset();
    std::filesystem::remove_all(dir_);
  }
  ScratchGraph(const ScratchGraph&) = delete;
  ScratchGraph& operator=(const ScratchGraph&) = delete;

  GraphStore& graph() { return *graph_; }

 private:
  explicit ScratchGraph(std::filesystem::path dir) : dir_(std::move(dir)) {}

  std::filesystem::path dir_;
  std::unique_ptr<GraphStore> graph_;
};

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
