// QueryBudget: what one query may spend, checked where it is spent: its time (a deadline cheap
// enough to test inside loops) and its memory (the bytes of the values an expression builds plus
// the bytes of the rows operators hold). The Cypher executor's operators, its expression
// evaluator and the functions share one per query. Not thread-safe: a query runs on one thread.
#pragma once

#include <cstdint>

#include "ontology/status.h"
#include "query/query_limits.h"

namespace expgraph {

class QueryBudget {
 public:
  // Rows held by operators: ten times the row limit, at least this.
  static constexpr int64_t kMinHeldRows = 100000;
  // How many tick() calls share one reading of the clock.
  static constexpr uint32_t kTickInterval = 256;

  // Starts the clock: the deadline is limits.timeout_ms from now.
  explicit QueryBudget(const QueryLimits& limits);

  const QueryLimits& limits() const { return limits_; }

  // For loops, however tight: query_timeout once the deadline has passed, noticed within
  // kTickInterval units of work (a step is one unit unless it says it does more).
  Status tick(uint32_t units = 1) {
    ticks_ += units;
    if (ticks_ < kTickInterval) return Status();
    ticks_ = 0;
    return check_deadline();
  }
  // query_timeout when the deadline has passed (reads the clock now).
  Status check_deadline() const;

  // A new expression evaluation begins: what the previous one built is dropped or held by now.
  void start_expression() { building_ = 0; }
  // Charges a value of about `bytes` that the current expression is about to build, before it
  // is allocated. query_memory_limit when it would not fit beside what the query holds and
  // what the expression has built so far; a large value also reads the clock.
  Status build(uint64_t bytes);

  // An operator keeps `rows` more rows (or values) of `bytes` until it calls release().
  // intermediate_limit_exceeded past the held-row bound, query_memory_limit past the budget.
  Status hold(int64_t rows, uint64_t bytes);
  void release(int64_t rows, uint64_t bytes);

  // The most memory charged at once (held plus being built) so far.
  uint64_t peak_bytes() const { return peak_; }

 private:
  Status charge(uint64_t& counter, uint64_t bytes);

  QueryLimits limits_;
  Deadline deadline_;
  int64_t max_held_rows_;
  int64_t held_rows_ = 0;
  uint64_t held_bytes_ = 0;
  uint64_t building_ = 0;
  uint64_t peak_ = 0;
  uint32_t ticks_ = 0;
};

}  // namespace expgraph
