// Turns a plan's steps into physical operators (one per step, an OPTIONAL MATCH's inner steps
// in a pipeline of their own) and links them into one push-based pipeline, giving each its
// position for LIMIT's early stop. Used by execute_plan (executor.cc); owns the operators.
#pragma once

#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "query/cypher/exec/label_scan.h"
#include "query/cypher/exec/operator.h"

namespace expgraph::cypher::exec {

class PipelineBuilder {
 public:
  explicit PipelineBuilder(Context& context) : ctx_(context) {}

  // Returns the head of the chain for `steps`, ending in `tail`.
  Result<Operator*> build(const std::vector<PlanStep>& steps, Operator* tail);

  int next_position() { return position_++; }

  std::vector<std::unique_ptr<Operator>> operators;

 private:
  template <typename T, typename... Args>
  T* add(Args&&... args) {
    auto op = std::make_unique<T>(std::forward<Args>(args)...);
    T* raw = op.get();
    operators.push_back(std::move(op));
    return raw;
  }

  Result<int64_t> count(const PlanStep& step);
  // How many rows a sort followed by `after` may pass on: SKIP s LIMIT k lets s + k through,
  // LIMIT k lets k; nullopt without a LIMIT (or when s + k overflows).
  Result<std::optional<int64_t>> sort_keep(std::span<const PlanStep> after);
  // How a label scan followed by `after` may read its label (exec/label_scan.h).
  static LabelScanUse label_scan_use(std::span<const PlanStep> after);
  // Sets use.columnar_aggregation (and its properties) when `after` starts with an aggregation
  // that reads only `scan`'s node, as LabelScanUse says.
  void columnar_aggregation(const PlanStep& scan, std::span<const PlanStep> after,
                            LabelScanUse& use) const;
  // Sets use.prefilter from the WHERE that follows `scan`, as LabelScanUse says.
  void scan_prefilter(const PlanStep& scan, std::span<const PlanStep> after,
                      LabelScanUse& use) const;
  // The operator for `step`; `after` are the steps that follow it in its chain.
  Result<Operator*> make(const PlanStep& step, std::span<const PlanStep> after);

  Context& ctx_;
  int position_ = 0;
};

}  // namespace expgraph::cypher::exec
