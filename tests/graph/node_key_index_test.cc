#include "graph/node_key_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

namespace expgraph {
namespace {

using Answer = NodeKeyIndex::Answer;

TEST(NodeKeyIndexTest, FindsInsertedKeysAndForgetsErasedOnes) {
  NodeKeyIndex index;
  index.insert(1, "alpha", 10);
  index.insert(2, "alpha", 20);  // same key, another type: another node
  EXPECT_EQ(index.find(1, "alpha").answer, Answer::kFound);
  EXPECT_EQ(index.find(1, "alpha").id, 10u);
  EXPECT_EQ(index.find(2, "alpha").id, 20u);
  EXPECT_EQ(index.find(1, "beta").answer, Answer::kAbsent);
  index.erase(1, "alpha", 10);
  EXPECT_EQ(index.find(1, "alpha").answer, Answer::kAbsent);
  EXPECT_EQ(index.find(2, "alpha").id, 20u);
  EXPECT_EQ(index.size(), 1u);
}

TEST(NodeKeyIndexTest, AgreesWithAMapThroughGrowthAndManyErases) {
  NodeKeyIndex index;
  std::map<std::string, NodeId> model;
  std::mt19937_64 random(7);
  NodeId next_id = 1;
  for (int step = 0; step < 200000; ++step) {
    std::string key = std::to_string(random() % 50000);
    if (random() % 3 == 0) {
      auto found = model.find(key);
      if (found != model.end()) {
        index.erase(3, key, found->second);
        model.erase(found);
      }
    } else if (!model.contains(key)) {
      model[key] = next_id;
      index.insert(3, key, next_id++);
    }
  }
  EXPECT_EQ(index.size(), model.size());
  for (int k = 0; k < 50000; ++k) {
    std::string key = std::to_string(k);
    NodeKeyIndex::Lookup lookup = index.find(3, key);
    auto found = model.find(key);
    if (found == model.end()) {
      ASSERT_EQ(lookup.answer, Answer::kAbsent) << key;
    } else {
      ASSERT_EQ(lookup.answer, Answer::kFound) << key;
      ASSERT_EQ(lookup.id, found->second) << key;
    }
  }
}

// Every key of a type hashes alike: the index cannot tell them apart and must say so.
uint64_t hash_by_type_only(SymbolId type, std::string_view) { return type * 1000003ULL; }

TEST(NodeKeyIndexTest, CollidingKeysAnswerAskInsteadOfAWrongId) {
  NodeKeyIndex index(hash_by_type_only);
  index.insert(1, "a", 10);
  EXPECT_EQ(index.find(1, "a").id, 10u);
  EXPECT_EQ(index.find(1, "b").id, 10u);  // the price of storing hashes, hence kAsk below
  index.insert(1, "b", 11);
  EXPECT_EQ(index.find(1, "a").answer, Answer::kAsk);
  EXPECT_EQ(index.find(1, "b").answer, Answer::kAsk);
  index.erase(1, "a", 10);  // "b" may still live there: the slot stays unsure
  EXPECT_EQ(index.find(1, "b").answer, Answer::kAsk);
  EXPECT_EQ(index.find(2, "a").answer, Answer::kAbsent);
}

// Four distinct hashes with the same home slot (the table starts with 1024 slots): they form
// one probe run.
uint64_t one_home(SymbolId, std::string_view key) {
  return (std::hash<std::string_view>{}(key) % 4) * 1024 + 1;
}

TEST(NodeKeyIndexTest, ErasingInsideAProbeRunKeepsTheRestFindable) {
  std::map<uint64_t, std::string> key_per_hash;  // one key per hash: equal hashes would collide
  for (int k = 0; key_per_hash.size() < 4; ++k) {
    std::string key = std::to_string(k);
    key_per_hash.emplace(one_home(0, key), key);
  }
  for (const auto& [erased_hash, erased_key] : key_per_hash) {
    NodeKeyIndex index(one_home);
    for (const auto& [hash, key] : key_per_hash) index.insert(0, key, hash);
    index.erase(0, erased_key, erased_hash);
    for (const auto& [hash, key] : key_per_hash) {
      NodeKeyIndex::Lookup lookup = index.find(0, key);
      if (hash == erased_hash) {
        EXPECT_EQ(lookup.answer, Answer::kAbsent) << key;
      } else {
        EXPECT_EQ(lookup.answer, Answer::kFound) << key << " after erasing " << erased_key;
        EXPECT_EQ(lookup.id, hash);
      }
    }
  }
}

}  // namespace
}  // namespace expgraph
