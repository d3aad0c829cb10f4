// Helpers shared by several operators: what a held row costs the memory budget, the Holding
// that gives back what a buffering operator held (aggregation, sort), and the evaluation of
// ORDER BY keys after a projection or an aggregation.
#pragma once

#include <cstdint>

#include "ontology/status.h"
#include "query/cypher/exec/execution_context.h"

namespace expgraph::cypher::exec {

// What a row held by an operator takes, for the memory budget.
uint64_t row_bytes(const Row& row);

// What one buffering operator holds against the budget, so that it can give it all back when
// it lets go of its rows.
class Holding {
 public:
  explicit Holding(QueryBudget& budget) : budget_(budget) {}
  Status hold(int64_t rows, uint64_t bytes) {
    rows_ += rows;
    bytes_ += bytes;
    return budget_.hold(rows, bytes);
  }
  void release(int64_t rows, uint64_t bytes) {
    rows_ -= rows;
    bytes_ -= bytes;
    budget_.release(rows, bytes);
  }
  void release_all() { release(rows_, bytes_); }

 private:
  QueryBudget& budget_;
  int64_t rows_ = 0;
  uint64_t bytes_ = 0;
};

// Evaluates ORDER BY keys into the slots after the output schema's.
Status compute_sort_keys(Context& ctx, const PlanStep& step, Row& out, const Scope* parent);

}  // namespace expgraph::cypher::exec
