#include "query/query_limits.h"

#include <string>

namespace expgraph {

Result<QueryLimits> QueryLimits::from_request(int64_t max_rows, int64_t timeout_ms,
                                              int64_t memory_limit_mb) {
  if (max_rows < 1 || max_rows > kMaxRows) {
    return Status::invalid_argument("limit must be from 1 to " + std::to_string(kMaxRows));
  }
  if (timeout_ms < 1 || timeout_ms > kMaxTimeoutMs) {
    return Status::invalid_argument("timeout_ms must be from 1 to " +
                                    std::to_string(kMaxTimeoutMs));
  }
  if (memory_limit_mb < 1 || memory_limit_mb > kMaxMemoryMb) {
    return Status::invalid_argument("memory_limit_mb must be from 1 to " +
                                    std::to_string(kMaxMemoryMb));
  }
  return QueryLimits{max_rows, timeout_ms, memory_limit_mb << 20};
}

}  // namespace expgraph
