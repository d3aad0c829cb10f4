// PropertyColumns: an in-memory columnar copy of node properties, one table per node type, so
// that a query scanning every node of a type (group-by, filter + ORDER BY + LIMIT) reads
// memory instead of a RocksDB read and a record decode per node. Derived state like the
// topology mirror: built lazily, the first time a query scans the type (never at open), kept in
// step by every committed write and every replicated batch (it is GraphStore's first
// observer), dropped on restart. Memory is bounded (GraphStoreOptions::column_cache_bytes); a
// type whose table would not fit is never cached and queries read it from storage. The bound
// counts the current tables only: the chunks of older tables that running queries still hold
// (replaced by writes since) are not counted, so while writes stream in the real use can be a
// multiple of it.
//
// Readers get a Table: an immutable snapshot, shared and never changed, that stays valid for
// as long as the reader holds it. A write publishes a new Table that shares every unchanged
// chunk with the old one (copy on write), all the request's nodes of that type at once, so a
// reader that holds one type's table sees each request's nodes of that type entirely or not at
// all. The types a request touches are published one after the other, not together: a reader
// that takes two types' tables may see a request in one and not yet in the other.
// Following a write never fails the write: if it cannot (out of memory), the tables of the
// types the write touched are dropped, and those types are read from storage until a scan
// builds them again.
// Used by GraphStore (owner) and query/cypher (scans and property reads).
// Thread-safe: readers take a short lock to copy a table pointer; builds are serialised by
// `build_mutex_` and read storage without blocking writes; applying a write and publishing are
// serialised by `update_mutex_`.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "graph/topology_mirror.h"
#include "graph/write_observer.h"
#include "storage/kv_store.h"
#include "storage/symbol_table.h"

namespace expgraph {

class PropertyColumns : public WriteObserver {
 public:
  // One property value of one node: absent (monostate), a scalar, a string (shared, so that a
  // reader makes a value of it without a copy, and equal strings written together share one),
  // or a list or map as JSON. Integers beyond int64 stay JSON, as they were stored.
  using Cell = std::variant<std::monostate, bool, int64_t, double,
                            std::shared_ptr<const std::string>,
                            std::shared_ptr<const nlohmann::json>>;
  // The cell as JSON (null when absent), as the property was stored.
  static nlohmann::json cell_json(const Cell& cell);
  // Node ids are grouped in chunks of kChunkSize consecutive ids; a write copies the chunks
  // of the nodes it changes, so a small chunk keeps a one-node write cheap. A chunk holds rows
  // for its type's nodes only, so a type whose ids are interleaved with other types' (every
  // import writes an experiment's variants, assets and results together) costs memory for its
  // own nodes, not for the id range it spans. Chunks sit in blocks of kBlockSize, so that a
  // write copies one block's pointers rather than a directory as long as the id range.
  static constexpr unsigned kChunkShift = 8;
  static constexpr NodeId kChunkSize = NodeId{1} << kChunkShift;
  static constexpr unsigned kBlockShift = 8;  // chunks per block: 256, i.e. 65,536 ids
  static constexpr size_t kBlockSize = size_t{1} << kBlockShift;
  class TableWriter;  // a build's or a write's changes to a table (property_columns.cc)

  // The stored properties of the nodes of one type among kChunkSize consecutive ids, one row
  // per node in id order.
  struct Chunk {
    static constexpr size_t kWords = kChunkSize / 64;
    // Bit `id & (kChunkSize - 1)`: the id is a node of the table.
    std::array<uint64_t, kWords> present{};
    // The rows of the ids before each word of `present` (so that an id's row costs a popcount).
    std::array<uint16_t, kWords> rows_before{};
    std::vector<std::shared_ptr<const std::string>> keys;  // by row
    // By column, then by row. A column no row of the chunk has is empty; any other has a cell
    // per row. A chunk built before a column existed has fewer columns.
    std::vector<std::vector<Cell>> columns;

    bool has(NodeId id) const {
      const NodeId slot = id & (kChunkSize - 1);
      return (present[slot >> 6] >> (slot & 63)) & 1;
    }
    // The row of `id` if present, else the row it would be inserted at.
    size_t row(NodeId id) const {
      const NodeId slot = id & (kChunkSize - 1);
      const uint64_t below = (uint64_t{1} << (slot & 63)) - 1;
      return rows_before[slot >> 6] +
             static_cast<size_t>(__builtin_popcountll(present[slot >> 6] & below));
    }
  };
  struct Block {
    std::array<std::shared_ptr<const Chunk>, kBlockSize> chunks;
  };

  // One node type's properties at one moment. Immutable once published.
  class Table {
   public:
    // The column of a property name, -1 when no node of the type has had it.
    int column(std::string_view property) const {
      auto it = column_of_.find(std::string(property));
      return it == column_of_.end() ? -1 : it->second;
    }
    const std::vector<std::string>& column_names() const { return names_; }
    // The chunk holding `id` when the node is in this table, else null.
    const Chunk* chunk_of(NodeId id) const {
      const Chunk* chunk = chunk_at(id >> kChunkShift);
      return chunk != nullptr && chunk->has(id) ? chunk : nullptr;
    }
    // The chunk of ids [index << kChunkShift, (index + 1) << kChunkShift), null when none of
    // them is in the table. A reader going through ids in order can keep it for the next id.
    const Chunk* chunk_at(size_t index) const {
      const size_t block = index >> kBlockShift;
      if (block >= blocks_.size() || !blocks_[block]) return nullptr;
      return blocks_[block]->chunks[index & (kBlockSize - 1)].get();
    }
    bool contains(NodeId id) const { return chunk_of(id) != nullptr; }
    // The node's value in `column` (monostate when absent). `id` must be contained.
    static const Cell& value(const Chunk& chunk, NodeId id, int column);
    static const std::shared_ptr<const std::string>& key(const Chunk& chunk, NodeId id) {
      return chunk.keys[chunk.row(id)];
    }
    // Calls visit(id, chunk) for every node of the table in id order, until it returns false.
    template <typename Visit>
    void for_each_node(Visit&& visit) const {
      for (size_t b = 0; b < blocks_.size(); ++b) {
        if (!blocks_[b]) continue;
        for (size_t c = 0; c < kBlockSize; ++c) {
          const Chunk* chunk = blocks_[b]->chunks[c].get();
          if (chunk == nullptr) continue;
          const NodeId first = ((NodeId{b} << kBlockShift) | c) << kChunkShift;
          for (size_t w = 0; w < Chunk::kWords; ++w) {
            for (uint64_t bits = chunk->present[w]; bits != 0; bits &= bits - 1) {
              const NodeId id = first + w * 64 + static_cast<NodeId>(__builtin_ctzll(bits));
              if (!visit(id, *chunk)) return;
            }
          }
        }
      }
    }
    size_t node_count() const { return node_count_; }
    size_t memory_bytes() const { return bytes_; }

