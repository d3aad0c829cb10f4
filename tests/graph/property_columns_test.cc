// PropertyColumns (graph/property_columns.h): a type's table is built on the first scan from
// the stored records, follows creates, updates (properties added, changed, removed) and deletes
// written afterwards, leaves a table a reader holds unchanged (a snapshot), refuses a type that
// does not fit the memory bound, starts empty after a restart and follows a replica's applies.
#include <gtest/gtest.h>

#include "graph/graph_test_support.h"
#include "graph/property_columns.h"

namespace expgraph::testing {
namespace {

class PropertyColumnsTest : public GraphStoreTest {
 protected:
  SymbolId type_id(const std::string& name) {
    return *store_->symbols().find(SymbolKind::kNodeType, name);
  }
  NodeId id_of(const std::string& type, const std::string& key) {
    auto id = store_->find_node_id(ref(type, key));
    EXPECT_TRUE(id.ok() && id->has_value());
    return id.ok() && id->has_value() ? **id : 0;
  }
  void write(WriteRequest request) {
    auto written = store_->write(request);
    ASSERT_TRUE(written.ok()) << written.status().to_string();
  }
  // "key:property=value" for every node of the table and every column it has, in id order.
  static std::vector<std::string> rows(const PropertyColumns::Table& table) {
    std::vector<std::string> out;
    table.for_each_node([&](NodeId id, const PropertyColumns::Chunk& chunk) {
      std::string row = *PropertyColumns::Table::key(chunk, id);
      for (const std::string& name : table.column_names()) {
        const nlohmann::json value = PropertyColumns::cell_json(
            PropertyColumns::Table::value(chunk, id, table.column(name)));
        if (!value.is_null()) row += " " + name + "=" + value.dump();
      }
      out.push_back(row);
      return true;
    });
    return out;
  }
};

TEST_F(PropertyColumnsTest, BuiltOnTheFirstScanThenFollowsEveryWrite) {
  write({{node("Experiment", "E1", {{"name", "one"}, {"status", "running"}}),
          node("Experiment", "E2", {{"name", "two"}, {"planned_sample_size", 10}}),
          node("Team", "T1", {{"name", "growth"}})}});
  const SymbolId experiment = type_id("Experiment");
  EXPECT_EQ(store_->columns().table(experiment), nullptr);  // nothing until a scan asks
  auto built = store_->columns().table_or_build(experiment);
  ASSERT_TRUE(built.ok());
  ASSERT_NE(*built, nullptr);
  EXPECT_EQ((*built)->node_count(), 2u);
  EXPECT_EQ(rows(**built), (std::vector<std::string>{"E1 name=\"one\" status=\"running\"",
                                                     "E2 name=\"two\" planned_sample_size=10"}));
  EXPECT_EQ(store_->columns().table(type_id("Team")), nullptr);  // only the type scanned

  // One request: a property changed, one removed (null), a node created, a node deleted.
  WriteRequest request;
  request.nodes = {node("Experiment", "E1", {{"name", "one"}, {"status", "stopped"}}),
                   node("Experiment", "E3", {{"name", "three"}, {"description", "new"}})};
  request.node_deletes = {ref("Experiment", "E2")};
  write(request);
  auto after = store_->columns().table(experiment);
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(rows(*after), (std::vector<std::string>{"E1 name=\"one\" status=\"stopped\"",
                                                    "E3 name=\"three\" description=\"new\""}));
  EXPECT_EQ(after->node_count(), 2u);
  // The table held before the write is a snapshot: unchanged.
  EXPECT_EQ(rows(**built), (std::vector<std::string>{"E1 name=\"one\" status=\"running\"",
                                                     "E2 name=\"two\" planned_sample_size=10"}));
  EXPECT_TRUE((*built)->contains(id_of("Experiment", "E1")));

  // A deleted node is gone from the table; a node of another type never enters it.
  write({{node("Team", "T2", {{"name", "search"}})}});
  EXPECT_EQ(rows(*store_->columns().table(experiment)), rows(*after));
  EXPECT_GT(store_->columns().memory_bytes(), 0u);
}

TEST_F(PropertyColumnsTest, ManyNodesAcrossChunks) {
  WriteRequest request;
  for (int i = 0; i < 700; ++i) {
    std::string number = std::to_string(i);
    request.nodes.push_back(node("Result", std::string("R") + number, {{"name", "r"}, {"users", i}}));
    if (i % 3 == 0) request.nodes.push_back(node("Team", std::string("T") + number, {{"name", "t"}}));
  }
  write(request);
  auto table = store_->columns().table_or_build(type_id("Result"));
  ASSERT_TRUE(table.ok() && *table != nullptr);
  EXPECT_EQ((*table)->node_count(), 700u);
  int64_t sum = 0;
  (*table)->for_each_node([&](NodeId id, const PropertyColumns::Chunk& chunk) {
    sum += std::get<int64_t>(PropertyColumns::Table::value(chunk, id, (*table)->column("users")));
    return true;
  });
  EXPECT_EQ(sum, 699 * 700 / 2);
}

TEST_F(PropertyColumnsTest, ATypeBeyondTheMemoryBoundIsRefused) {
  store_.reset();
  GraphStoreOptions options;
  options.column_cache_bytes = 4000;  // less than one chunk
  auto opened = GraphStore::open(dir_.sub("small"), marketing_ontology(), options);
  ASSERT_TRUE(opened.ok());
  store_ = std::move(opened).value();
  write({{node("Experiment", "E1", {{"name", "one"}})}});
  auto table = store_->columns().table_or_build(type_id("Experiment"));
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(*table, nullptr);
  EXPECT_TRUE(store_->columns().refused(type_id("Experiment")));
  EXPECT_EQ(store_->columns().memory_bytes(), 0u);
}

TEST_F(PropertyColumnsTest, EmptyAfterARestartAndRebuiltFromStorage) {
  write({{node("Experiment", "E1", {{"name", "one"}})}});
  ASSERT_TRUE(store_->columns().table_or_build(type_id("Experiment")).ok());
  write({{node("Experiment", "E1", {{"name", "renamed"}})}});
  reopen();
  EXPECT_EQ(store_->columns().table(type_id("Experiment")), nullptr);
  auto table = store_->columns().table_or_build(type_id("Experiment"));
  ASSERT_TRUE(table.ok() && *table != nullptr);
  EXPECT_EQ(rows(**table), (std::vector<std::string>{"E1 name=\"renamed\""}));
}

TEST_F(PropertyColumnsTest, AReplicaTableFollowsTheAppliedBatches) {
  write({{node("Experiment", "E1", {{"name", "one"}}), node("Experiment", "E2", {{"name", "two"}})}});
  uint64_t position = 0;
  auto replica = open_replica_of(*store_, dir_.sub("replica"), position);
  ASSERT_TRUE(replica.ok()) << replica.status().to_string();
  const SymbolId experiment = type_id("Experiment");
  ASSERT_TRUE((*replica)->columns().table_or_build(experiment).ok());

  WriteRequest request;
  request.nodes = {node("Experiment", "E1", {{"name", "one"}, {"status", "running"}}),
                   node("Experiment", "E3", {{"name", "three"}})};
  request.node_deletes = {ref("Experiment", "E2")};
  write(request);
  auto cursor = store_->storage().read_updates(position);
  ASSERT_TRUE(cursor.ok());
  auto batches = (*cursor)->next(size_t{1} << 30);
  ASSERT_TRUE(batches.ok());
  for (const ReplicatedBatch& batch : *batches) {
    ASSERT_TRUE((*replica)->apply_replicated(batch).ok());
  }
  auto table = (*replica)->columns().table(experiment);
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(rows(*table),
            (std::vector<std::string>{"E1 name=\"one\" status=\"running\"", "E3 name=\"three\""}));
}

}  // namespace
}  // namespace expgraph::testing
