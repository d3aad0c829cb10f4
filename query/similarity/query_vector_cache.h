// QueryVectorCache: the vectors of the most recently searched texts, so that a text searched
// again is not embedded again. The web UI's plan page asks for the similar tests and the
// forecast of one hypothesis at once, and a planner edits the candidates and asks again with
// the same hypothesis; with the sentence encoder each embedding costs about 6 ms, most of a
// forecast's time. An index's embedder is fixed for its lifetime and deterministic, so entries
// never go stale. Least recently used entries make room for new ones. Texts longer than
// kMaxTextBytes are not kept, so that the cache stays small (256 entries of the use embedder:
// at most about 1.5 MiB) whatever the requests' bodies carry.
//
// Thread-safety: thread-safe (one mutex; lookups and inserts copy a vector of a few hundred
// floats).
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace expgraph::similarity {

class QueryVectorCache {
 public:
  static constexpr size_t kMaxTextBytes = 4096;

  // At most `capacity` texts (0: nothing is kept).
  explicit QueryVectorCache(size_t capacity) : capacity_(capacity) {}

  // The vector stored for `text`, which becomes the most recently used; nullopt when absent.
  std::optional<std::vector<float>> find(std::string_view text);
  // Stores the vector of `text` (unless it is longer than kMaxTextBytes), evicting the least
  // recently used text when full.
  void insert(std::string_view text, std::vector<float> vector);

 private:
  using Entry = std::pair<std::string, std::vector<float>>;
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> by_text_;  // views entries_
};

}  // namespace expgraph::similarity
