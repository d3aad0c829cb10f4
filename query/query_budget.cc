#include "query/query_budget.h"

#include <algorithm>
#include <string>

namespace expgraph {

namespace {

// A value this large reads the clock when it is charged: building it takes a while.
constexpr uint64_t kLargeValueBytes = 1 << 20;

uint64_t saturating_add(uint64_t a, uint64_t b) {
  uint64_t sum;
  return __builtin_add_overflow(a, b, &sum) ? UINT64_MAX : sum;
}

}  // namespace

QueryBudget::QueryBudget(const QueryLimits& limits)
    : limits_(limits),
      deadline_(limits.timeout_ms),
      max_held_rows_(std::max<int64_t>(kMinHeldRows, 10 * limits.max_rows)) {}

Status QueryBudget::check_deadline() const {
  if (!deadline_.expired()) return Status();
  return Status(StatusCode::kOverloaded,
                "the query ran longer than its time limit of " +
                    std::to_string(limits_.timeout_ms) +
                    " ms and was cancelled; narrow the pattern (labels, keys, bounded "
                    "var-length) or raise timeout_ms (at most " +
                    std::to_string(QueryLimits::kMaxTimeoutMs) + ")",
                {}, "query_timeout");
}

Status QueryBudget::build(uint64_t bytes) {
  EXPGRAPH_RETURN_IF_ERROR(charge(building_, bytes));
  return bytes >= kLargeValueBytes ? check_deadline() : tick();
}

Status QueryBudget::hold(int64_t rows, uint64_t bytes) {
  held_rows_ += rows;
  if (held_rows_ > max_held_rows_) {
    return Status::unprocessable(
        "intermediate_limit_exceeded",
        "the query holds more than " + std::to_string(max_held_rows_) +
            " intermediate rows (sort, aggregation, DISTINCT or collect() input); filter "
            "earlier, or raise the request's \"limit\": this bound is 10 times it, at least " +
            std::to_string(kMinHeldRows));
  }
  return charge(held_bytes_, bytes);
}

void QueryBudget::release(int64_t rows, uint64_t bytes) {
  held_rows_ -= std::min(rows, held_rows_);
  held_bytes_ -= std::min(bytes, held_bytes_);
}

Status QueryBudget::charge(uint64_t& counter, uint64_t bytes) {
  uint64_t wanted = saturating_add(saturating_add(held_bytes_, building_), bytes);
  if (wanted > static_cast<uint64_t>(limits_.memory_bytes)) {
    return Status::unprocessable(
        "query_memory_limit",
        "the query needs more than its memory budget of " +
            std::to_string(limits_.memory_bytes >> 20) +
            " MiB (values it builds and rows it holds); narrow it, or raise memory_limit_mb (at "
            "most " +
            std::to_string(QueryLimits::kMaxMemoryMb) + ")");
  }
  counter += bytes;
  peak_ = std::max(peak_, wanted);
  return Status();
}

}  // namespace expgraph
