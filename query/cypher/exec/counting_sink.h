// The end of a subquery's pipeline: counts the rows that reach it, keeping none, and stops the
// operators upstream once it has counted as many as its caller needs (EXISTS needs one).
// Created by count_plan_rows (executor.cc), which reads the count.
#pragma once

#include <cstdint>

#include "query/cypher/exec/operator.h"

namespace expgraph::cypher::exec {

class CountingSinkOp : public Operator {
 public:
  CountingSinkOp(Context& context, int64_t stop_at)
      : Operator(context, nullptr), stop_at_(stop_at) {}
  Status push(Row& row) override;
  Status finish() override { return Status(); }

  int64_t rows = 0;  // at most stop_at

 private:
  const int64_t stop_at_;
};

}  // namespace expgraph::cypher::exec
