// The change log as read back: a node's history through the `history` index (written in the
// same batch as the log), across delete and re-create; the filtered, paged audit listing; and
// the backfill of the index for databases written before it existed.
#include "graph/change_log.h"

#include <gtest/gtest.h>

#include "graph_test_support.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

class ChangeLogTest : public GraphStoreTest {
 protected:
  WriteSummary write_as(std::string actor, std::vector<NodeWrite> nodes,
                        std::vector<EdgeWrite> edges = {}) {
    WriteRequest request;
    request.actor = std::move(actor);
    request.nodes = std::move(nodes);
    request.edges = std::move(edges);
    return write_ok(request);
  }

  std::vector<ChangeRecord> history(const NodeRef& node_ref, size_t limit = 100,
                                    uint64_t after = 0) {
    auto records = node_history(*store_, node_ref, limit, after);
    EXPECT_TRUE(records.ok()) << records.status().to_string();
    return records.ok() ? std::move(records).value() : std::vector<ChangeRecord>{};
  }
};

TEST_F(ChangeLogTest, HistoryListsAVersionPerChangeOldestFirst) {
  write_as("alice", {node("Team", "T", {{"name", "growth"}})});
  write_as("bob", {node("Team", "T", {{"name", "growth"}})});  // unchanged: no record
  write_as("bob", {node("Team", "T", {{"name", "growth team"}})});
  write_as("carol", {node("Team", "Other", {{"name", "x"}})});

  std::vector<ChangeRecord> versions = history(ref("Team", "T"));
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].actor, "alice");
  EXPECT_EQ(versions[0].op, "put_node");
  EXPECT_TRUE(versions[0].before.is_null());
  EXPECT_EQ(versions[0].after["properties"], (json{{"name", "growth"}}));
  EXPECT_EQ(versions[0].after["version"], 1);
  EXPECT_EQ(versions[1].actor, "bob");
  EXPECT_EQ(versions[1].before["properties"], (json{{"name", "growth"}}));
  EXPECT_EQ(versions[1].after["properties"], (json{{"name", "growth team"}}));
  EXPECT_LT(versions[0].sequence, versions[1].sequence);
  EXPECT_GT(versions[0].at_ms, 0);
  EXPECT_EQ(versions[0].to_json()["at"], format_timestamp(versions[0].at_ms));

  // Paging: one at a time, continuing after the last sequence seen.
  std::vector<ChangeRecord> first = history(ref("Team", "T"), 1);
  ASSERT_EQ(first.size(), 1u);
  std::vector<ChangeRecord> rest = history(ref("Team", "T"), 10, first[0].sequence);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].actor, "bob");
}

TEST_F(ChangeLogTest, HistorySurvivesDeleteAndRecreateAndReopen) {
  write_as("alice", {node("Team", "T", {{"name", "one"}})});
  WriteRequest remove;
  remove.actor = "bob";
  remove.node_deletes = {ref("Team", "T")};
  write_ok(remove);
  write_as("carol", {node("Team", "T", {{"name", "two"}})});
  reopen();
  std::vector<ChangeRecord> versions = history(ref("Team", "T"));
  ASSERT_EQ(versions.size(), 3u);
  EXPECT_EQ(versions[1].op, "delete_node");
  EXPECT_EQ(versions[1].actor, "bob");
  EXPECT_TRUE(versions[1].after.is_null());
  EXPECT_EQ(versions[2].after["properties"]["name"], "two");
  EXPECT_EQ(versions[2].after["version"], 1);  // a new node
}

TEST_F(ChangeLogTest, HistoryOfAKeyThatIsAPrefixOfAnotherStaysSeparate) {
  write_as("a", {node("Team", "T", {{"name", "t"}}), node("Team", "T2", {{"name", "t2"}})});
  EXPECT_EQ(history(ref("Team", "T")).size(), 1u);
  EXPECT_EQ(history(ref("Team", "T2")).size(), 1u);
  EXPECT_TRUE(history(ref("Team", "never")).empty());
  EXPECT_EQ(node_history(*store_, ref("Nope", "x"), 10).status().code(), StatusCode::kNotFound);
}

// Edge records name the edge by its type and endpoints, whichever way the edge was written:
// created in the request of its endpoints, with and without properties, and removed by the
// delete of an endpoint (then the names come from storage).
TEST_F(ChangeLogTest, EdgeRecordsNameTheEdgeAndCarryItsProperties) {
  write_as("alice",
           {node("Campaign", "C", {{"name", "c"}}), node("Experiment", "E", {{"name", "e"}})},
           {edge("PART_OF", ref("Experiment", "E"), ref("Campaign", "C"))});
  reopen();
  WriteRequest remove;
  remove.actor = "bob";
  remove.node_deletes = {ref("Campaign", "C")};
  write_ok(remove);

  ChangeFilter part_of;
  part_of.type = "PART_OF";
  auto edges = list_changes(*store_, part_of, 100, 0);
  ASSERT_TRUE(edges.ok());
  ASSERT_EQ(edges->changes.size(), 2u);
  const ChangeRecord& created = edges->changes[0];
  EXPECT_EQ(created.op, "put_edge");
  EXPECT_EQ(created.actor, "alice");
  EXPECT_EQ(created.subject,
            (json{{"edge", "PART_OF"}, {"from", "Experiment/E"}, {"to", "Campaign/C"}}));
  EXPECT_TRUE(created.before.is_null());
  EXPECT_EQ(created.after, json::object());
  const ChangeRecord& deleted = edges->changes[1];
  EXPECT_EQ(deleted.op, "delete_edge");
  EXPECT_EQ(deleted.actor, "bob");
  EXPECT_EQ(deleted.subject, created.subject);
  EXPECT_EQ(deleted.before, json::object());
  EXPECT_TRUE(deleted.after.is_null());
}

