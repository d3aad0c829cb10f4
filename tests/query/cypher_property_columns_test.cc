// Queries over the property columns (graph/property_columns.h) answer exactly as queries that
// read every node from RocksDB: two stores take the same writes, one with the columns and one
// without (column_cache_bytes = 0), and every query must return the same rows after each step:
// the first scan, property changes and removals, creates, deletes, a restart, and on a read
// replica whose table follows the primary's batches. A write the columns fail to follow still
// succeeds and later queries read its values from storage; a table build keeps the query's time
// limit.
#include <gtest/gtest.h>

#include <new>
#include <string>
#include <vector>

#include "graph/graph_test_support.h"
#include "graph/property_columns.h"
#include "query/cypher/query_engine.h"

namespace expgraph::testing {
namespace {

// Every query orders its rows: a scan over the columns runs in id order, one over the keys in
// key order, and openCypher promises no order without ORDER BY.
const std::vector<std::string> kQueries = {
    "MATCH (e:Experiment) RETURN e.key AS k, e.name AS n, e.status AS s, "
    "e.planned_sample_size AS p, e.started_at AS d ORDER BY k",
    "MATCH (e:Experiment) WHERE e.status = 'running' RETURN e.key AS k ORDER BY k",
    "MATCH (e:Experiment) RETURN e.status AS s, count(*) AS c, sum(e.planned_sample_size) AS t, "
    "min(e.key) AS first, max(e.key) AS last ORDER BY s",
    "MATCH (e:Experiment) WHERE e.started_at >= date('2024-03-01') "
    "RETURN e.key AS k, e.started_at.month AS m ORDER BY k",
    "MATCH (e:Experiment) RETURN e ORDER BY e.key",
    "MATCH (e:Experiment) RETURN properties(e) AS p, keys(e) AS names ORDER BY e.key",
    "MATCH (e:Experiment) RETURN e.key AS k ORDER BY e.planned_sample_size DESC, k LIMIT 3",
    "MATCH (e:Experiment)-[:RUNS_ON]->(c:Channel) RETURN e.key AS e, c.name AS c ORDER BY e, c",
    "MATCH (c:Channel)<-[:RUNS_ON]-(e:Experiment) RETURN c.key AS c, count(e) AS n ORDER BY c",
    "MATCH (e:Experiment {key: 'E2'}) RETURN e.name AS n",
    // Aggregations a scan feeds from the columns without rows (grouping by a declared date with
    // nulls, counts of a property with nulls, averages, no grouping key at all) ...
    "MATCH (e:Experiment) RETURN e.started_at AS d, count(e.planned_sample_size) AS c, "
    "avg(e.planned_sample_size) AS a, count(*) AS n ORDER BY d",
    "MATCH (e:Experiment) RETURN count(*) AS c, min(e.started_at) AS first, max(e.name) AS last, "
    "sum(e.planned_sample_size) AS total",
    "MATCH (e:Experiment) RETURN e.name AS n, e.status AS s, e.missing AS m, count(*) AS c "
    "ORDER BY n, s",
    "MATCH (e:Experiment) RETURN e.planned_sample_size AS p, count(*) AS c, min(e.key) AS k "
    "ORDER BY p",
    "MATCH (e:Experiment) RETURN e.missing AS m, count(*) AS c",
    // ... and those it must leave to rows (DISTINCT, an expression around an aggregate or a
    // grouping key, collect(), a filter first).
    "MATCH (e:Experiment) RETURN e.status AS s, count(DISTINCT e.name) AS c ORDER BY s",
    "MATCH (e:Experiment) RETURN toUpper(e.status) AS s, count(*) + 1 AS c ORDER BY s",
    "MATCH (e:Experiment) RETURN e.status AS s, size(collect(e.key)) AS c ORDER BY s",
    "MATCH (e:Experiment) WHERE e.planned_sample_size > 200 RETURN e.status AS s, count(*) AS c "
    "ORDER BY s",
    // WHEREs whose leading comparisons the scan checks on the cells before making rows: with a
    // literal on either side, a parameter ($min = 600), nulls, mixed types, and one after a
    // conjunct it cannot check.
    "MATCH (e:Experiment) WHERE e.status = 'running' AND e.planned_sample_size > 600 "
    "RETURN e.key AS k ORDER BY k",
    "MATCH (e:Experiment) WHERE 600 >= e.planned_sample_size AND e.name <> 'four' "
    "RETURN e.key AS k ORDER BY k",
    "MATCH (e:Experiment) WHERE e.planned_sample_size >= $min RETURN e.key AS k ORDER BY k",
    "MATCH (e:Experiment) WHERE e.started_at < '2024-03-01' OR e.status = 'planned' "
    "RETURN e.key AS k ORDER BY k",
    "MATCH (e:Experiment) WHERE e.name > 5 AND e.status = 'running' RETURN e.key AS k ORDER BY k",
    "MATCH (e:Experiment) WHERE e.key STARTS WITH 'E' AND e.status <> 'planned' "
    "RETURN e.key AS k ORDER BY k",
    "MATCH (e:Experiment) WHERE e.missing = 1 AND e.status = 'running' RETURN e.key AS k",
    "MATCH (e:Experiment) WHERE e.started_at <> '2024-05-01' RETURN e.key AS k ORDER BY k",
    "MATCH (e:Experiment) WHERE e.planned_sample_size <> 500 AND e.status <> 'running' "
    "RETURN e.key AS k ORDER BY k",
};

class CypherPropertyColumnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(marketing_ontology(), nullptr);
    open_both();
  }

