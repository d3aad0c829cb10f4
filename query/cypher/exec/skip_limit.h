// SKIP and LIMIT: SkipOp drops the first n rows; LimitOp passes on n rows, then tells every
// operator upstream that it may stop producing. Built by PipelineBuilder for StepKind::kSkip and
// StepKind::kLimit, with the count already evaluated.
#pragma once

#include <cstdint>

#include "query/cypher/exec/operator.h"

namespace expgraph::cypher::exec {

class SkipOp : public Operator {
 public:
  SkipOp(Context& context, const PlanStep* step, int64_t count)
      : Operator(context, step), remaining_(count) {}
  Status push(Row& row) override;

 private:
  int64_t remaining_;
};

class LimitOp : public Operator {
 public:
  LimitOp(Context& context, const PlanStep* step, int64_t count)
      : Operator(context, step), remaining_(count) {}
  Status push(Row& row) override;

 private:
  int64_t remaining_;
};

}  // namespace expgraph::cypher::exec
