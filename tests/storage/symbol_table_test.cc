// SymbolTable: names get stable ids that survive a reopen; new names get new ids; ids are
// never reused, and the three kinds (node types, edge types, properties) are separate spaces.
#include "storage/symbol_table.h"

#include <gtest/gtest.h>

#include <set>

#include "test_support/temp_dir.h"

namespace expgraph {
namespace {

class SymbolTableTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }

  void reopen() {
    table_.reset();
    store_.reset();
    auto store = KvStore::open(dir_.sub("db"));
    ASSERT_TRUE(store.ok()) << store.status().to_string();
    store_ = std::move(store).value();
    auto table = SymbolTable::load(*store_);
    ASSERT_TRUE(table.ok()) << table.status().to_string();
    table_ = std::move(table).value();
  }

  void register_names(SymbolKind kind, const std::vector<std::string>& names) {
    Status status = table_->register_names(*store_, kind, names);
    ASSERT_TRUE(status.ok()) << status.to_string();
  }

  SymbolId id(SymbolKind kind, std::string_view name) {
    auto found = table_->find(kind, name);
    EXPECT_TRUE(found.has_value()) << name;
    return found.value_or(0);
  }

  testing::TempDir dir_;
  std::unique_ptr<KvStore> store_;
  std::optional<SymbolTable> table_;
};

TEST_F(SymbolTableTest, EmptyStoreKnowsNoNames) {
  EXPECT_FALSE(table_->find(SymbolKind::kNodeType, "Experiment").has_value());
  EXPECT_EQ(table_->name(SymbolKind::kNodeType, 1), "");
  EXPECT_EQ(table_->name(SymbolKind::kNodeType, 0), "");
}

TEST_F(SymbolTableTest, AssignsDistinctNonZeroIdsAndNamesThem) {
  register_names(SymbolKind::kNodeType, {"Experiment", "Hypothesis", "Experiment"});
  SymbolId experiment = id(SymbolKind::kNodeType, "Experiment");
  SymbolId hypothesis = id(SymbolKind::kNodeType, "Hypothesis");
  EXPECT_NE(experiment, 0u);  // 0 means "no type" in the topology mirror
  EXPECT_NE(hypothesis, 0u);
  EXPECT_NE(experiment, hypothesis);
  EXPECT_EQ(table_->name(SymbolKind::kNodeType, experiment), "Experiment");
  EXPECT_EQ(table_->name(SymbolKind::kNodeType, hypothesis), "Hypothesis");
  EXPECT_EQ(table_->name(SymbolKind::kNodeType, 999), "");
}

TEST_F(SymbolTableTest, KindsAreSeparate) {
  register_names(SymbolKind::kNodeType, {"name"});
  EXPECT_FALSE(table_->find(SymbolKind::kProperty, "name").has_value());
  register_names(SymbolKind::kProperty, {"status", "name"});
  EXPECT_TRUE(table_->find(SymbolKind::kProperty, "name").has_value());
  EXPECT_FALSE(table_->find(SymbolKind::kEdgeType, "name").has_value());
}

TEST_F(SymbolTableTest, IdsAreStableAcrossReopen) {
  register_names(SymbolKind::kNodeType, {"Experiment", "Hypothesis"});
  register_names(SymbolKind::kEdgeType, {"TESTS"});
  register_names(SymbolKind::kProperty, {"status"});
  SymbolId experiment = id(SymbolKind::kNodeType, "Experiment");
  SymbolId hypothesis = id(SymbolKind::kNodeType, "Hypothesis");
  SymbolId tests = id(SymbolKind::kEdgeType, "TESTS");
  SymbolId status = id(SymbolKind::kProperty, "status");

  reopen();
  EXPECT_EQ(id(SymbolKind::kNodeType, "Experiment"), experiment);
  EXPECT_EQ(id(SymbolKind::kNodeType, "Hypothesis"), hypothesis);
  EXPECT_EQ(id(SymbolKind::kEdgeType, "TESTS"), tests);
  EXPECT_EQ(id(SymbolKind::kProperty, "status"), status);
  EXPECT_EQ(table_->name(SymbolKind::kNodeType, hypothesis), "Hypothesis");

  // Registering known names again (a restart with the same ontology) changes nothing.
  register_names(SymbolKind::kNodeType, {"Hypothesis", "Experiment"});
  EXPECT_EQ(id(SymbolKind::kNodeType, "Experiment"), experiment);
  EXPECT_EQ(id(SymbolKind::kNodeType, "Hypothesis"), hypothesis);
}

TEST_F(SymbolTableTest, NewNamesGetNewIdsThatAreNeverReused) {
  register_names(SymbolKind::kNodeType, {"A", "B"});
  std::set<SymbolId> seen = {id(SymbolKind::kNodeType, "A"), id(SymbolKind::kNodeType, "B")};

  // The next ontology drops B and adds C: C must not take an id already handed out.
  reopen();
  register_names(SymbolKind::kNodeType, {"A", "C"});
  SymbolId c = id(SymbolKind::kNodeType, "C");
  EXPECT_FALSE(seen.contains(c));
  seen.insert(c);
  EXPECT_TRUE(table_->find(SymbolKind::kNodeType, "B").has_value());  // old keys stay readable

  reopen();
  register_names(SymbolKind::kNodeType, {"D"});
  SymbolId d = id(SymbolKind::kNodeType, "D");
  EXPECT_FALSE(seen.contains(d));
  EXPECT_EQ(id(SymbolKind::kNodeType, "C"), c);
  EXPECT_EQ(table_->name(SymbolKind::kNodeType, c), "C");
}

}  // namespace
}  // namespace expgraph
