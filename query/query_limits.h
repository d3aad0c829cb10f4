// Limits every query-layer operation honours: a row limit, a time limit and a memory budget, with
// defaults and the ceilings a client may not go past. Used by query/ and by the api routes that
// call it.
#pragma once

#include <chrono>
#include <cstdint>

#include "ontology/status.h"

namespace expgraph {

struct QueryLimits {
  static constexpr int64_t kDefaultRows = 10000;
  static constexpr int64_t kMaxRows = 1000000;
  static constexpr int64_t kDefaultTimeoutMs = 5000;
  static constexpr int64_t kMaxTimeoutMs = 60000;
  // The memory budget (see QueryBudget) is asked for in MiB.
  static constexpr int64_t kDefaultMemoryMb = 256;
  static constexpr int64_t kMaxMemoryMb = 2048;

  int64_t max_rows = kDefaultRows;
  int64_t timeout_ms = kDefaultTimeoutMs;
  int64_t memory_bytes = kDefaultMemoryMb << 20;

  // Limits asked for by a client, checked against the ceilings (400 when out of range).
  static Result<QueryLimits> from_request(int64_t max_rows, int64_t timeout_ms,
                                          int64_t memory_limit_mb);
};

// A deadline checked by long-running loops; cheap to test often.
class Deadline {
 public:
  explicit Deadline(int64_t timeout_ms)
      : end_(std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms)) {}
  bool expired() const { return std::chrono::steady_clock::now() >= end_; }

 private:
  std::chrono::steady_clock::time_point end_;
};

}  // namespace expgraph
