// KvStore against a real RocksDB in a temporary directory: per-column-family reads and writes,
// atomic batches, prefix scans with seek, reopening and checkpoints.
#include "storage/kv_store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "storage/key_codec.h"
#include "test_support/temp_dir.h"

namespace expgraph {
namespace {

std::unique_ptr<KvStore> open_store(const std::string& path) {
  auto store = KvStore::open(path);
  EXPECT_TRUE(store.ok()) << store.status().to_string();
  return store.ok() ? std::move(store).value() : nullptr;
}

std::optional<std::string> get(const KvStore& store, Column column, std::string_view key) {
  auto value = store.get(column, key);
  EXPECT_TRUE(value.ok()) << value.status().to_string();
  return value.ok() ? *value : std::nullopt;
}

void put(KvStore& store, Column column, std::string_view key, std::string_view value) {
  KvWriteBatch batch;
  batch.put(column, key, value);
  Status status = store.write(batch);
  ASSERT_TRUE(status.ok()) << status.to_string();
}

std::vector<std::pair<std::string, std::string>> scan_all(const KvStore& store, Column column,
                                                          std::string_view prefix) {
  std::vector<std::pair<std::string, std::string>> rows;
  KvIterator it = store.scan(column, prefix);
  for (; it.valid(); it.next()) rows.emplace_back(it.key(), it.value());
  EXPECT_TRUE(it.status().ok()) << it.status().to_string();
  return rows;
}

class KvStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    store_ = open_store(dir_.sub("db"));
    ASSERT_NE(store_, nullptr);
  }

  testing::TempDir dir_;
  std::unique_ptr<KvStore> store_;
};

TEST_F(KvStoreTest, ColumnNames) {
  EXPECT_EQ(column_name(Column::kNodes), "nodes");
  EXPECT_EQ(column_name(Column::kIndex), "index");
  EXPECT_EQ(column_name(Column::kMeta), "meta");
}

TEST_F(KvStoreTest, PutGetErase) {
  EXPECT_EQ(get(*store_, Column::kNodes, "a"), std::nullopt);
  put(*store_, Column::kNodes, "a", "1");
  EXPECT_EQ(get(*store_, Column::kNodes, "a"), "1");
  put(*store_, Column::kNodes, "a", "2");
  EXPECT_EQ(get(*store_, Column::kNodes, "a"), "2");
  put(*store_, Column::kNodes, "empty", "");
  EXPECT_EQ(get(*store_, Column::kNodes, "empty"), "");  // present but empty, not missing

  KvWriteBatch erase;
  erase.erase(Column::kNodes, "a");
  ASSERT_TRUE(store_->write(erase).ok());
  EXPECT_EQ(get(*store_, Column::kNodes, "a"), std::nullopt);
  EXPECT_EQ(get(*store_, Column::kNodes, "empty"), "");
}

TEST_F(KvStoreTest, ColumnFamiliesAreSeparate) {
  for (int i = 0; i < kColumnCount; ++i) {
    put(*store_, static_cast<Column>(i), "same-key",
        std::string(column_name(static_cast<Column>(i))));
  }
  for (int i = 0; i < kColumnCount; ++i) {
    auto column = static_cast<Column>(i);
    EXPECT_EQ(get(*store_, column, "same-key"), std::string(column_name(column)));
    EXPECT_EQ(scan_all(*store_, column, "").size(), 1u) << column_name(column);
  }
  KvWriteBatch erase;
  erase.erase(Column::kOut, "same-key");
  ASSERT_TRUE(store_->write(erase).ok());
  EXPECT_EQ(get(*store_, Column::kOut, "same-key"), std::nullopt);
  EXPECT_EQ(get(*store_, Column::kIndex, "same-key"), "index");
}

TEST_F(KvStoreTest, BatchIsAppliedAsAWholeInOrder) {
  put(*store_, Column::kNodes, "gone", "x");
  KvWriteBatch batch;
  batch.put(Column::kNodes, "n1", "v1");
  batch.put(Column::kKeys, "k1", "n1");
  batch.erase(Column::kNodes, "gone");
  batch.put(Column::kLog, "seq", "first");
  batch.put(Column::kLog, "seq", "second");  // later operations win
  EXPECT_EQ(batch.operation_count(), 5u);
  EXPECT_EQ(batch.byte_size(), 2u + 2 + 2 + 2 + 4 + 3 + 5 + 3 + 6);
  // Nothing is visible before write().
  EXPECT_EQ(get(*store_, Column::kNodes, "n1"), std::nullopt);
  ASSERT_TRUE(store_->write(batch).ok());
  EXPECT_EQ(get(*store_, Column::kNodes, "n1"), "v1");
  EXPECT_EQ(get(*store_, Column::kKeys, "k1"), "n1");
  EXPECT_EQ(get(*store_, Column::kNodes, "gone"), std::nullopt);
  EXPECT_EQ(get(*store_, Column::kLog, "seq"), "second");

  KvWriteBatch empty;
  EXPECT_EQ(empty.operation_count(), 0u);
  EXPECT_TRUE(store_->write(empty).ok());
}

