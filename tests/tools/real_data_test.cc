// The importers on the real data sets in EXPGRAPH_SHARED_DATA_DIR (skipped when absent): row and
// node counts, every item valid against ontology/marketing.json, endpoints before edges, no
// duplicate edge, identical output on a second run, and every item accepted by a GraphStore
// (written in batches), with a re-import that creates nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "graph/graph_store.h"
#include "tests/tools/importer_test_support.h"

namespace expgraph {
namespace {

using testing_support::Collected;

Result<Collected> collect_file(const Importer& importer, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found("cannot open " + path);
  return testing_support::collect(importer, in);
}

// A fresh directory under the system temp dir, removed with the object.
class TempDir {
 public:
  explicit TempDir(const std::string& name) {
    path_ = std::filesystem::temp_directory_path() /
            ("expgraph-" + name + "-" +
             std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
             std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

struct WriteTotals {
  size_t created = 0;
  size_t updated = 0;
  size_t unchanged = 0;
};

// Writes the items in requests of at most `batch` items, in emission order.
WriteTotals write_all(GraphStore& store, const std::vector<ImportItem>& items, size_t batch) {
  WriteTotals totals;
  WriteRequest request;
  request.actor = "importer-test";
  auto flush = [&] {
    if (request.nodes.empty() && request.edges.empty()) return;
    Result<WriteSummary> summary = store.write(request);
    ASSERT_TRUE(summary.ok()) << summary.status().to_string() << " "
                              << ::testing::PrintToString(summary.status().details());
    for (const auto* outcomes : {&summary->nodes, &summary->edges}) {
      for (WriteOutcome outcome : *outcomes) {
        if (outcome == WriteOutcome::kCreated) ++totals.created;
        if (outcome == WriteOutcome::kUpdated) ++totals.updated;
        if (outcome == WriteOutcome::kUnchanged) ++totals.unchanged;
      }
    }
    request.nodes.clear();
    request.edges.clear();
  };
  for (const ImportItem& item : items) {
    const nlohmann::json& body = item.body;
    if (item.is_node) {
      request.nodes.push_back(
          {body["type"].get<std::string>(), body["key"].get<std::string>(), body["properties"]});
    } else {
      Result<NodeRef> from = parse_node_ref(body["from"].get<std::string>());
      Result<NodeRef> to = parse_node_ref(body["to"].get<std::string>());
      EXPECT_TRUE(from.ok() && to.ok());
      if (!from.ok() || !to.ok()) continue;
      request.edges.push_back({body["type"].get<std::string>(), *from, *to, body["properties"]});
    }
    if (request.nodes.size() + request.edges.size() >= batch) {
      flush();
      if (::testing::Test::HasFatalFailure()) return totals;
    }
  }
  flush();
  return totals;
}

// The checks every data set gets; returns the collected items of the first run.
Collected check_data_set(const std::string& name, const Importer& importer,
                         const std::string& relative) {
  const std::string path = testing_support::shared_data_file(relative);
  if (path.empty()) return {};
  auto start = std::chrono::steady_clock::now();
  Result<Collected> first = collect_file(importer, path);
  const double convert_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(first.ok()) << first.status().to_string();
  if (!first.ok()) return {};
  Result<Collected> second = collect_file(importer, path);
  EXPECT_TRUE(second.ok());
  if (second.ok()) {
    EXPECT_EQ(first->items.size(), second->items.size());
    bool identical = first->items.size() == second->items.size();
    for (size_t i = 0; identical && i < first->items.size(); ++i) {
      identical = first->items[i].is_node == second->items[i].is_node &&
                  first->items[i].body == second->items[i].body;
    }
    EXPECT_TRUE(identical) << "two runs gave different items";
  }
  testing_support::expect_valid_and_ordered(first->items);
  EXPECT_EQ(first->stats.nodes_emitted, first->nodes.size());
  EXPECT_EQ(first->stats.edges_emitted, first->edges.size());

  // End to end: every item accepted by a GraphStore, and a re-import creates nothing.
  TempDir dir(name);
  Result<std::unique_ptr<GraphStore>> store =
      GraphStore::open(dir.path(), testing_support::marketing_ontology());
  EXPECT_TRUE(store.ok()) << store.status().to_string();
  if (!store.ok()) return std::move(*first);
  start = std::chrono::steady_clock::now();
  WriteTotals written = write_all(**store, first->items, 5000);
  const double write_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ((*store)->node_count(), first->nodes.size());
  EXPECT_EQ((*store)->edge_count(), first->edges.size());
  EXPECT_EQ(written.created, first->items.size());
  start = std::chrono::steady_clock::now();
  WriteTotals again = write_all(**store, first->items, 5000);
  const double rewrite_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(again.created, 0u);
  EXPECT_EQ(again.updated, 0u);
  EXPECT_EQ(again.unchanged, first->items.size());
  EXPECT_EQ((*store)->node_count(), first->nodes.size());
  std::cout << "[ importer ] " << name << ": " << first->stats.rows_read << " rows ("
            << first->stats.rows_skipped << " skipped), " << first->nodes.size() << " nodes, "
            << first->edges.size() << " edges; convert " << convert_s << " s, GraphStore write "
            << write_s << " s (batches of 5000), re-import " << rewrite_s << " s, 0 created"
            << std::endl;
  return std::move(*first);
}

TEST(RealDataTest, Upworthy) {
  if (testing_support::shared_data_file("upworthy/upworthy-packages-2013-2014.csv").empty()) {
    GTEST_SKIP() << "no shared data at " << EXPGRAPH_SHARED_DATA_DIR;
  }
  Collected out =
      check_data_set("upworthy", import_upworthy, "upworthy/upworthy-packages-2013-2014.csv");
  // Per the data README: 15,048 packages in 3,351 tests.
  EXPECT_EQ(out.stats.rows_read, 15048u);
  EXPECT_EQ(out.stats.rows_skipped, 0u);
  EXPECT_EQ(out.count_nodes("Experiment"), 3351u);
  EXPECT_EQ(out.count_nodes("Variant"), 15048u);
  EXPECT_EQ(out.count_nodes("Result"), 15048u);
  EXPECT_EQ(out.count_nodes("Learning"), 3350u);  // one test has a single package
  size_t flagged = 0, won = 0;
  for (const auto& [ref, properties] : out.nodes) {
    if (ref.rfind("Experiment/", 0) == 0 && properties.contains("flags") &&
        properties["flags"].dump().find("randomisation_issue") != std::string::npos) {
      ++flagged;
    }
    if (ref.rfind("Learning/", 0) == 0 && properties["outcome"] == "won") ++won;
  }
  std::cout << "[ importer ] upworthy: " << flagged << " tests flagged randomisation_issue, " << won
            << " learnings won" << std::endl;
  EXPECT_GT(flagged, 0u);
  EXPECT_LT(flagged, 3351u);
}

TEST(RealDataTest, Hillstrom) {
  if (testing_support::shared_data_file("hillstrom/hillstrom.csv").empty()) {
    GTEST_SKIP() << "no shared data at " << EXPGRAPH_SHARED_DATA_DIR;
  }
  Collected out = check_data_set("hillstrom", import_hillstrom, "hillstrom/hillstrom.csv");
  EXPECT_EQ(out.stats.rows_read, 64000u);
  EXPECT_EQ(out.stats.rows_skipped, 0u);
  EXPECT_EQ(out.count_nodes("Experiment"), 1u);
  // all + 7 history bands + 3 zip areas + 3 purchase channels + 2 newbie + 3 merchandise mixes.
  EXPECT_EQ(out.count_nodes("Segment"), 19u);
  EXPECT_EQ(out.count_nodes("Result"), 171u);
  EXPECT_EQ(out.count_nodes("Learning"), 38u);
  // The published arm sizes.
  EXPECT_EQ(out.node("Result/hillstrom-2008-no_email-visit-all")["users"], 21306);
  EXPECT_EQ(out.node("Result/hillstrom-2008-mens_email-visit-all")["users"], 21307);
  EXPECT_EQ(out.node("Result/hillstrom-2008-womens_email-visit-all")["users"], 21387);
  EXPECT_EQ(out.node("Learning/hillstrom-2008-all-visit")["outcome"], "won");
}

TEST(RealDataTest, FbAds) {
  if (testing_support::shared_data_file("campaigns/KAG_conversion_data.csv").empty()) {
    GTEST_SKIP() << "no shared data at " << EXPGRAPH_SHARED_DATA_DIR;
  }
  Collected out = check_data_set("fb-ads", import_fb_ads, "campaigns/KAG_conversion_data.csv");
  EXPECT_EQ(out.stats.rows_read, 1143u);
  EXPECT_EQ(out.stats.rows_skipped, 0u);
  EXPECT_EQ(out.count_nodes("Campaign"), 3u);
  EXPECT_EQ(out.count_nodes("Experiment"), 691u);
  EXPECT_EQ(out.count_nodes("Variant"), 1143u);
  EXPECT_EQ(out.count_nodes("Result"), 3 * 1143u);
}

}  // namespace
}  // namespace expgraph
