// VisitSet: the nodes one traversal has reached so far, for the BFS loops in traversal.cc.
// Most traversals reach a few hundred nodes, so they are kept in a small hash table that stays
// in the core's own caches; a traversal that outgrows it moves to one byte per vertex.
// Not thread-safe: each thread keeps its own (see VisitSet::for_this_thread).
#pragma once

#include <cstdint>
#include <vector>

#include "storage/key_codec.h"

namespace expgraph {

class VisitSet {
 public:
  // How many nodes the small table holds before the traversal moves to the per-vertex marks.
  static constexpr size_t kSmallCapacity = 2048;

  // This thread's set; traversals on one thread never overlap.
  static VisitSet& for_this_thread();

  // Starts a traversal over a graph whose vertex ids are below `vertex_count`; forgets every
  // node marked before.
  void start(size_t vertex_count);

  // Marks `id`; true when it was not marked yet in this traversal.
  bool mark(NodeId id) { return spilled_ ? mark_large(id) : mark_small(id); }

  // True once this traversal has outgrown the small table (for tests).
  bool spilled() const { return spilled_; }

 private:
  // Open addressing with linear probing; a slot holds id + 1 (0: empty). Twice as many slots as
  // entries keeps probe runs short. 4 bytes a slot keeps the table at 16 KiB.
  static constexpr size_t kSlots = 2 * kSmallCapacity;
  static constexpr int kSlotBits = 12;
  static_assert(size_t{1} << kSlotBits == kSlots);

  // Both inline: they run once per edge a traversal walks.
  bool mark_small(NodeId id) {
    // Fibonacci hashing: consecutive ids (often neighbours in a generated graph) land far apart.
    size_t slot = (id * 0x9E3779B97F4A7C15ULL) >> (64 - kSlotBits);
    const auto stored = static_cast<uint32_t>(id + 1);
    while (true) {
      uint32_t held = slots_[slot];
      if (held == stored) return false;
      if (held == 0) break;
      slot = (slot + 1) & (kSlots - 1);
    }
    slots_[slot] = stored;
    used_slots_.push_back(static_cast<uint32_t>(slot));
    if (used_slots_.size() == kSmallCapacity) spill();
    return true;
  }
  bool mark_large(NodeId id) {
    if (marks_[id] == epoch_) return false;
    marks_[id] = epoch_;
    return true;
  }
  // Moves the small table's nodes into the per-vertex marks; later marks go there.
  void spill();

  std::vector<uint32_t> slots_ = std::vector<uint32_t>(kSlots, 0);
  std::vector<uint32_t> used_slots_;  // filled slots, cleared by the next start()
  bool spilled_ = false;
  size_t vertex_count_ = 0;
  // One byte per vertex stamped with an epoch, so starting a large traversal never clears a
  // graph-sized array; the price is a clear every 255 large traversals.
  std::vector<uint8_t> marks_;
  uint8_t epoch_ = 0;
};

}  // namespace expgraph
