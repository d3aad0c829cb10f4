#include "query/visit_set.h"

#include <algorithm>
#include <limits>

namespace expgraph {

VisitSet& VisitSet::for_this_thread() {
  thread_local VisitSet set;
  return set;
}

void VisitSet::start(size_t vertex_count) {
  for (uint32_t slot : used_slots_) slots_[slot] = 0;
  used_slots_.clear();
  used_slots_.reserve(kSmallCapacity);
  vertex_count_ = vertex_count;
  spilled_ = false;
  // A slot stores id + 1 in 32 bits; larger ids go straight to the per-vertex marks.
  if (vertex_count >= std::numeric_limits<uint32_t>::max()) spill();
}

bool VisitSet::mark_small(NodeId id) {
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

bool VisitSet::mark_large(NodeId id) {
  if (marks_[id] == epoch_) return false;
  marks_[id] = epoch_;
  return true;
}

void VisitSet::spill() {
  if (marks_.size() < vertex_count_) marks_.resize(vertex_count_, 0);
  if (++epoch_ == 0) {  // wrapped: old stamps could collide, so reset once
    std::fill(marks_.begin(), marks_.end(), 0);
    epoch_ = 1;
  }
  for (uint32_t slot : used_slots_) marks_[slots_[slot] - 1] = epoch_;
  spilled_ = true;
}

}  // namespace expgraph
