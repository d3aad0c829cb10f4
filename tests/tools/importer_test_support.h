// Helpers for the importer tests: collect a converter's items, look them up, and check them
// against the ontology and the ordering rules (endpoints first, no duplicates).
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ontology/ontology.h"
#include "tools/importers/importer.h"

namespace expgraph::testing_support {

struct Collected {
  std::vector<ImportItem> items;
  std::map<std::string, nlohmann::json> nodes;  // "Type/key" -> properties
  std::vector<nlohmann::json> edges;
  ImportStats stats;

  const nlohmann::json& node(const std::string& ref) const {
    static const nlohmann::json kMissing;
    auto it = nodes.find(ref);
    return it == nodes.end() ? kMissing : it->second;
  }
  size_t count_nodes(const std::string& type) const {
    size_t n = 0;
    for (const auto& [ref, properties] : nodes) n += ref.rfind(type + "/", 0) == 0 ? 1 : 0;
    return n;
  }
  size_t count_edges(const std::string& type) const {
    size_t n = 0;
    for (const nlohmann::json& edge : edges) n += edge["type"] == type ? 1 : 0;
    return n;
  }
  bool has_edge(const std::string& type, const std::string& from, const std::string& to) const {
    for (const nlohmann::json& edge : edges) {
      if (edge["type"] == type && edge["from"] == from && edge["to"] == to) return true;
    }
    return false;
  }
};

inline Result<Collected> collect(const Importer& importer, std::istream& in) {
  Collected out;
  ItemSink sink = [&out](const ImportItem& item) {
    out.items.push_back(item);
    if (item.is_node) {
      out.nodes[item.body["type"].get<std::string>() + "/" + item.body["key"].get<std::string>()] =
          item.body["properties"];
    } else {
      out.edges.push_back(item.body);
    }
    return Status::ok_status();
  };
  Result<ImportStats> stats = importer(in, sink);
  if (!stats.ok()) return stats.status();
  out.stats = *stats;
  return out;
}

inline Result<Collected> collect_text(const Importer& importer, const std::string& csv) {
  std::istringstream in(csv);
  return collect(importer, in);
}

inline std::shared_ptr<const Ontology> marketing_ontology() {
  static std::shared_ptr<const Ontology> ontology = [] {
    Result<Ontology> loaded = Ontology::load_file(EXPGRAPH_SOURCE_DIR "/ontology/marketing.json");
    EXPECT_TRUE(loaded.ok()) << loaded.status().to_string();
    return loaded.ok() ? std::make_shared<const Ontology>(std::move(*loaded)) : nullptr;
  }();
  return ontology;
}

// Every node valid for its type, every edge of a known type between emitted nodes of allowed
// types with valid properties, nodes emitted once and before their edges, no duplicate edge.
inline void expect_valid_and_ordered(const std::vector<ImportItem>& items) {
  std::shared_ptr<const Ontology> ontology = marketing_ontology();
  ASSERT_NE(ontology, nullptr);
  std::map<std::string, std::string> seen;  // "Type/key" -> type
  std::set<std::string> edges;
  size_t problems = 0;
  for (const ImportItem& item : items) {
    if (problems > 10) break;  // enough to diagnose
    const std::string type = item.body["type"].get<std::string>();
    if (item.is_node) {
      const std::string ref = type + "/" + item.body["key"].get<std::string>();
      const NodeType* node_type = ontology->node_type(type);
      if (node_type == nullptr) {
        ADD_FAILURE() << "unknown node type " << type;
        ++problems;
        continue;
      }
      Status valid = ontology->validate_node(*node_type, item.body["properties"], nullptr);
      if (!valid.ok()) {
        ADD_FAILURE() << ref << ": " << valid.to_string();
        ++problems;
      }
      if (!seen.emplace(ref, type).second) {
        ADD_FAILURE() << "node emitted twice: " << ref;
        ++problems;
      }
      continue;
    }
    const EdgeType* edge_type = ontology->edge_type(type);
    const std::string from = item.body["from"].get<std::string>();
    const std::string to = item.body["to"].get<std::string>();
    if (edge_type == nullptr) {
      ADD_FAILURE() << "unknown edge type " << type;
      ++problems;
      continue;
    }
    auto source = seen.find(from);
    auto target = seen.find(to);
    if (source == seen.end() || target == seen.end()) {
      ADD_FAILURE() << type << " " << from << " -> " << to << " before its endpoints";
      ++problems;
      continue;
    }
    if (!edge_type->allows_source(source->second) || !edge_type->allows_target(target->second)) {
      ADD_FAILURE() << type << " " << from << " -> " << to << ": endpoint types not allowed";
      ++problems;
    }
    Status valid = ontology->validate_edge_properties(*edge_type, item.body["properties"]);
    if (!valid.ok()) {
      ADD_FAILURE() << type << " " << from << " -> " << to << ": " << valid.to_string();
      ++problems;
    }
    if (!edges.insert(type + " " + from + " " + to).second) {
      ADD_FAILURE() << "duplicate edge " << type << " " << from << " -> " << to;
      ++problems;
    }
  }
}

// The data file at EXPGRAPH_SHARED_DATA_DIR/relative, or "" when it is not there.
inline std::string shared_data_file(const std::string& relative) {
  const std::string path = std::string(EXPGRAPH_SHARED_DATA_DIR) + "/" + relative;
  std::ifstream probe(path);
  return probe.good() ? path : std::string();
}

}  // namespace expgraph::testing_support
