// Progress output for long CLI operations: a bar with rate and ETA redrawn in place on a
// terminal, plain lines (at most one every few seconds) when stderr is not a terminal.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace expgraph::cli {

class Progress {
 public:
  // `total` in `unit`s (e.g. bytes); 0 when unknown.
  Progress(std::string label, size_t total);
  void update(size_t done, size_t items);
  void finish(size_t done, size_t items);

 private:
  void draw(size_t done, size_t items, bool final);

  std::string label_;
  size_t total_;
  bool terminal_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace expgraph::cli