// Values handed over with put_owned, large (kept as they came) and small (copied into the
// batch's buffer), keep their place in the batch's order; write() consumes the batch.
TEST_F(KvStoreTest, OwnedValuesCommitInOrderWithTheOthers) {
  std::string large(200 * 1024, 'L');
  KvWriteBatch batch;
  batch.put(Column::kLog, "seq", "first");
  batch.put_owned(Column::kLog, "seq", std::string(large));  // later operations win
  batch.put_owned(Column::kNodes, "small", std::string("s"));
  batch.put(Column::kNodes, "big", "replaced");
  batch.put_owned(Column::kNodes, "big", std::string(large) + "!");
  EXPECT_EQ(batch.operation_count(), 5u);
  EXPECT_EQ(batch.byte_size(), 3u + 5 + 3 + large.size() + 5 + 1 + 3 + 8 + 3 + large.size() + 1);
  ASSERT_TRUE(store_->write(batch).ok());
  EXPECT_EQ(get(*store_, Column::kLog, "seq"), large);
  EXPECT_EQ(get(*store_, Column::kNodes, "small"), "s");
  EXPECT_EQ(get(*store_, Column::kNodes, "big"), large + "!");
  EXPECT_EQ(batch.operation_count(), 0u);
  EXPECT_EQ(batch.byte_size(), 0u);
}

TEST_F(KvStoreTest, ScanStaysInsideThePrefixInKeyOrder) {
  using namespace std::string_literals;
  KvWriteBatch batch;
  for (const std::string& key : {"a"s, "ab"s, "ab\0"s, "ab\xff"s, "abc"s, "ac"s, "b"s}) {
    batch.put(Column::kOut, key, "v:" + key);
  }
  // A prefix of 0xff bytes has no successor: the scan must still stop at the prefix.
  batch.put(Column::kOut, "\xff\xff"s, "");
  batch.put(Column::kOut, "\xff\xff\x01"s, "");
  batch.put(Column::kOut, "\xff\xfe"s, "");
  ASSERT_TRUE(store_->write(batch).ok());

  auto rows = scan_all(*store_, Column::kOut, "ab");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].first, "ab");
  EXPECT_EQ(rows[1].first, "ab\0"s);
  EXPECT_EQ(rows[2].first, "abc");  // bytes compare unsigned: 'c' < 0xff
  EXPECT_EQ(rows[2].second, "v:abc");
  EXPECT_EQ(rows[3].first, "ab\xff"s);

  EXPECT_EQ(scan_all(*store_, Column::kOut, "").size(), 10u);
  EXPECT_EQ(scan_all(*store_, Column::kOut, "z").size(), 0u);
  EXPECT_EQ(scan_all(*store_, Column::kIndex, "").size(), 0u);
  auto high = scan_all(*store_, Column::kOut, "\xff\xff"s);
  ASSERT_EQ(high.size(), 2u);
  EXPECT_EQ(high[0].first, "\xff\xff"s);
  EXPECT_EQ(high[1].first, "\xff\xff\x01"s);
}

TEST_F(KvStoreTest, SeekPositionsInsideThePrefix) {
  KvWriteBatch batch;
  for (NodeId id = 1; id <= 5; ++id) {
    for (NodeId target = 10; target <= 14; ++target) {
      batch.put(Column::kOut, keys::adjacency_key(id, 1, target), "");
    }
  }
  ASSERT_TRUE(store_->write(batch).ok());

  KvIterator it = store_->scan(Column::kOut, keys::adjacency_prefix(3));
  it.seek(keys::adjacency_key(3, 1, 12));
  std::vector<NodeId> targets;
  for (; it.valid(); it.next()) targets.push_back(keys::decode_adjacency_key(it.key()).second);
  EXPECT_EQ(targets, (std::vector<NodeId>{12, 13, 14}));

  // A seek before the prefix starts at the prefix; a seek past it finds nothing.
  it.seek(keys::adjacency_key(1, 1, 10));
  ASSERT_TRUE(it.valid());
  EXPECT_EQ(keys::decode_adjacency_key(it.key()).first, 3u);
  EXPECT_EQ(keys::decode_adjacency_key(it.key()).second, 10u);
  it.seek(keys::adjacency_key(4, 1, 10));
  EXPECT_FALSE(it.valid());
  it.seek(keys::adjacency_key(3, 1, 14) + '\0');
  EXPECT_FALSE(it.valid());
}