   private:
    friend class PropertyColumns;
    friend class TableWriter;
    std::vector<std::shared_ptr<const Block>> blocks_;  // by id >> (kChunkShift + kBlockShift)
    std::vector<std::string> names_;
    std::unordered_map<std::string, int> column_of_;
    size_t node_count_ = 0;
    size_t bytes_ = 0;  // an estimate of the blocks' and chunks' heap use
  };

  // `max_bytes` bounds the tables' total size (0: no tables at all). The store, mirror and
  // symbols must outlive this.
  PropertyColumns(const KvStore& store, const TopologyMirror& mirror, const SymbolTable& symbols,
                  size_t max_bytes);

  // The current table of a node type, null when it is not built (or does not fit).
  std::shared_ptr<const Table> table(SymbolId type) const;
  // Called about once per node read while a table is built; a status other than ok stops the
  // build (a query's deadline, say).
  using BuildCheck = std::function<Status()>;

  // The current table of a node type, built from storage first when needed (a read of every
  // node of the type); null when it does not fit in memory. A build stopped by `check` publishes
  // nothing and returns its status (a build holds up other builds, so it must not outlast the
  // query that asked). Writes go on during a build. Errors: storage errors, and `check`'s.
  Result<std::shared_ptr<const Table>> table_or_build(SymbolId type,
                                                      const BuildCheck& check = {}) const;

  // The tables' total estimated size in bytes, whether a type was refused for its size, and how
  // many were.
  size_t memory_bytes() const;
  bool refused(SymbolId type) const;
  size_t refused_types() const;

  // WriteObserver: the tables follow each committed request, each type's nodes of it at once.
  Status prepare(const std::vector<NodeChange>& changes, KvWriteBatch& batch) override;
  // Never throws: see the header comment.
  void committed(const std::vector<NodeChange>& changes) override;

  // Tests only: `fault` is called before each table a write publishes, so that a test can throw
  // what an allocation failure would (std::bad_alloc). Empty: no fault.
  void set_update_fault_for_testing(std::function<void()> fault) const;

 private:
  Result<std::shared_ptr<Table>> build(SymbolId type, const BuildCheck& check) const;
  // Brings `type`'s table built from an older state of storage up to date with the nodes
  // `changed` since (read again from storage). Called under update_mutex_. Errors: storage
  // errors.
  Status replay(SymbolId type, Table& table, std::vector<NodeId> changed) const;
  // committed()'s work; may throw (allocations).
  void apply(const std::vector<NodeChange>& changes);
  // Adds the ids of `changes` of the type being built to changed_while_building_.
  void record_changes_of_building(const std::vector<NodeChange>& changes);
  // After apply() threw: drops the tables of every type `changes` touch, so that their reads go
  // to storage (correct), and logs the first time. Allocates nothing.
  void drop_tables_of(const std::vector<NodeChange>& changes, const char* why) noexcept;
  // Publishes `table` as the type's current one (null: drop it) and updates the total.
  void publish(SymbolId type, std::shared_ptr<const Table> table) const;

  const KvStore& store_;
  const TopologyMirror& mirror_;
  const SymbolTable& symbols_;
  const size_t max_bytes_;

  // Held for a whole build, so that one type is read at a time. Taken before update_mutex_.
  mutable std::mutex build_mutex_;
  // Held while a write is applied, and at a build's start and end. A build reads storage without
  // it: the writes committed meanwhile record the ids they change in `changed_while_building_`,
  // and the build reads those nodes again before it publishes (applying a change twice leaves
  // the same table, so a write the build already read is harmless). A write committed but not
  // yet applied when the build publishes is applied to the published table after it.
  mutable std::mutex update_mutex_;
  mutable std::optional<SymbolId> building_;            // guarded by update_mutex_
  // Guarded by update_mutex_. 8 bytes a change, outside max_bytes_ (a long build during a bulk
  // import holds one id per node written).
  mutable std::vector<NodeId> changed_while_building_;
  // A write could not record its changes (out of memory): the build must not publish.
  mutable bool building_lost_ = false;          // guarded by update_mutex_
  mutable std::function<void()> update_fault_;  // guarded by update_mutex_; tests only
  std::atomic<bool> update_failure_logged_{false};
  // Guards the two maps below; held only to copy or swap a pointer.
  mutable std::mutex tables_mutex_;
  mutable std::unordered_map<SymbolId, std::shared_ptr<const Table>> tables_;
  mutable std::unordered_set<SymbolId> refused_;  // too large for max_bytes_
  mutable size_t total_bytes_ = 0;
};

}  // namespace expgraph
