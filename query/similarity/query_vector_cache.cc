#include "query/similarity/query_vector_cache.h"

namespace expgraph::similarity {

std::optional<std::vector<float>> QueryVectorCache::find(std::string_view text) {
  std::lock_guard lock(mutex_);
  auto it = by_text_.find(text);
  if (it == by_text_.end()) return std::nullopt;
  entries_.splice(entries_.begin(), entries_, it->second);  // iterators stay valid
  return it->second->second;
}

void QueryVectorCache::insert(std::string_view text, std::vector<float> vector) {
  if (capacity_ == 0 || text.size() > kMaxTextBytes) return;
  std::lock_guard lock(mutex_);
  if (auto it = by_text_.find(text); it != by_text_.end()) {
    // Another request embedded the same text meanwhile: the vector is the same.
    entries_.splice(entries_.begin(), entries_, it->second);
    return;
  }
  if (entries_.size() == capacity_) {
    by_text_.erase(entries_.back().first);
    entries_.pop_back();
  }
  entries_.emplace_front(std::string(text), std::move(vector));
  by_text_.emplace(entries_.front().first, entries_.begin());
}

}  // namespace expgraph::similarity
