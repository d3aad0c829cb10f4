// The end of the pipeline: keeps the visible columns of each row for the result and enforces
// the row limit. Created by execute_plan (executor.cc), which takes its rows.
#pragma once

#include <cstddef>
#include <vector>

#include "query/cypher/exec/operator.h"

namespace expgraph::cypher::exec {

class SinkOp : public Operator {
 public:
  SinkOp(Context& context, size_t width) : Operator(context, nullptr), width_(width) {}
  Status push(Row& row) override;
  Status finish() override { return Status(); }

  std::vector<Row> rows;

 private:
  size_t width_;
};

}  // namespace expgraph::cypher::exec
