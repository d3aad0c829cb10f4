#include "query/cypher/exec/aggregation.h"

#include <algorithm>
#include <utility>

namespace expgraph::cypher::exec {

Status AggregationOp::push(Row& row) {
  EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
  row_key_.clear();
  for (size_t i = 0; i < step_->items.size(); ++i) {
    if (step_->item_is_aggregate[i]) continue;
    auto value = eval(*step_->items[i], row);
    if (!value.ok()) return value.status();
    row_key_.push_back(std::move(value).value());
  }
  Group* group = nullptr;
  EXPGRAPH_RETURN_IF_ERROR(find_or_add_group(row, group));
  for (size_t i = 0; i < step_->aggregates.size(); ++i) {
    const Expr& aggregate = *step_->aggregates[i];
    Value argument;
    if (aggregate.is<FunctionCallExpr>()) {
      auto value = eval(*aggregate.as<FunctionCallExpr>().args[0], row);
      if (!value.ok()) return value.status();
      argument = std::move(value).value();
    }
    Aggregator& aggregator = group->aggregators[i];
    if (aggregate.is<FunctionCallExpr>() && aggregate.as<FunctionCallExpr>().args.size() > 1) {
      auto percentile = eval(*aggregate.as<FunctionCallExpr>().args[1], row);
      if (!percentile.ok()) return percentile.status();
      EXPGRAPH_RETURN_IF_ERROR(aggregator.set_percentile(*percentile));
    }
    EXPGRAPH_RETURN_IF_ERROR(add_to(aggregator, argument));
  }
  return Status();
}

Result<size_t> AggregationOp::group_index(Value::List& key) {
  row_key_.swap(key);
  Group* group = nullptr;
  Status found = find_or_add_group(empty_row_, group);
  row_key_.swap(key);
  if (!found.ok()) return found;
  return static_cast<size_t>(group - groups_.data());
}

Status AggregationOp::push_values(size_t group, std::vector<Value>& arguments) {
  for (size_t i = 0; i < step_->aggregates.size(); ++i) {
    EXPGRAPH_RETURN_IF_ERROR(add_to(groups_[group].aggregators[i], arguments[i]));
  }
  return Status();
}

Status AggregationOp::find_or_add_group(const Row& row, Group*& group) {
  auto it = index_.find(row_key_);
  if (it != index_.end()) {
    group = &groups_[it->second];
    return Status();
  }
  Value group_key = Value::list(row_key_);
  EXPGRAPH_RETURN_IF_ERROR(holding_.hold(1, value_bytes(group_key) + row_bytes(row)));
  auto created = new_group(group_key, row);
  if (!created.ok()) return created.status();
  index_.emplace(row_key_, groups_.size());
  groups_.push_back(std::move(created).value());
  group = &groups_.back();
  return Status();
}

Status AggregationOp::add_to(Aggregator& aggregator, const Value& argument) {
  size_t held = aggregator.held_values();
  EXPGRAPH_RETURN_IF_ERROR(aggregator.add(argument));
  // collect() and the percentiles hold their input (a row each, like a sort); DISTINCT holds
  // what it has seen.
  if (aggregator.held_values() > held) {
    bool collect = aggregator.holds_input();
    EXPGRAPH_RETURN_IF_ERROR(holding_.hold(collect ? 1 : 0, value_bytes(argument)));
  }
  return Status();
}

Status AggregationOp::finish() {
  bool has_keys = std::find(step_->item_is_aggregate.begin(), step_->item_is_aggregate.end(),
                            false) != step_->item_is_aggregate.end();
  if (groups_.empty() && !has_keys) {
    // Aggregating no rows without grouping keys still gives one row (count(*) = 0).
    auto created = new_group(Value::list({}), Row(schema().width()));
    if (!created.ok()) return created.status();
    groups_.push_back(std::move(created).value());
  }
  const Schema& output = ctx_.plan.schemas[step_->output_schema];
  for (const Group& group : groups_) {
    if (stopped()) break;
    EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
    std::unordered_map<const Expr*, Value> results;
    for (size_t i = 0; i < step_->aggregates.size(); ++i) {
      results[step_->aggregates[i]] = group.aggregators[i].result();
    }
    ctx_.evaluator.set_aggregates(&results);
    Row out(output.width() + step_->sort_keys.size());
    size_t key_index = 0;
    Status status;
    for (size_t i = 0; i < step_->items.size() && status.ok(); ++i) {
      if (!step_->item_is_aggregate[i]) {
        out[i] = group.key.as_list()[key_index++];
        continue;
      }
      auto value = eval(*step_->items[i], group.representative);
      if (!value.ok()) {
        status = value.status();
      } else {
        out[i] = std::move(value).value();
      }
    }
    if (status.ok()) status = compute_sort_keys(ctx_, *step_, out, nullptr);
    ctx_.evaluator.set_aggregates(nullptr);
    EXPGRAPH_RETURN_IF_ERROR(status);
    EXPGRAPH_RETURN_IF_ERROR(next_->push(out));
  }
  groups_.clear();
  index_.clear();
  holding_.release_all();
  return next_->finish();
}

Result<AggregationOp::Group> AggregationOp::new_group(const Value& key, const Row& row) {
  Group group{key, row, {}};
  for (const Expr* aggregate : step_->aggregates) {
    if (aggregate->is<CountStarExpr>()) {
      group.aggregators.push_back(Aggregator::count_star());
      continue;
    }
    const auto& call = aggregate->as<FunctionCallExpr>();
    auto created = Aggregator::create(call.name, call.distinct);
    if (!created.ok()) return created.status();
    group.aggregators.push_back(std::move(created).value());
  }
  return group;
}

}  // namespace expgraph::cypher::exec
