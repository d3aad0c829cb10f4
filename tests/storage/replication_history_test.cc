// The replication history (storage/replication_history.h) against real RocksDB: each start of a
// primary adds an epoch numbered from the next sequence, promotion forgets the list, and the
// check accepts a replica on this lineage and refuses one whose epoch is unknown or was left
// before its position.
#include "storage/replication_history.h"

#include <gtest/gtest.h>

#include "storage/replica_promotion.h"
#include "test_support/temp_dir.h"

namespace expgraph {
namespace {

std::unique_ptr<KvStore> open_history_store(const std::string& path) {
  auto store = KvStore::open(path);
  EXPECT_TRUE(store.ok()) << store.status().to_string();
  return store.ok() ? std::move(store).value() : nullptr;
}

void put(KvStore& store, const std::string& key) {
  KvWriteBatch batch;
  batch.put(Column::kNodes, key, "v");
  ASSERT_TRUE(store.write(batch).ok());
}

TEST(ReplicationHistoryTest, EachStartAddsAnEpochFromTheNextSequence) {
  testing::TempDir dir;
  auto store = open_history_store(dir.path());
  ASSERT_TRUE(read_replication_history(*store)->empty());
  put(*store, "a");
  auto first = begin_history_epoch(*store);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->first_sequence, 2u);  // the record's own write, after "a"
  EXPECT_EQ(store->latest_sequence(), 2u);
  put(*store, "b");
  auto second = begin_history_epoch(*store);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->id, first->id);
  auto history = read_replication_history(*store);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].id, first->id);
  EXPECT_EQ((*history)[1].first_sequence, 4u);
}

TEST(ReplicationHistoryTest, TheCheckFollowsTheLineage) {
  std::vector<HistoryEpoch> history{{11, 1}, {22, 100}, {33, 250}};
  EXPECT_TRUE(check_replica_history(history, 33, 400).ok());
  EXPECT_TRUE(check_replica_history(history, 22, 249).ok());  // the epoch's writes, whole
  EXPECT_TRUE(check_replica_history(history, 11, 50).ok());
  // Applied through 250 or later under epoch 22: the primary's 250 on are another epoch's.
  Status left = check_replica_history(history, 22, 250);
  EXPECT_EQ(left.error_code(), "history_diverged");
  EXPECT_EQ(left.code(), StatusCode::kConflict);
  EXPECT_EQ(check_replica_history(history, 44, 10).error_code(), "history_diverged");
  EXPECT_EQ(check_replica_history({}, 44, 10).error_code(), "history_diverged");
}

TEST(ReplicationHistoryTest, PromotionAndAReplicasDataStartANewList) {
  testing::TempDir dir;
  auto store = open_history_store(dir.path());
  ASSERT_TRUE(begin_history_epoch(*store).ok());
  ASSERT_TRUE(store->set_applied_sequence(7).ok());  // as a replica's data holds
  // Opened as a primary's without --promote: its own sequences, a list of its own.
  auto own = begin_history_epoch(*store);
  ASSERT_TRUE(own.ok());
  ASSERT_EQ(read_replication_history(*store)->size(), 1u);
  EXPECT_EQ(read_replication_history(*store)->front().id, own->id);
  ASSERT_TRUE(promote_replica_data(*store).ok());
  EXPECT_TRUE(read_replication_history(*store)->empty());
}

}  // namespace
}  // namespace expgraph
