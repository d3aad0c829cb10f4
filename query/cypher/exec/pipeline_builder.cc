#include "query/cypher/exec/pipeline_builder.h"

#include <algorithm>
#include <optional>
#include <string>

#include "query/cypher/exec/aggregation.h"
#include "query/cypher/exec/all_nodes_scan.h"
#include "query/cypher/exec/build_path.h"
#include "query/cypher/exec/distinct.h"
#include "query/cypher/exec/expand.h"
#include "query/cypher/exec/filter.h"
#include "query/cypher/exec/label_scan.h"
#include "query/cypher/exec/node_by_index.h"
#include "query/cypher/exec/node_by_key.h"
#include "query/cypher/exec/optional.h"
#include "query/cypher/exec/projection.h"
#include "query/cypher/exec/relationship_ends.h"
#include "query/cypher/exec/skip_limit.h"
#include "query/cypher/exec/sort.h"
#include "query/cypher/exec/store_count.h"
#include "query/cypher/exec/unwind.h"
#include "query/cypher/exec/var_length_expand.h"
#include "query/cypher/functions.h"

namespace expgraph::cypher::exec {

namespace {

// The slots a list of steps binds (nulled when an OPTIONAL MATCH finds nothing).
void written_slots(const std::vector<PlanStep>& steps, std::vector<int>& out) {
  for (const PlanStep& step : steps) {
    for (int slot :
         {step.node_slot, step.rel_bound ? -1 : step.rel_slot, step.path_slot,
          step.to_bound ? -1 : step.to_slot}) {
      if (slot >= 0) out.push_back(slot);
    }
    written_slots(step.inner, out);
  }
}

// `n.p` of the node in `slot` (a property read of a variable of `schema`): p, else nullopt.
std::optional<std::string> property_of_slot(const Expr& expr, const Schema& schema, int slot) {
  if (!expr.is<PropertyExpr>()) return std::nullopt;
  const PropertyExpr& property = expr.as<PropertyExpr>();
  if (!property.object->is<VariableExpr>() ||
      schema.find(property.object->as<VariableExpr>().name) != slot) {
    return std::nullopt;
  }
  return property.key;
}

}  // namespace

Result<Operator*> PipelineBuilder::build(const std::vector<PlanStep>& steps, Operator* tail) {
  std::vector<Operator*> chain;
  for (size_t i = 0; i < steps.size(); ++i) {
    auto op = make(steps[i], std::span(steps).subspan(i + 1));
    if (!op.ok()) return op.status();
    chain.push_back(*op);
  }
  chain.push_back(tail);
  for (size_t i = 0; i + 1 < chain.size(); ++i) chain[i]->next_ = chain[i + 1];
  return chain.front();
}

Result<int64_t> PipelineBuilder::count(const PlanStep& step) {
  Row empty;
  Schema none;
  auto value = ctx_.evaluator.eval(*step.value, Scope{&none, &empty, nullptr});
  if (!value.ok()) return value.status();
  if (!value->is_int() || value->as_int() < 0) {
    return Status::invalid_argument(std::string(step.kind == StepKind::kSkip ? "SKIP" : "LIMIT") +
                                    " must be a non-negative integer, got " +
                                    value->debug_string());
  }
  return value->as_int();
}

Result<std::optional<int64_t>> PipelineBuilder::sort_keep(std::span<const PlanStep> after) {
  int64_t skipped = 0;
  if (!after.empty() && after.front().kind == StepKind::kSkip) {
    auto n = count(after.front());
    if (!n.ok()) return n.status();
    skipped = *n;
    after = after.subspan(1);
  }
  if (after.empty() || after.front().kind != StepKind::kLimit) return std::optional<int64_t>();
  auto n = count(after.front());
  if (!n.ok()) return n.status();
  int64_t keep;
  if (__builtin_add_overflow(skipped, *n, &keep)) return std::optional<int64_t>();
  return std::optional<int64_t>(keep);
}

LabelScanUse PipelineBuilder::label_scan_use(std::span<const PlanStep> after) {
  for (const PlanStep& step : after) {
    switch (step.kind) {
      case StepKind::kSort:
        return {.whole = true, .any_order = true};
      case StepKind::kAggregation: {
        // collect() lists its rows in the order they arrive.
        bool collects = false;
        for (const Expr* aggregate : step.aggregates) {
          if (!aggregate->is<FunctionCallExpr>()) continue;
          collects = collects || lower_ascii(aggregate->as<FunctionCallExpr>().name) == "collect";
        }
        return {.whole = true, .any_order = !collects};
      }
      case StepKind::kSkip:
      case StepKind::kLimit:
        return {.whole = false, .any_order = false};
      default:
        break;
    }
  }
  return {.whole = true, .any_order = false};
}

void PipelineBuilder::columnar_aggregation(const PlanStep& scan, std::span<const PlanStep> after,
                                           LabelScanUse& use) const {
  if (!use.any_order || after.empty() || after.front().kind != StepKind::kAggregation) return;
  const PlanStep& aggregation = after.front();
  const Schema& schema = ctx_.plan.schemas[aggregation.schema];
  auto scanned_property = [&](const Expr& expr) {
    return property_of_slot(expr, schema, scan.node_slot);
  };
  std::vector<std::string> keys, arguments;
  size_t aggregate_items = 0;
  for (size_t i = 0; i < aggregation.items.size(); ++i) {
    const Expr* item = aggregation.items[i];
    if (!aggregation.item_is_aggregate[i]) {
      auto property = scanned_property(*item);
      if (!property) return;
      keys.push_back(*property);
      continue;
    }
    // The item must be one aggregate, whole (not count(*) + 1).
    if (std::find(aggregation.aggregates.begin(), aggregation.aggregates.end(), item) ==
        aggregation.aggregates.end()) {
      return;
    }
    ++aggregate_items;
  }
  if (aggregate_items != aggregation.aggregates.size()) return;
  for (const Expr* aggregate : aggregation.aggregates) {
    if (aggregate->is<CountStarExpr>()) {
      arguments.emplace_back();
      continue;
    }
    if (!aggregate->is<FunctionCallExpr>()) return;
    const FunctionCallExpr& call = aggregate->as<FunctionCallExpr>();
    const std::string name = lower_ascii(call.name);
    if (call.distinct || call.args.size() != 1 ||
        (name != "count" && name != "sum" && name != "min" && name != "max" && name != "avg")) {
      return;
    }
    auto property = scanned_property(*call.args[0]);
    if (!property) return;
    arguments.push_back(*property);
  }
  use.columnar_aggregation = true;
  use.key_properties = std::move(keys);
  use.argument_properties = std::move(arguments);
}

void PipelineBuilder::scan_prefilter(const PlanStep& scan, std::span<const PlanStep> after,
                                     LabelScanUse& use) const {
  // The planner makes a filter step per conjunct, in the WHERE's order: the steps right after
  // the scan, their conjuncts in order, are the AND the rows go through.
  std::vector<std::pair<const Expr*, const Schema*>> conjuncts;
  for (const PlanStep& filter : after) {
    if (filter.kind != StepKind::kFilter || filter.predicate == nullptr) break;
    std::vector<const Expr*> parts;
    split_and(*filter.predicate, parts);
    for (const Expr* part : parts) conjuncts.emplace_back(part, &ctx_.plan.schemas[filter.schema]);
  }
  for (const auto& [conjunct, schema_of] : conjuncts) {
    const Schema& schema = *schema_of;
    // Only the leading run: a conjunct before one the scan checks may raise an error the
    // filter must report, which a dropped row would hide.
    if (!conjunct->is<BinaryExpr>()) return;
    const BinaryExpr& binary = conjunct->as<BinaryExpr>();
    switch (binary.op) {
      case BinaryOp::kEq:
      case BinaryOp::kNotEq:
      case BinaryOp::kLess:
      case BinaryOp::kLessEq:
      case BinaryOp::kGreater:
      case BinaryOp::kGreaterEq:
        break;
      default:
        return;
    }
    auto is_constant = [](const Expr& e) { return e.is<LiteralExpr>() || e.is<ParameterExpr>(); };
    LabelScanUse::Comparison comparison;
    comparison.op = binary.op;
    if (auto property = property_of_slot(*binary.left, schema, scan.node_slot);
        property && is_constant(*binary.right)) {
      comparison.property = *property;
      comparison.constant = binary.right.get();
    } else if (auto property = property_of_slot(*binary.right, schema, scan.node_slot);
               property && is_constant(*binary.left)) {
      comparison.property = *property;
      comparison.constant = binary.left.get();
      comparison.constant_on_left = true;
    } else {
      return;
    }
    use.prefilter.push_back(std::move(comparison));
  }
}

Result<Operator*> PipelineBuilder::make(const PlanStep& step, std::span<const PlanStep> after) {
  Operator* op = nullptr;
  switch (step.kind) {
    case StepKind::kNodeByKey:
      op = add<NodeByKeyOp>(ctx_, &step);
      break;
    case StepKind::kNodeByIndex:
      op = add<NodeByIndexOp>(ctx_, &step);
      break;
    case StepKind::kLabelScan: {
      LabelScanUse use = label_scan_use(after);
      columnar_aggregation(step, after, use);
      scan_prefilter(step, after, use);
      op = add<LabelScanOp>(ctx_, &step, std::move(use));
      break;
    }
    case StepKind::kAllNodesScan:
      op = add<AllNodesScanOp>(ctx_, &step);
      break;
    case StepKind::kRelationshipEnds:
      op = add<RelationshipEndsOp>(ctx_, &step);
      break;
    case StepKind::kExpand:
      op = add<ExpandOp>(ctx_, &step);
      break;
    case StepKind::kVarLengthExpand:
      op = add<VarLengthExpandOp>(ctx_, &step);
      break;
    case StepKind::kBuildPath:
      op = add<BuildPathOp>(ctx_, &step);
      break;
    case StepKind::kFilter:
      op = add<FilterOp>(ctx_, &step);
      break;
    case StepKind::kOptional: {
      // Inner operators get lower positions than the Optional, so a LIMIT after it
      // stops them too.
      OptionalExitOp* exit = add<OptionalExitOp>(ctx_, &step);
      auto inner = build(step.inner, exit);
      if (!inner.ok()) return inner.status();
      std::vector<int> slots;
      written_slots(step.inner, slots);
      op = add<OptionalOp>(ctx_, &step, *inner, exit, std::move(slots));
      break;
    }
    case StepKind::kUnwind:
      op = add<UnwindOp>(ctx_, &step);
      break;
    case StepKind::kProjection:
      op = add<ProjectionOp>(ctx_, &step);
      break;
    case StepKind::kAggregation:
      op = add<AggregationOp>(ctx_, &step);
      break;
    case StepKind::kStoreCount:
      op = add<StoreCountOp>(ctx_, &step);
      break;
    case StepKind::kDistinct:
      op = add<DistinctOp>(ctx_, &step);
      break;
    case StepKind::kSort: {
      auto keep = sort_keep(after);
      if (!keep.ok()) return keep.status();
      op = add<SortOp>(ctx_, &step, *keep);
      break;
    }
    case StepKind::kSkip:
    case StepKind::kLimit: {
      auto n = count(step);
      if (!n.ok()) return n.status();
      if (step.kind == StepKind::kSkip) {
        op = add<SkipOp>(ctx_, &step, *n);
      } else {
        op = add<LimitOp>(ctx_, &step, *n);
      }
      break;
    }
  }
  op->position_ = next_position();
  return op;
}

}  // namespace expgraph::cypher::exec
