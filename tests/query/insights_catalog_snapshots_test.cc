// CatalogSnapshots over a real GraphStore: a client alone reads its own writes; while a whole
// load is held in flight, another request is answered at once from the previous snapshot when
// it is recent enough (max_lag), and waits for the load when max_lag is 0; while an update is
// held, requests wait for it; one load serves every request waiting for it; the loader stops
// when nobody asks.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include "graph/graph_test_support.h"
#include "query/insights/catalog_snapshots.h"

namespace expgraph::insights {
namespace {

using expgraph::testing::marketing_ontology;
using expgraph::testing::node;
using std::chrono::milliseconds;

// Holds every load between reading the graph and publishing it while closed.
class Gate {
 public:
  void close() {
    std::lock_guard lock(mutex_);
    open_ = false;
  }
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    changed_.notify_all();
  }
  void pass() {
    std::unique_lock lock(mutex_);
    ++waiting_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
    --waiting_;
  }
  // Waits until a load is held at the gate.
  bool held() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(30), [this] { return waiting_ > 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = true;
  int waiting_ = 0;
};

class CatalogSnapshotsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = GraphStore::open(dir_.path(), marketing_ontology());
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    graph_ = std::move(opened).value();
  }

  void add_experiment(const std::string& key) {
    WriteRequest request;
    request.nodes = {node("Experiment", key, {{"name", "Test " + key}, {"status", "concluded"}})};
    auto written = graph_->write(request);
    ASSERT_TRUE(written.ok()) << written.status().to_string();
  }

  // A deletion: the next load reads the whole graph (update_catalog does not follow it).
  void remove_experiment(const std::string& key) {
    WriteRequest request;
    request.node_deletes = {expgraph::testing::ref("Experiment", key)};
    auto written = graph_->write(request);
    ASSERT_TRUE(written.ok()) << written.status().to_string();
  }

  CatalogSnapshotOptions options(milliseconds max_lag) {
    CatalogSnapshotOptions o;
    o.max_lag = max_lag;
    o.on_loaded = [this](const std::shared_ptr<const ExperimentCatalog>&) { ++loaded_; };
    o.before_publish = [this] { gate_.pass(); };
    return o;
  }

  static size_t experiments(const Result<CatalogSnapshot>& snapshot) {
    EXPECT_TRUE(snapshot.ok()) << snapshot.status().to_string();
    if (!snapshot.ok()) return 0;
    EXPECT_NE(snapshot->asset_text, nullptr);
    return snapshot->catalog->experiments.size();
  }

  expgraph::testing::TempDir dir_;
  std::unique_ptr<GraphStore> graph_;
  Gate gate_;
  std::atomic<int> loaded_{0};
};

