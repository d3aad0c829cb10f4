// ORDER BY, with its top-k: sorts the rows by the keys a projection or aggregation put after
// the output columns. Followed by LIMIT k (SKIP s LIMIT k), it keeps only the first k (s + k)
// rows seen so far. Built by PipelineBuilder for StepKind::kSort, which works out that count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "query/cypher/exec/operator.h"
#include "query/cypher/exec/operator_helpers.h"

namespace expgraph::cypher::exec {

// The kept rows sit in a heap whose top is the last of them: memory in k, not in the input.
// Ties keep their input order (rows are ranked by their keys, then by arrival), as a stable
// sort does.
class SortOp : public Operator {
 public:
  SortOp(Context& context, const PlanStep* step, std::optional<int64_t> keep);
  Status push(Row& row) override;
  Status finish() override;

 private:
  struct Entry {
    Row row;
    uint64_t arrival;
    uint64_t bytes;
  };
  // The ORDER BY keys (after the output columns), then arrival: a strict total order.
  struct RanksBefore {
    const SortOp* sort;
    bool operator()(const Entry& a, const Entry& b) const;
  };

  // Whether a new row ranks before `entry`: on the sort keys alone, as it arrives after every
  // row held. Lets a full top-k turn a row away without copying it.
  bool keys_before(const Row& row, const Entry& entry) const;

  std::optional<int64_t> keep_;  // LIMIT (plus SKIP) after the sort: the rows it may pass on
  size_t start_;                 // where the sort keys begin in a row
  RanksBefore ranks_before_{this};
  Holding holding_{ctx_.budget};
  std::vector<Entry> rows_;
  uint64_t arrivals_ = 0;
};

}  // namespace expgraph::cypher::exec
