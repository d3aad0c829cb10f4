#include "query/cypher/exec/sort.h"

#include <algorithm>
#include <utility>

#include "query/cypher/value_ops.h"

namespace expgraph::cypher::exec {

SortOp::SortOp(Context& context, const PlanStep* step, std::optional<int64_t> keep)
    : Operator(context, step),
      keep_(keep),
      start_(static_cast<size_t>(context.plan.schemas[step->output_schema].width())) {}

Status SortOp::push(Row& row) {
  EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
  if (keep_ && static_cast<int64_t>(rows_.size()) >= *keep_ &&
      (rows_.empty() || !keys_before(row, rows_.front()))) {
    ++arrivals_;
    return Status();
  }
  Entry entry{row, arrivals_++, row_bytes(row)};
  if (!keep_ || static_cast<int64_t>(rows_.size()) < *keep_) {
    EXPGRAPH_RETURN_IF_ERROR(holding_.hold(1, entry.bytes));
    rows_.push_back(std::move(entry));
    if (keep_) std::push_heap(rows_.begin(), rows_.end(), ranks_before_);
    return Status();
  }
  if (rows_.empty() || !ranks_before_(entry, rows_.front())) return Status();
  std::pop_heap(rows_.begin(), rows_.end(), ranks_before_);
  holding_.release(1, rows_.back().bytes);
  EXPGRAPH_RETURN_IF_ERROR(holding_.hold(1, entry.bytes));
  rows_.back() = std::move(entry);
  std::push_heap(rows_.begin(), rows_.end(), ranks_before_);
  return Status();
}

Status SortOp::finish() {
  std::sort(rows_.begin(), rows_.end(), ranks_before_);
  for (Entry& entry : rows_) {
    if (stopped()) break;
    EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
    entry.row.resize(start_);
    EXPGRAPH_RETURN_IF_ERROR(next_->push(entry.row));
  }
  rows_.clear();
  holding_.release_all();
  return next_->finish();
}

bool SortOp::keys_before(const Row& row, const Entry& entry) const {
  const std::vector<bool>& descending = step_->descending;
  for (size_t i = 0; i < descending.size(); ++i) {
    int order = order_compare(row[start_ + i], entry.row[start_ + i]);
    if (order != 0) return descending[i] ? order > 0 : order < 0;
  }
  return false;
}

bool SortOp::RanksBefore::operator()(const Entry& a, const Entry& b) const {
  const std::vector<bool>& descending = sort->step_->descending;
  for (size_t i = 0; i < descending.size(); ++i) {
    int order = order_compare(a.row[sort->start_ + i], b.row[sort->start_ + i]);
    if (order != 0) return descending[i] ? order > 0 : order < 0;
  }
  return a.arrival < b.arrival;
}

}  // namespace expgraph::cypher::exec
