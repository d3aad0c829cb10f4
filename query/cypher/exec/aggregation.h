// Aggregation: WITH or RETURN with aggregates: groups the rows by the non-aggregate items (in
// first-seen order), feeds each group's aggregators, and emits one row per group when its input
// ends (one row for no input without grouping keys). Built by PipelineBuilder for
// StepKind::kAggregation.
#pragma once

#include <unordered_map>
#include <vector>

#include "query/cypher/aggregate.h"
#include "query/cypher/exec/operator.h"
#include "query/cypher/exec/operator_helpers.h"
#include "query/cypher/value_ops.h"

namespace expgraph::cypher::exec {

class AggregationOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override;
  Status finish() override;

 private:
  struct Group {
    Value key;
    Row representative;  // the group's first row: aggregate items may read its variables
    std::vector<Aggregator> aggregators;
  };

  Result<Group> new_group(const Value& key, const Row& row);

  Holding holding_{ctx_.budget};
  std::vector<Group> groups_;  // in first-seen order
  std::unordered_map<Value, size_t, ValueHash, ValueEquivalent> index_;
};

}  // namespace expgraph::cypher::exec
