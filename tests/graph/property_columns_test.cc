// PropertyColumns (graph/property_columns.h): a type's table is built on the first scan from
// the stored records, follows creates, updates (properties added, changed, removed) and deletes
// written afterwards, leaves a table a reader holds unchanged (a snapshot), refuses a type that
// does not fit the memory bound, starts empty after a restart and follows a replica's applies;
// a write it cannot follow drops the tables (the write and later observers go on), a build its
// check stops publishes nothing, writes go on during a build and are in the table it publishes,
// equal short strings of a column share one copy, and the bytes a table counts come back
// when nodes come and go.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <new>
#include <set>

#include "graph/graph_test_support.h"
#include "graph/property_columns.h"
#include "graph/shared_strings.h"

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
  // Results R0 .. R<count - 1>, with users = their number, in one request.
  void write_results(int count) {
    WriteRequest request;
    for (int i = 0; i < count; ++i) {
      request.nodes.push_back(
          node("Result", std::string("R") + std::to_string(i), {{"name", "r"}, {"users", i}}));
    }
    write(request);
  }
  // The sum of the `users` column (an integer on every node).
  static int64_t sum_of_users(const PropertyColumns::Table& table) {
    int64_t sum = 0;
    table.for_each_node([&](NodeId id, const PropertyColumns::Chunk& chunk) {
      sum += std::get<int64_t>(PropertyColumns::Table::value(chunk, id, table.column("users")));
      return true;
    });
    return sum;
  }
  void build_ok(const std::string& type) {
    auto table = store_->columns().table_or_build(type_id(type));
    ASSERT_TRUE(table.ok()) << table.status().to_string();
    ASSERT_NE(*table, nullptr) << type;
  }
  // "key:property=value" for every node of the table and every column it has, in id order.
  // With `by_name`, the properties in name order rather than the columns' (which follows the
  // order the table first saw them in).
  static std::vector<std::string> rows(const PropertyColumns::Table& table, bool by_name = false) {
    std::vector<std::string> names = table.column_names();
    if (by_name) std::sort(names.begin(), names.end());
    std::vector<std::string> out;
    table.for_each_node([&](NodeId id, const PropertyColumns::Chunk& chunk) {
      std::string row = *PropertyColumns::Table::key(chunk, id);
      for (const std::string& name : names) {
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
  const int64_t sum = sum_of_users(**table);
  EXPECT_EQ(sum, 699 * 700 / 2);
}

TEST_F(PropertyColumnsTest, ATypeInterleavedWithOthersCostsMemoryForItsOwnNodesOnly) {
  // 1,000 Teams with consecutive ids, then 1,000 Experiments each followed by nine Results (as
  // an import writes them): the Experiments span ten times the ids for the same rows.
  WriteRequest teams, interleaved;
  for (int i = 0; i < 1000; ++i) {
    const std::string number = std::to_string(1000 + i);
    teams.nodes.push_back(node("Team", "K" + number, {{"name", "n"}}));
    interleaved.nodes.push_back(node("Experiment", "K" + number, {{"name", "n"}}));
    for (int r = 0; r < 9; ++r) {
      interleaved.nodes.push_back(
          node("Result", "R" + number + "-" + std::to_string(r), {{"name", "r"}}));
    }
  }
  write(teams);
  write(interleaved);
  build_ok("Team");
  const size_t dense = store_->columns().memory_bytes();
  build_ok("Experiment");
  const size_t sparse = store_->columns().memory_bytes() - dense;
  EXPECT_LT(static_cast<double>(sparse), 1.25 * static_cast<double>(dense))
      << "dense " << dense << " bytes, interleaved " << sparse;
}

TEST_F(PropertyColumnsTest, RowsKeepTheirValuesAsNodesAroundThemComeAndGo) {
  // Results and Teams interleaved over three chunks; then deletes, updates that add a column
  // and re-creations, spread over several requests: the followed table must equal one built
  // afresh from storage.
  WriteRequest request;
  for (int i = 0; i < 600; ++i) {
    const std::string number = std::to_string(i);
    request.nodes.push_back(node("Result", "R" + number, {{"name", "r"}, {"users", i}}));
    if (i % 4 == 0) request.nodes.push_back(node("Team", "T" + number, {{"name", "t"}}));
  }
  write(request);
  build_ok("Result");
  for (int round = 0; round < 3; ++round) {
    WriteRequest change;
    for (int i = round; i < 600; i += 7) {
      const std::string number = std::to_string(i);
      if (i % 3 == 0) {
        change.node_deletes.push_back(ref("Result", "R" + number));
      } else {
        change.nodes.push_back(node("Result", "R" + number,
                                    {{"name", "r"}, {"users", i}, {"conversions", round}}));
      }
    }
    for (int i = 0; i < 30; ++i) {  // new nodes after the others
      std::string key = "N";
      key += std::to_string(round * 100 + i);  // (GCC 12 warns wrongly on "N" + to_string here)
      change.nodes.push_back(node("Result", key, {{"name", "new"}, {"users", i}}));
    }
    write(change);
  }
  const std::vector<std::string> followed =
      rows(*store_->columns().table(type_id("Result")), /*by_name=*/true);
  reopen();
  auto rebuilt = store_->columns().table_or_build(type_id("Result"));
  ASSERT_TRUE(rebuilt.ok() && *rebuilt != nullptr);
  EXPECT_EQ(followed, rows(**rebuilt, /*by_name=*/true));
  EXPECT_EQ(followed.size(), (*rebuilt)->node_count());
}

TEST_F(PropertyColumnsTest, MemoryComesBackWhenNodesComeAndGo) {
  // Ten Results in the first chunk, then Results created and deleted again, one at a time
  // (each alone in a chunk once the ids pass the first) and 300 at once: the table's bytes
  // must come back to what the ten cost, whatever columns the passing nodes had.
  write_results(10);
  build_ok("Result");
  const size_t before = store_->columns().memory_bytes();
  ASSERT_GT(before, 0u);
  for (int i = 0; i < 300; ++i) {
    std::string key = "P";
    key += std::to_string(i);  // (GCC 12 warns wrongly on "P" + to_string here)
    WriteRequest create;
    nlohmann::json properties = {{"name", "passing through"}, {"users", i}};
    if (i % 3 == 1) properties.update({{"conversions", i}, {"significant", true}});
    if (i % 3 == 2) properties.update({{"lift", 0.5}, {"method", "bayes"}});
    create.nodes.push_back(node("Result", key, properties));
    write(create);
    WriteRequest remove;
    remove.node_deletes.push_back(ref("Result", key));
    write(remove);
  }
  EXPECT_EQ(store_->columns().memory_bytes(), before) << "one at a time";
  WriteRequest create, remove;
  for (int i = 0; i < 300; ++i) {
    std::string key = "Q";
    key += std::to_string(i);
    create.nodes.push_back(node("Result", key, {{"name", "many"}, {"users", i}, {"lift", 1.5}}));
    remove.node_deletes.push_back(ref("Result", key));
  }
  write(create);
  EXPECT_GT(store_->columns().memory_bytes(), before);
  write(remove);
  EXPECT_EQ(store_->columns().memory_bytes(), before) << "300 at once";
  EXPECT_EQ(store_->columns().table(type_id("Result"))->node_count(), 10u);
}

TEST_F(PropertyColumnsTest, ATypeBeyondTheMemoryBoundIsRefused) {
  store_.reset();
  GraphStoreOptions options;
  options.column_cache_bytes = 4000;  // less than one block of chunk pointers
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

// An observer registered after the columns: counts the node changes it is told of.
class CountingObserver : public WriteObserver {
 public:
  Status prepare(const std::vector<NodeChange>&, KvWriteBatch&) override { return Status(); }
  void committed(const std::vector<NodeChange>& changes) override { seen += changes.size(); }
  size_t seen = 0;
};

TEST_F(PropertyColumnsTest, AWriteTheTablesCannotFollowDropsThemAndStillSucceeds) {
  write({{node("Experiment", "E1", {{"name", "one"}}),
          node("Result", "R1", {{"name", "r"}, {"users", 1}}),
          node("Team", "T1", {{"name", "growth"}})}});
  build_ok("Experiment");
  build_ok("Result");
  build_ok("Team");
  const size_t team_bytes = store_->columns().table(type_id("Team"))->memory_bytes();
  CountingObserver later;
  store_->add_observer(&later);
  // The second table the write publishes fails: the first is already out.
  int publishes = 0;
  store_->columns().set_update_fault_for_testing([&] {
    if (++publishes == 2) throw std::bad_alloc();
  });

  write({{node("Experiment", "E1", {{"name", "renamed"}}),
          node("Result", "R1", {{"name", "r"}, {"users", 2}})}});
  EXPECT_EQ(publishes, 2);
  EXPECT_EQ(later.seen, 2u);  // the observers after the columns were told
  // Both types the write touched go back to storage, the untouched one keeps its table.
  EXPECT_EQ(store_->columns().table(type_id("Experiment")), nullptr);
  EXPECT_EQ(store_->columns().table(type_id("Result")), nullptr);
  EXPECT_NE(store_->columns().table(type_id("Team")), nullptr);
  EXPECT_EQ(store_->columns().memory_bytes(), team_bytes);
  EXPECT_FALSE(store_->columns().refused(type_id("Experiment")));
  EXPECT_EQ(get(ref("Experiment", "E1")).properties["name"], "renamed");

  // Built again by the next scan, with the write's values.
  store_->columns().set_update_fault_for_testing({});
  auto experiments = store_->columns().table_or_build(type_id("Experiment"));
  ASSERT_TRUE(experiments.ok() && *experiments != nullptr);
  EXPECT_EQ(rows(**experiments), (std::vector<std::string>{"E1 name=\"renamed\""}));
  auto results = store_->columns().table_or_build(type_id("Result"));
  ASSERT_TRUE(results.ok() && *results != nullptr);
  EXPECT_EQ(rows(**results), (std::vector<std::string>{"R1 name=\"r\" users=2"}));
}

TEST_F(PropertyColumnsTest, ABuildStoppedByItsCheckPublishesNothing) {
  write_results(1000);
  const SymbolId result = type_id("Result");
  int checks = 0;
  auto stopped = store_->columns().table_or_build(
      result, [&] { return ++checks > 300 ? Status::overloaded("out of time") : Status(); });
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.status().code(), StatusCode::kOverloaded);
  EXPECT_EQ(checks, 301);  // stopped at once, not at the end of the type
  EXPECT_EQ(store_->columns().table(result), nullptr);
  EXPECT_FALSE(store_->columns().refused(result));
  EXPECT_EQ(store_->columns().memory_bytes(), 0u);

  // Writes go on, and a build without a limit sees them.
  write({{node("Result", "R0", {{"name", "r"}, {"users", 5000}})}});
  auto table = store_->columns().table_or_build(result);
  ASSERT_TRUE(table.ok() && *table != nullptr);
  EXPECT_EQ((*table)->node_count(), 1000u);
  const int64_t sum = sum_of_users(**table);
  EXPECT_EQ(sum, 999 * 1000 / 2 + 5000);
}

TEST_F(PropertyColumnsTest, WritesGoOnDuringABuildAndAreInTheTableItPublishes) {
  write_results(1000);
  const SymbolId result = type_id("Result");
  // Halfway through the build, a write from another thread: it changes a node the build has
  // read, deletes one it has not, and creates one the build's list of ids does not have.
  int checks = 0;
  bool written_during_build = false;
  Status written_status;
  std::future<void> writing;  // out here: waited for only once the build is over
  auto built = store_->columns().table_or_build(result, [&] {
    if (++checks != 500) return Status();
    writing = std::async(std::launch::async, [&] {
      WriteRequest changes;
      changes.nodes = {node("Result", "R0", {{"name", "changed"}, {"users", 5000}}),
                       node("Result", "R1000", {{"name", "new"}, {"users", 1000}})};
      changes.node_deletes = {ref("Result", "R999")};
      auto written = store_->write(changes);
      written_status = written.status();
    });
    // Were the build holding up writes, this would time out (and the write finish later).
    written_during_build = writing.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
    return Status();
  });
  ASSERT_TRUE(writing.valid());  // the build called its check halfway
  writing.wait();
  EXPECT_TRUE(written_during_build);
  EXPECT_TRUE(written_status.ok()) << written_status.to_string();
  ASSERT_TRUE(built.ok()) << built.status().to_string();
  ASSERT_NE(*built, nullptr);
  EXPECT_EQ(store_->columns().table(result), *built);
  const std::vector<std::string> published = rows(**built);
  EXPECT_EQ(published.size(), 1000u);
  EXPECT_EQ(published.front(), "R0 name=\"changed\" users=5000");
  EXPECT_EQ(published.back(), "R1000 name=\"new\" users=1000");
  EXPECT_EQ(std::count(published.begin(), published.end(), "R999 name=\"r\" users=999"), 0);

  // The same as a table built from storage now.
  reopen();
  auto rebuilt = store_->columns().table_or_build(result);
  ASSERT_TRUE(rebuilt.ok() && *rebuilt != nullptr);
  EXPECT_EQ(rows(**rebuilt), published);
}

TEST_F(PropertyColumnsTest, EqualShortStringsOfAColumnShareOneCopy) {
  // `status` takes three values, `name` one per node: far more than a pool remembers.
  const int count = static_cast<int>(SharedStrings::kMaxDistinct) + 500;
  const std::vector<std::string> statuses = {"planned", "running", "stopped"};
  WriteRequest request;
  for (int i = 0; i < count; ++i) {
    const std::string number = std::to_string(i);
    request.nodes.push_back(
        node("Experiment", "E" + number, {{"name", "name " + number}, {"status", statuses[i % 3]}}));
  }
  write(request);
  auto table = store_->columns().table_or_build(type_id("Experiment"));
  ASSERT_TRUE(table.ok() && *table != nullptr);
  const int status = (*table)->column("status");
  const int name = (*table)->column("name");
  std::set<const std::string*> status_copies;
  std::set<std::string> names;
  (*table)->for_each_node([&](NodeId id, const PropertyColumns::Chunk& chunk) {
    status_copies.insert(std::get<std::shared_ptr<const std::string>>(
                             PropertyColumns::Table::value(chunk, id, status))
                             .get());
    names.insert(*std::get<std::shared_ptr<const std::string>>(
        PropertyColumns::Table::value(chunk, id, name)));
    return true;
  });
  EXPECT_EQ(status_copies.size(), 3u);
  EXPECT_EQ(names.size(), static_cast<size_t>(count));  // every distinct name, each right
  EXPECT_TRUE(names.count("name 0") &&
              names.count(std::string("name ") + std::to_string(count - 1)));
}

}  // namespace
}  // namespace expgraph::testing
