// The base of the physical operators: a push-based pipeline where each operator takes one row
// at a time and hands its output to the next; finish() flushes what it buffers. Operators are
// created and linked by PipelineBuilder (pipeline_builder.h) from the plan's steps.
#pragma once

#include "ontology/status.h"
#include "query/cypher/exec/execution_context.h"

namespace expgraph::cypher::exec {

class Operator {
 public:
  Operator(Context& context, const PlanStep* step) : ctx_(context), step_(step) {}
  virtual ~Operator() = default;
  // Takes one input row (operators may modify their own slots in it).
  virtual Status push(Row& row) = 0;
  // No more input: flush whatever is buffered, then finish downstream.
  virtual Status finish() { return next_->finish(); }

  Operator* next_ = nullptr;
  int position_ = 0;

 protected:
  Scope scope(const Row& row) const { return Scope{&schema(), &row, nullptr}; }
  const Schema& schema() const { return ctx_.plan.schemas[step_->schema]; }
  Result<Value> eval(const Expr& expr, const Row& row) {
    return ctx_.evaluator.eval(expr, scope(row));
  }
  bool stopped() const { return ctx_.stopped(position_); }
  Value type_node(NodeId id) {
    auto type = ctx_.access.graph().topology().node_type(id);
    return type ? ctx_.access.node_value(id, *type) : Value::null();
  }

  Context& ctx_;
  const PlanStep* step_;
};

}  // namespace expgraph::cypher::exec
