// Shared set-up of the graph/ unit tests: a GraphStore over the shipped marketing ontology in a
// fresh temporary directory, with short helpers to build write requests and dump storage.
// Not thread-safe beyond what GraphStore itself promises.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "graph/graph_store.h"
#include "ontology/ontology.h"
#include "test_support/temp_dir.h"

namespace expgraph::testing {

// The marketing ontology, loaded once per test binary.
inline std::shared_ptr<const Ontology> marketing_ontology() {
  static const std::shared_ptr<const Ontology> ontology = [] {
    auto loaded = Ontology::load_file(EXPGRAPH_SOURCE_DIR "/ontology/marketing.json");
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status().to_string();
      return std::shared_ptr<const Ontology>();
    }
    return std::make_shared<const Ontology>(std::move(loaded).value());
  }();
  return ontology;
}

inline NodeRef ref(std::string type, std::string key) {
  return NodeRef{std::move(type), std::move(key)};
}

inline NodeWrite node(std::string type, std::string key,
                      nlohmann::json properties = nlohmann::json::object()) {
  return NodeWrite{std::move(type), std::move(key), std::move(properties)};
}

inline EdgeWrite edge(std::string type, NodeRef from, NodeRef to,
                      nlohmann::json properties = nlohmann::json::object()) {
  return EdgeWrite{std::move(type), std::move(from), std::move(to), std::move(properties)};
}

// Every key and value of every column family, to prove that a failed write changed nothing.
using StorageDump = std::map<std::pair<int, std::string>, std::string>;

inline StorageDump dump_storage(const KvStore& store) {
  StorageDump dump;
  for (int column = 0; column < kColumnCount; ++column) {
    for (KvIterator it = store.scan(static_cast<Column>(column), ""); it.valid(); it.next()) {
      dump.emplace(std::pair{column, std::string(it.key())}, std::string(it.value()));
    }
  }
  return dump;
}

// How many keys one column family holds under a prefix.
inline size_t count_keys(const KvStore& store, Column column, std::string_view prefix = "") {
  size_t count = 0;
  for (KvIterator it = store.scan(column, prefix); it.valid(); it.next()) ++count;
  return count;
}

// A read replica of `primary` as it is now: a checkpoint in `dir`, marked as applied through
// its last sequence (returned in `position`), opened in replica mode.
inline Result<std::unique_ptr<GraphStore>> open_replica_of(GraphStore& primary,
                                                           const std::string& dir,
                                                           uint64_t& position) {
  EXPGRAPH_RETURN_IF_ERROR(primary.storage().checkpoint(dir));
  {
    auto copy = KvStore::open(dir);
    if (!copy.ok()) return copy.status();
    position = (*copy)->latest_sequence();
    EXPGRAPH_RETURN_IF_ERROR((*copy)->set_applied_sequence(position));
  }
  GraphStoreOptions options;
  options.storage.replica = true;
  return GraphStore::open(dir, marketing_ontology(), options);
}

class GraphStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    ASSERT_NE(marketing_ontology(), nullptr);
    reopen();
  }

  // Closes the store (if open) and opens it again from the same directory.
  void reopen() {
    store_.reset();
    auto opened = GraphStore::open(dir_.sub("db"), marketing_ontology());
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
  }

  // Writes a request that must succeed.
  WriteSummary write_ok(const WriteRequest& request) {
    auto summary = store_->write(request);
    EXPECT_TRUE(summary.ok()) << summary.status().to_string();
    return summary.ok() ? std::move(summary).value() : WriteSummary{};
  }
  WriteSummary write_ok(std::vector<NodeWrite> nodes, std::vector<EdgeWrite> edges = {}) {
    WriteRequest request;
    request.nodes = std::move(nodes);
    request.edges = std::move(edges);
    return write_ok(request);
  }

  // Writes a request that must fail, and returns the error's code.
  StatusCode write_error(const WriteRequest& request) {
    auto summary = store_->write(request);
    EXPECT_FALSE(summary.ok()) << "the write unexpectedly succeeded";
    return summary.status().code();
  }
  StatusCode write_error(std::vector<NodeWrite> nodes, std::vector<EdgeWrite> edges = {}) {
    WriteRequest request;
    request.nodes = std::move(nodes);
    request.edges = std::move(edges);
    return write_error(request);
  }

  NodeRecord get(const NodeRef& node_ref) {
    auto record = store_->get_node(node_ref);
    EXPECT_TRUE(record.ok()) << node_ref.to_string() << ": " << record.status().to_string();
    return record.ok() ? std::move(record).value() : NodeRecord{};
  }

  NodeId id_of(const NodeRef& node_ref) { return get(node_ref).id; }

  SymbolId edge_type_id(std::string_view name) {
    auto id = store_->symbols().find(SymbolKind::kEdgeType, name);
    EXPECT_TRUE(id.has_value()) << name;
    return id.value_or(0);
  }

  // The "T/k" references of a node's edges in storage, each as "TYPE>T/k" or "TYPE<T/k".
  std::vector<std::string> stored_edges(const NodeRef& node_ref,
                                        Direction direction = Direction::kBoth) {
    auto edges = store_->edges_of(node_ref, direction, std::nullopt, 1000);
    EXPECT_TRUE(edges.ok()) << edges.status().to_string();
    std::vector<std::string> out;
    if (!edges.ok()) return out;
    for (const EdgeRecord& e : *edges) {
      bool outgoing = e.from == node_ref;
      out.push_back(e.type + (outgoing ? ">" : "<") + (outgoing ? e.to : e.from).to_string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  TempDir dir_;
  std::unique_ptr<GraphStore> store_;
};

}  // namespace expgraph::testing