TEST_F(ChangeLogTest, APageOfLargeRecordsEndsAtItsByteBudget) {
  // Four writes of about 600 KB each; a page of 1 MiB holds two (the second passes the budget),
  // the cursor goes on, and a budget smaller than one record still returns that record.
  const std::string big(600 * 1024, 'x');
  for (int i = 0; i < 4; ++i) {
    write_as("alice", {node("Team", "T" + std::to_string(i), {{"name", big}})});
  }
  const size_t budget = size_t{1} << 20;
  auto first = list_changes(*store_, {}, 100, 0, 100000, budget);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->changes.size(), 2u);
  EXPECT_GE(first->bytes, budget);
  EXPECT_EQ(first->next_cursor, first->changes.back().sequence);
  auto rest = list_changes(*store_, {}, 100, first->next_cursor, 100000, budget);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->changes.size(), 2u);
  EXPECT_EQ(rest->changes.front().subject["node"], "Team/T2");
  auto tiny = list_changes(*store_, {}, 100, 0, 100000, 1);
  ASSERT_TRUE(tiny.ok());
  EXPECT_EQ(tiny->changes.size(), 1u);
  EXPECT_NE(tiny->next_cursor, 0u);
}

TEST_F(ChangeLogTest, ListChangesFiltersAndPages) {
  write_as("alice", {node("Team", "T1", {{"name", "t"}}), node("Campaign", "C", {{"name", "c"}})});
  write_as("bob", {node("Experiment", "E", {{"name", "e"}})},
           {edge("PART_OF", ref("Experiment", "E"), ref("Campaign", "C"))});
  write_as("alice", {node("Team", "T2", {{"name", "t"}})});

  auto all = list_changes(*store_, {}, 100, 0);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->changes.size(), 5u);
  EXPECT_EQ(all->next_cursor, 0u);
  for (size_t i = 1; i < all->changes.size(); ++i) {
    EXPECT_LT(all->changes[i - 1].sequence, all->changes[i].sequence);
  }

  ChangeFilter by_alice;
  by_alice.actor = "alice";
  auto alice = list_changes(*store_, by_alice, 100, 0);
  ASSERT_TRUE(alice.ok());
  EXPECT_EQ(alice->changes.size(), 3u);
  for (const ChangeRecord& change : alice->changes) EXPECT_EQ(change.actor, "alice");

  ChangeFilter teams;
  teams.type = "Team";
  EXPECT_EQ(list_changes(*store_, teams, 100, 0)->changes.size(), 2u);
  ChangeFilter part_of;
  part_of.type = "PART_OF";
  auto edges = list_changes(*store_, part_of, 100, 0);
  ASSERT_EQ(edges->changes.size(), 1u);
  EXPECT_EQ(edges->changes[0].op, "put_edge");
  EXPECT_EQ(edges->changes[0].subject["from"], "Experiment/E");

  ChangeFilter future;
  future.since_ms = all->changes.back().at_ms + 60000;
  EXPECT_TRUE(list_changes(*store_, future, 100, 0)->changes.empty());
  ChangeFilter past;
  past.since_ms = all->changes.front().at_ms;
  EXPECT_EQ(list_changes(*store_, past, 100, 0)->changes.size(), 5u);

  // Pages of two, then the cursor; all five seen once, in order.
  std::vector<uint64_t> seen;
  uint64_t cursor = 0;
  int pages = 0;
  do {
    auto page = list_changes(*store_, {}, 2, cursor);
    ASSERT_TRUE(page.ok());
    for (const ChangeRecord& change : page->changes) seen.push_back(change.sequence);
    cursor = page->next_cursor;
    ASSERT_LT(++pages, 10);
  } while (cursor != 0);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 5u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], all->changes[i].sequence);

  // A scan budget smaller than the page ends the page early, with a cursor to continue.
  auto bounded = list_changes(*store_, by_alice, 100, 0, /*max_scanned=*/2);
  ASSERT_TRUE(bounded.ok());
  EXPECT_EQ(bounded->changes.size(), 2u);  // T1 and C, both alice's
  EXPECT_EQ(bounded->next_cursor, all->changes[1].sequence);
}

TEST_F(ChangeLogTest, HistoryIsBackfilledForOlderDatabases) {
  write_as("alice", {node("Team", "T", {{"name", "one"}})});
  write_as("bob", {node("Team", "T", {{"name", "two"}})});
  // Simulate a database from before the index: drop it and its marker.
  KvWriteBatch drop;
  for (KvIterator it = store_->storage().scan(Column::kHistory, ""); it.valid(); it.next()) {
    drop.erase(Column::kHistory, it.key());
  }
  drop.erase(Column::kMeta, "history/built");
  ASSERT_TRUE(store_->storage().write(drop).ok());
  EXPECT_TRUE(history(ref("Team", "T")).empty());
  reopen();
  std::vector<ChangeRecord> versions = history(ref("Team", "T"));
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[1].actor, "bob");
}

}  // namespace
}  // namespace expgraph::testing