  void open_both() {
    cached_.reset();
    plain_.reset();
    auto cached = GraphStore::open(dir_.sub("cached"), marketing_ontology());
    ASSERT_TRUE(cached.ok());
    cached_ = std::move(cached).value();
    GraphStoreOptions options;
    options.column_cache_bytes = 0;
    auto plain = GraphStore::open(dir_.sub("plain"), marketing_ontology(), options);
    ASSERT_TRUE(plain.ok());
    plain_ = std::move(plain).value();
  }

  void write(const WriteRequest& request) {
    for (GraphStore* store : {cached_.get(), plain_.get()}) {
      auto written = store->write(request);
      ASSERT_TRUE(written.ok()) << written.status().to_string();
    }
  }

  static nlohmann::json answer(GraphStore& store, const std::string& query) {
    const cypher::Value::Map params = {{"min", cypher::Value::integer(600)}};
    auto result = cypher::run_query(store, query, params, QueryLimits());
    if (!result.ok()) return "ERROR " + result.status().to_string();
    return result->to_json()["rows"];
  }

  // Every query answers the same on `store` as on the store without columns, and the scans of
  // `store` did read its table.
  void expect_same_answers(GraphStore& store, const std::string& step) {
    for (const std::string& query : kQueries) {
      const nlohmann::json expected = answer(*plain_, query);
      EXPECT_TRUE(expected.is_array()) << step << ": " << query << ": " << expected.dump();
      EXPECT_EQ(answer(store, query), expected) << step << ": " << query;
    }
    auto experiment = store.symbols().find(SymbolKind::kNodeType, "Experiment");
    ASSERT_TRUE(experiment.has_value());
    EXPECT_NE(store.columns().table(*experiment), nullptr) << step;
    EXPECT_EQ(plain_->columns().table(*experiment), nullptr) << step;
  }

  TempDir dir_;
  std::unique_ptr<GraphStore> cached_;
  std::unique_ptr<GraphStore> plain_;
};

WriteRequest initial_graph() {
  WriteRequest request;
  request.nodes = {
      node("Channel", "email", {{"name", "Email"}}),
      node("Channel", "web", {{"name", "Web"}}),
      node("Experiment", "E3", {{"name", "three"}, {"status", "planned"}}),
      node("Experiment", "E1",
           {{"name", "one"}, {"status", "running"}, {"planned_sample_size", 500},
            {"started_at", "2024-02-10"}}),
      node("Experiment", "E2",
           {{"name", "two"}, {"status", "running"}, {"planned_sample_size", 900},
            {"started_at", "2024-05-01"}}),
      node("Experiment", "E4", {{"name", "four"}, {"status", "concluded"},
                                {"planned_sample_size", 100}}),
  };
  request.edges = {edge("RUNS_ON", ref("Experiment", "E1"), ref("Channel", "email")),
                   edge("RUNS_ON", ref("Experiment", "E2"), ref("Channel", "web")),
                   edge("RUNS_ON", ref("Experiment", "E4"), ref("Channel", "email"))};
  return request;
}

TEST_F(CypherPropertyColumnsTest, SameAnswersThroughWritesDeletesAndARestart) {
  write(initial_graph());
  expect_same_answers(*cached_, "first scan");

  // Properties changed, one removed (E1 loses its start date), a node deleted with its edge, a
  // node created and linked.
  WriteRequest changes;
  changes.nodes = {
      node("Experiment", "E1",
           {{"name", "one, renamed"}, {"status", "stopped"}, {"planned_sample_size", 1500}}),
      node("Experiment", "E5", {{"name", "five"}, {"status", "running"},
                                {"planned_sample_size", 2000}, {"started_at", "2024-09-30"}}),
  };
  changes.edges = {edge("RUNS_ON", ref("Experiment", "E5"), ref("Channel", "web"))};
  changes.node_deletes = {ref("Experiment", "E4")};
  write(changes);
  expect_same_answers(*cached_, "after changes");

  // A batch of nodes spread over several chunks of ids.
  WriteRequest many;
  for (int i = 0; i < 600; ++i) {
    std::string key = "B";
    key += std::to_string(i);
    if (i % 2 == 0) {
      many.nodes.push_back(node("Team", key, {{"name", "batch"}}));
    } else {
      many.nodes.push_back(node("Experiment", key, {{"name", "batch"}, {"status", "planned"}}));
    }
  }
  write(many);
  expect_same_answers(*cached_, "after a batch");

  open_both();  // the columns start empty and are built again by the first scan
  expect_same_answers(*cached_, "after a restart");
}

