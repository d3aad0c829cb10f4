// NodeKeyIndex: every stored node's (type, external key) -> node id, in memory, so that finding
// a node by its key costs a hash probe instead of a RocksDB read (the anchor of every traversal
// request, and each edge endpoint of an import). GraphStore fills it at open from the `keys`
// column family and keeps it exact after every commit, like the topology mirror.
// It stores a 64-bit hash of (type, key), not the key: 16 bytes per node. Two keys with the same
// hash (a chance of about 3 in 10^8 at 1M nodes) make their slot ambiguous, and a lookup there
// answers kAsk, meaning "read storage": the index is never wrong, only sometimes unsure.
// Thread-safe: lookups share a lock, insert and erase take it exclusively.
#pragma once

#include <cstdint>
#include <shared_mutex>
#include <string_view>
#include <vector>

#include "storage/key_codec.h"

namespace expgraph {

class NodeKeyIndex {
 public:
  enum class Answer { kAbsent, kFound, kAsk };
  struct Lookup {
    Answer answer = Answer::kAbsent;
    NodeId id = 0;  // set when answer is kFound
  };

  // How (type, key) is hashed; tests pass a weak one to force collisions.
  using HashFunction = uint64_t (*)(SymbolId type, std::string_view key);
  static uint64_t default_hash(SymbolId type, std::string_view key);

  explicit NodeKeyIndex(HashFunction hash = default_hash);

  // Records that node `id` now has this (type, key).
  void insert(SymbolId type, std::string_view key, NodeId id);
  // Forgets node `id`'s (type, key); an ambiguous slot stays ambiguous.
  void erase(SymbolId type, std::string_view key, NodeId id);
  Lookup find(SymbolId type, std::string_view key) const;

  size_t size() const;  // entries, ambiguous ones included
  size_t memory_bytes() const;

 private:
  struct Slot {
    uint64_t hash = 0;  // 0: empty
    NodeId id = 0;
  };
  static constexpr NodeId kAmbiguous = ~NodeId{0};

  uint64_t hash_of(SymbolId type, std::string_view key) const;
  size_t home(uint64_t hash) const { return hash & (slots_.size() - 1); }
  void grow();
  // Removes the entry in `index`, shifting later entries of its probe run back so that linear
  // probing needs no tombstones.
  void remove_at(size_t index);

  const HashFunction hash_;
  mutable std::shared_mutex mutex_;
  std::vector<Slot> slots_;  // size a power of two, at most 70% full
  size_t size_ = 0;
};

}  // namespace expgraph
