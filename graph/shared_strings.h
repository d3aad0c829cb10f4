// SharedStrings: hands out one shared copy of each distinct short string it is given, so that
// equal values of a low-cardinality column (status, channel, segment) cost one string. Used by
// PropertyColumns while it builds or writes a table, one per column. Past kMaxDistinct distinct
// values the column is not low-cardinality: the pool stops growing (new values get a copy of
// their own) so that its index stays small beside the table it serves.
// Not thread-safe: one build or write uses it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace expgraph {

class SharedStrings {
 public:
  // Strings longer than this are not shared (rarely repeated, and costly to hash).
  static constexpr size_t kMaxLength = 64;
  // Distinct values remembered per pool.
  static constexpr size_t kMaxDistinct = 1000;

  // A string equal to `text`: the pool's copy when it has one, else a new one (remembered while
  // the pool has room).
  std::shared_ptr<const std::string> get(std::string_view text) {
    if (text.size() > kMaxLength) return std::make_shared<const std::string>(text);
    auto found = strings_.find(text);
    if (found != strings_.end()) return found->second;
    auto shared = std::make_shared<const std::string>(text);
    // Keyed by a view into the shared copy (kept alive by the entry): no second copy.
    if (strings_.size() < kMaxDistinct) strings_.emplace(std::string_view(*shared), shared);
    return shared;
  }

  // How many distinct values the pool remembers (at most kMaxDistinct).
  size_t size() const { return strings_.size(); }

 private:
  std::unordered_map<std::string_view, std::shared_ptr<const std::string>> strings_;
};

}  // namespace expgraph