TEST_F(CatalogSnapshotsTest, AClientAloneReadsItsOwnWritesAndAnUnchangedGraphIsNotReloaded) {
  CatalogSnapshots snapshots(*graph_, options(milliseconds(60'000)));
  add_experiment("a");
  EXPECT_EQ(experiments(snapshots.current()), 1u);
  EXPECT_EQ(experiments(snapshots.current()), 1u);
  EXPECT_EQ(snapshots.loads_started(), 1u);  // nothing changed: no load
  for (const char* key : {"b", "c"}) {
    add_experiment(key);
    // A recent snapshot (well within max_lag) but no load under way: this request waits for
    // one that sees the write.
    EXPECT_EQ(experiments(snapshots.current()), key[0] == 'b' ? 2u : 3u);
  }
  EXPECT_EQ(snapshots.loads_started(), 3u);
  EXPECT_EQ(loaded_.load(), 3);  // each new catalog went to on_loaded
}

TEST_F(CatalogSnapshotsTest, WhileAWholeLoadRunsARecentSnapshotAnswersAtOnce) {
  CatalogSnapshots snapshots(*graph_, options(milliseconds(60'000)));
  add_experiment("a");
  add_experiment("b");
  ASSERT_EQ(experiments(snapshots.current()), 2u);
  gate_.close();
  remove_experiment("b");
  // The writer asks: it starts a load (a whole one, after a deletion) and waits for it (held at
  // the gate).
  auto writer = std::async(std::launch::async, [&] { return experiments(snapshots.current()); });
  ASSERT_TRUE(gate_.held());
  // Another request meanwhile: the previous snapshot, without waiting for the held load.
  EXPECT_EQ(experiments(snapshots.current()), 2u);
  EXPECT_EQ(writer.wait_for(milliseconds(50)), std::future_status::timeout);
  // Writes go on: as a stale snapshot was served, the loader loads again after this load
  // without waiting for a request to ask.
  add_experiment("c");
  gate_.open();
  EXPECT_GE(writer.get(), 1u);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (snapshots.loads_started() < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(snapshots.loads_started(), 3u);
  // That load is an update (c is new); the request waits for it and sees a and c.
  EXPECT_EQ(experiments(snapshots.current()), 2u);
  EXPECT_EQ(snapshots.loads_started(), 3u);
  EXPECT_EQ(snapshots.updates(), 1u);
}

TEST_F(CatalogSnapshotsTest, WhileAnUpdateRunsARequestWaitsForIt) {
  CatalogSnapshots snapshots(*graph_, options(milliseconds(60'000)));
  add_experiment("a");
  ASSERT_EQ(experiments(snapshots.current()), 1u);
  gate_.close();
  add_experiment("b");
  auto writer = std::async(std::launch::async, [&] { return experiments(snapshots.current()); });
  ASSERT_TRUE(gate_.held());  // an update from the change log, held before it is published
  // Another request: the snapshot in hand is recent, but an update takes milliseconds, so the
  // request waits for it rather than answer without b.
  auto reader = std::async(std::launch::async, [&] { return experiments(snapshots.current()); });
  EXPECT_EQ(reader.wait_for(milliseconds(100)), std::future_status::timeout);
  gate_.open();
  EXPECT_EQ(writer.get(), 2u);
  EXPECT_EQ(reader.get(), 2u);
  EXPECT_EQ(snapshots.updates(), 1u);
}

TEST_F(CatalogSnapshotsTest, WithNoLagAllowedEveryRequestWaitsForTheLoadAndOneLoadServesThemAll) {
  CatalogSnapshots snapshots(*graph_, options(milliseconds(0)));
  add_experiment("a");
  ASSERT_EQ(experiments(snapshots.current()), 1u);
  const uint64_t loads_before = snapshots.loads_started();
  gate_.close();
  add_experiment("b");
  auto first = std::async(std::launch::async, [&] { return experiments(snapshots.current()); });
  ASSERT_TRUE(gate_.held());
  // Arrived after the held load started, with no write since: that load covers it too.
  auto second = std::async(std::launch::async, [&] { return experiments(snapshots.current()); });
  EXPECT_EQ(second.wait_for(milliseconds(200)), std::future_status::timeout);
  gate_.open();
  EXPECT_EQ(first.get(), 2u);
  EXPECT_EQ(second.get(), 2u);
  EXPECT_EQ(snapshots.loads_started(), loads_before + 1);
}

TEST_F(CatalogSnapshotsTest, ARequestWhoseWriteCameAfterTheLoadStartedWaitsForTheNextLoad) {
  CatalogSnapshots snapshots(*graph_, options(milliseconds(0)));
  add_experiment("a");
  ASSERT_EQ(experiments(snapshots.current()), 1u);
  gate_.close();
  add_experiment("b");
  auto first = std::async(std::launch::async, [&] { return experiments(snapshots.current()); });
  ASSERT_TRUE(gate_.held());  // this load read the graph with a and b
  add_experiment("c");
  auto second = std::async(std::launch::async, [&] { return experiments(snapshots.current()); });
  EXPECT_EQ(second.wait_for(milliseconds(100)), std::future_status::timeout);
  gate_.open();
  // The held load saw b; the first request may also wake only after the next one.
  EXPECT_GE(first.get(), 2u);
  EXPECT_EQ(second.get(), 3u);  // the loader went on: a request was waiting and c was new
  EXPECT_EQ(snapshots.loads_started(), 3u);
}

TEST_F(CatalogSnapshotsTest, AStaleSnapshotOlderThanTheLagIsNotServed) {
  CatalogSnapshots snapshots(*graph_, options(milliseconds(100)));
  add_experiment("a");
  add_experiment("b");
  ASSERT_EQ(experiments(snapshots.current()), 2u);
  std::this_thread::sleep_for(milliseconds(150));  // the snapshot's load began > 100 ms ago
  gate_.close();
  remove_experiment("b");  // a whole load
  auto first = std::async(std::launch::async, [&] { return experiments(snapshots.current()); });
  ASSERT_TRUE(gate_.held());
  auto second = std::async(std::launch::async, [&] { return experiments(snapshots.current()); });
  EXPECT_EQ(second.wait_for(milliseconds(100)), std::future_status::timeout);
  gate_.open();
  EXPECT_EQ(first.get(), 1u);
  EXPECT_EQ(second.get(), 1u);
}

}  // namespace
}  // namespace expgraph::insights
