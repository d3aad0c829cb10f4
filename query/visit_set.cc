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