TEST_F(KvStoreTest, IteratorSurvivesAMove) {
  put(*store_, Column::kMeta, "p/1", "a");
  put(*store_, Column::kMeta, "p/2", "b");
  put(*store_, Column::kMeta, "q/1", "c");
  std::vector<KvIterator> iterators;
  iterators.push_back(store_->scan(Column::kMeta, "p/"));
  iterators.push_back(store_->scan(Column::kMeta, "q/"));  // may reallocate and move the first
  size_t count = 0;
  for (KvIterator& it = iterators[0]; it.valid(); it.next()) ++count;
  EXPECT_EQ(count, 2u);
}

TEST_F(KvStoreTest, ReopenKeepsData) {
  put(*store_, Column::kNodes, "n", "node");
  put(*store_, Column::kIndex, "i", "");
  put(*store_, Column::kMeta, "m", "meta");
  std::string path = store_->path();
  EXPECT_EQ(path, dir_.sub("db"));
  store_.reset();  // closes without an explicit flush: the WAL must carry the writes

  store_ = open_store(path);
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(get(*store_, Column::kNodes, "n"), "node");
  EXPECT_EQ(get(*store_, Column::kIndex, "i"), "");
  EXPECT_EQ(get(*store_, Column::kMeta, "m"), "meta");
  EXPECT_EQ(get(*store_, Column::kKeys, "n"), std::nullopt);

  ASSERT_TRUE(store_->flush().ok());
  store_.reset();
  store_ = open_store(path);
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(get(*store_, Column::kNodes, "n"), "node");
}

// A database written before the reverse-adjacency column was removed has an `in` column family
// (dst, type, src keys). RocksDB refuses to open it unless it is named; open() names it, drops
// it, and keeps everything else.
TEST_F(KvStoreTest, OpeningAnOlderLayoutDropsItsInColumnFamily) {
  put(*store_, Column::kOut, "edge", "properties");
  std::string path = store_->path();
  store_.reset();
  {
    rocksdb::DBOptions options;
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, path, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& name : names)
      descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, path, descriptors, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::ColumnFamilyHandle* in = nullptr;
    ASSERT_TRUE(db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "in", &in).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), in, "reversed", "").ok());
    handles.push_back(in);
    for (auto* handle : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    ASSERT_TRUE(db->Close().ok());
  }

  store_ = open_store(path);
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(get(*store_, Column::kOut, "edge"), "properties");
  put(*store_, Column::kNodes, "after", "1");
  store_.reset();
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  EXPECT_EQ(std::count(names.begin(), names.end(), "in"), 0);
  EXPECT_EQ(std::count(names.begin(), names.end(), "out"), 1);
  store_ = open_store(path);  // and it opens again without it
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(get(*store_, Column::kNodes, "after"), "1");
}

TEST_F(KvStoreTest, CheckpointIsAnOpenableCopy) {
  put(*store_, Column::kNodes, "before", "1");
  std::string copy = dir_.sub("checkpoint");
  Status status = store_->checkpoint(copy);
  ASSERT_TRUE(status.ok()) << status.to_string();
  put(*store_, Column::kNodes, "after", "2");

  auto copied = open_store(copy);
  ASSERT_NE(copied, nullptr);
  EXPECT_EQ(get(*copied, Column::kNodes, "before"), "1");
  EXPECT_EQ(get(*copied, Column::kNodes, "after"), std::nullopt);  // a snapshot, not a link
  put(*copied, Column::kNodes, "only-in-copy", "3");
  EXPECT_EQ(get(*store_, Column::kNodes, "only-in-copy"), std::nullopt);

  // The target directory must not exist yet.
  EXPECT_FALSE(store_->checkpoint(copy).ok());
}

TEST(KvStoreOpenTest, UnopenablePathIsAnError) {
  testing::TempDir dir;
  std::string file = dir.sub("file");
  {
    std::FILE* handle = std::fopen(file.c_str(), "w");
    ASSERT_NE(handle, nullptr);
    std::fclose(handle);
  }
  auto store = KvStore::open(file + "/db");  // under a regular file: cannot be created
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace expgraph
