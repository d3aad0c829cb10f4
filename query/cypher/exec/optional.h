// OPTIONAL MATCH: OptionalOp runs each row through the inner pipeline of the optional pattern;
// OptionalExitOp, that pipeline's end, forwards what it finds and notes that a row arrived,
// else OptionalOp passes the row on with the pattern's variables null. Built by PipelineBuilder
// for StepKind::kOptional.
#pragma once

#include <vector>

#include "query/cypher/exec/operator.h"

namespace expgraph::cypher::exec {

// Forwards rows from an OPTIONAL MATCH's inner pipeline and notes that one arrived.
class OptionalExitOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override;
  Status finish() override { return Status(); }
  bool found_ = false;
  Operator* target_ = nullptr;
};

class OptionalOp : public Operator {
 public:
  OptionalOp(Context& context, const PlanStep* step, Operator* inner, OptionalExitOp* exit,
             std::vector<int> inner_slots);
  Status push(Row& row) override;

 private:
  Operator* inner_;
  OptionalExitOp* exit_;
  std::vector<int> inner_slots_;
};

}  // namespace expgraph::cypher::exec
