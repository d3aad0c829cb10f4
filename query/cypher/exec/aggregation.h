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
  // For a producer that reads rows' values without making rows (LabelScanOp over property
  // columns), only for aggregates of one argument whose items read no variable but through
  // the grouping values and aggregates (groups keep an empty representative row):
  // the group of the grouping values `key` (in item order), created when new, as an index that
  // stays valid until finish(); `key` is left as it was.
  Result<size_t> group_index(Value::List& key);
  // A row of `group` with each aggregate's argument (in `step->aggregates` order; ignored for
  // count(*)).
  Status push_values(size_t group, std::vector<Value>& arguments);

 private:
  struct Group {
    Value key;
    Row representative;  // the group's first row: aggregate items may read its variables
    std::vector<Aggregator> aggregators;
  };

  // The index is keyed by the grouping values themselves, so that a row of a known group is
  // looked up from a reused list without making a list value (an allocation per row).
  struct KeyHash {
    size_t operator()(const Value::List& key) const {
      size_t hash = key.size();
      for (const Value& value : key) hash = hash * 1000003 ^ hash_value(value);
      return hash;
    }
  };
  struct KeyEquivalent {
    bool operator()(const Value::List& a, const Value::List& b) const {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (!equivalent(a[i], b[i])) return false;
      }
      return true;
    }
  };

  Result<Group> new_group(const Value& key, const Row& row);
  // The group of row_key_, created (with `row` as its representative) when new.
  Status find_or_add_group(const Row& row, Group*& group);
  Status add_to(Aggregator& aggregator, const Value& argument);

  Holding holding_{ctx_.budget};
  std::vector<Group> groups_;  // in first-seen order
  std::unordered_map<Value::List, size_t, KeyHash, KeyEquivalent> index_;
  Value::List row_key_;  // the grouping values of the row being added
  const Row empty_row_ = Row(schema().width());  // push_values' groups' representative
};

}  // namespace expgraph::cypher::exec