TEST_F(CypherPropertyColumnsTest, AReplicaAnswersAsThePrimary) {
  write(initial_graph());
  uint64_t position = 0;
  auto replica = open_replica_of(*cached_, dir_.sub("replica"), position);
  ASSERT_TRUE(replica.ok()) << replica.status().to_string();
  expect_same_answers(**replica, "replica, first scan");

  WriteRequest changes;
  changes.nodes = {node("Experiment", "E2", {{"name", "two"}, {"status", "stopped"}}),
                   node("Experiment", "E6", {{"name", "six"}, {"status", "running"},
                                             {"planned_sample_size", 7}})};
  changes.node_deletes = {ref("Experiment", "E3")};
  write(changes);
  auto cursor = cached_->storage().read_updates(position);
  ASSERT_TRUE(cursor.ok());
  auto batches = (*cursor)->next(size_t{1} << 30);
  ASSERT_TRUE(batches.ok());
  for (const ReplicatedBatch& batch : *batches) {
    ASSERT_TRUE((*replica)->apply_replicated(batch).ok());
  }
  expect_same_answers(**replica, "replica, after applies");
}

TEST_F(CypherPropertyColumnsTest, AfterAFailedUpdateQueriesAnswerFromStorage) {
  write(initial_graph());
  expect_same_answers(*cached_, "first scan");
  const SymbolId experiment = *cached_->symbols().find(SymbolKind::kNodeType, "Experiment");
  // What an allocation failure while the columns follow the write would throw.
  cached_->columns().set_update_fault_for_testing([] { throw std::bad_alloc(); });
  WriteRequest changes;
  changes.nodes = {node("Experiment", "E1", {{"name", "one, renamed"}, {"status", "stopped"}}),
                   node("Experiment", "E7", {{"name", "seven"}, {"status", "running"}})};
  write(changes);  // succeeds: the write is durable whatever the columns do
  EXPECT_EQ(cached_->columns().table(experiment), nullptr);
  // Read from storage, with the write's values, before any scan builds the table again.
  EXPECT_EQ(answer(*cached_, "MATCH (e:Experiment {key: 'E1'}) RETURN e.name AS n"),
            nlohmann::json::parse(R"([["one, renamed"]])"));
  EXPECT_EQ(cached_->columns().table(experiment), nullptr);
  expect_same_answers(*cached_, "after a failed update");
}

TEST_F(CypherPropertyColumnsTest, ATableBuildKeepsTheQueryTimeLimit) {
  // Enough nodes that the build takes well over a millisecond.
  WriteRequest many;
  const std::vector<std::string> statuses = {"planned", "running", "stopped"};
  for (int i = 0; i < 10000; ++i) {
    std::string key = "E";
    key += std::to_string(i);
    many.nodes.push_back(node("Experiment", key, {{"name", "n"}, {"status", statuses[i % 3]}}));
  }
  write(many);
  const SymbolId experiment = *cached_->symbols().find(SymbolKind::kNodeType, "Experiment");
  const std::string query = "MATCH (e:Experiment) RETURN e.status AS s, count(*) AS c ORDER BY s";
  QueryLimits tiny;
  tiny.timeout_ms = 1;
  auto timed_out = cypher::run_query(*cached_, query, {}, tiny);
  ASSERT_FALSE(timed_out.ok());
  EXPECT_EQ(timed_out.status().error_code(), "query_timeout");
  // The build was abandoned, not finished for nobody while writes waited.
  EXPECT_EQ(cached_->columns().table(experiment), nullptr);
  EXPECT_EQ(cached_->columns().memory_bytes(), 0u);

  write({{node("Experiment", "E0", {{"name", "n"}, {"status", "stopped"}})}});
  EXPECT_EQ(answer(*cached_, query),
            nlohmann::json::parse(R"([["planned", 3333], ["running", 3333], ["stopped", 3334]])"));
  EXPECT_EQ(answer(*cached_, query), answer(*plain_, query));
  EXPECT_NE(cached_->columns().table(experiment), nullptr);
}

}  // namespace
}  // namespace expgraph::testing
