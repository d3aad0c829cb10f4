#include "query/cypher/plan.h"

namespace expgraph::cypher {

expgraph::Direction graph_direction(cypher::Direction direction, bool forward) {
  switch (direction) {
    case cypher::Direction::kOutgoing:
      return forward ? expgraph::Direction::kOut : expgraph::Direction::kIn;
    case cypher::Direction::kIncoming:
      return forward ? expgraph::Direction::kIn : expgraph::Direction::kOut;
    case cypher::Direction::kBoth:
      return expgraph::Direction::kBoth;
  }
  return expgraph::Direction::kBoth;
}

namespace {

std::string_view direction_name(expgraph::Direction direction) {
  switch (direction) {
    case expgraph::Direction::kOut:
      return "out";
    case expgraph::Direction::kIn:
      return "in";
    case expgraph::Direction::kBoth:
      return "both";
  }
  return "both";
}

nlohmann::json steps_to_json(const Plan& plan, const std::vector<PlanStep>& steps) {
  nlohmann::json list = nlohmann::json::array();
  for (const PlanStep& step : steps) {
    const Schema& schema = plan.schemas[step.schema];
    auto name = [&](int slot) -> std::string {
      if (slot < 0 || slot >= schema.width()) return "";
      const std::string& text = schema.names[slot];
      // Anonymous pattern elements are shown as "_".
      return !text.empty() && text[0] == ' ' ? "_" : text;
    };
    nlohmann::json item{{"operator", step_kind_name(step.kind)}};
    switch (step.kind) {
      case StepKind::kNodeByKey:
        item["anchor"] = "key lookup";
        item["variable"] = name(step.node_slot);
        item["label"] = step.label;
        item["key"] = to_string(*step.value);
        break;
      case StepKind::kNodeByIndex:
        item["anchor"] = "index lookup";
        item["variable"] = name(step.node_slot);
        item["label"] = step.label;
        item["index"] = step.label + "." + step.property;
        item["value"] = to_string(*step.value);
        break;
      case StepKind::kLabelScan:
        item["anchor"] = "label scan";
        item["variable"] = name(step.node_slot);
        item["label"] = step.label;
        break;
      case StepKind::kAllNodesScan:
        item["anchor"] = "all nodes";
        item["variable"] = name(step.node_slot);
        break;
      case StepKind::kRelationshipEnds:
        item["anchor"] = "bound relationship";
        item["variable"] = name(step.node_slot);
        item["relationship"] = name(step.rel_slot);
        item["direction"] = direction_name(step.direction);
        break;
      case StepKind::kExpand:
      case StepKind::kVarLengthExpand:
        item["from"] = name(step.from_slot);
        item["relationship"] = name(step.rel_slot);
        item["to"] = name(step.to_slot);
        item["direction"] = direction_name(step.direction);
        item["types"] = step.rel_type_names;
        if (!step.to_label_names.empty()) item["to_labels"] = step.to_label_names;
        if (step.to_bound) item["into"] = true;
        if (step.rel_bound) item["bound_relationship"] = true;
        if (step.kind == StepKind::kVarLengthExpand) {
          item["min_hops"] = step.min_hops;
          item["max_hops"] = step.max_hops;
          if (step.rel_properties)
            item["relationship_properties"] = to_string(*step.rel_properties);
        }
        break;
      case StepKind::kBuildPath:
        item["variable"] = name(step.path_slot);
        break;
      case StepKind::kFilter:
        item["predicate"] = to_string(*step.predicate);
        break;
      case StepKind::kOptional:
        item["plan"] = steps_to_json(plan, step.inner);
        break;
      case StepKind::kUnwind:
        item["list"] = to_string(*step.value);
        item["variable"] = name(step.to_slot);
        break;
      case StepKind::kProjection:
      case StepKind::kAggregation: {
        nlohmann::json columns = nlohmann::json::array();
        nlohmann::json grouping = nlohmann::json::array();
        for (size_t i = 0; i < step.items.size(); ++i) {
          columns.push_back(step.item_names[i]);
          if (step.kind == StepKind::kAggregation && !step.item_is_aggregate[i]) {
            grouping.push_back(step.item_names[i]);
          }
        }
        item["columns"] = columns;
        if (step.kind == StepKind::kAggregation) {
          item["grouping_keys"] = grouping;
          nlohmann::json aggregates = nlohmann::json::array();
          for (const Expr* aggregate : step.aggregates) aggregates.push_back(to_string(*aggregate));
          item["aggregates"] = aggregates;
        }
        break;
      }
      case StepKind::kStoreCount:
        item["columns"] = step.item_names;
        if (step.count_edges) {
          item["edges"] = step.rel_type_names.empty() ? "any type" : step.rel_type_names[0];
        } else {
          item["nodes"] = step.label.empty() ? "any label" : step.label;
        }
        break;
      case StepKind::kDistinct:
        break;
      case StepKind::kSort: {
        nlohmann::json keys = nlohmann::json::array();
        for (size_t i = 0; i < step.sort_keys.size(); ++i) {
          keys.push_back(to_string(*step.sort_keys[i]) + (step.descending[i] ? " DESC" : " ASC"));
        }
        item["keys"] = keys;
        break;
      }
      case StepKind::kSkip:
      case StepKind::kLimit:
        item["count"] = to_string(*step.value);
        break;
    }
    list.push_back(std::move(item));
  }
  return list;
}

}  // namespace

int Schema::slot_of(const std::string& name) {
  auto [it, inserted] = slots.emplace(name, width());
  if (inserted) names.push_back(name);
  return it->second;
}

int Schema::find(const std::string& name) const {
  auto it = slots.find(name);
  return it == slots.end() ? -1 : it->second;
}

std::string_view step_kind_name(StepKind kind) {
  switch (kind) {
    case StepKind::kNodeByKey:
      return "NodeByKey";
    case StepKind::kNodeByIndex:
      return "NodeByIndex";
    case StepKind::kLabelScan:
      return "LabelScan";
    case StepKind::kAllNodesScan:
      return "AllNodesScan";
    case StepKind::kRelationshipEnds:
      return "RelationshipEnds";
    case StepKind::kExpand:
      return "Expand";
    case StepKind::kVarLengthExpand:
      return "VarLengthExpand";
    case StepKind::kBuildPath:
      return "BuildPath";
    case StepKind::kFilter:
      return "Filter";
    case StepKind::kOptional:
      return "Optional";
    case StepKind::kUnwind:
      return "Unwind";
    case StepKind::kProjection:
      return "Projection";
    case StepKind::kAggregation:
      return "Aggregation";
    case StepKind::kStoreCount:
      return "StoreCount";
    case StepKind::kDistinct:
      return "Distinct";
    case StepKind::kSort:
      return "Sort";
    case StepKind::kSkip:
      return "Skip";
    case StepKind::kLimit:
      return "Limit";
  }
  return "Unknown";
}

nlohmann::json plan_to_json(const Plan& plan) {
  return {{"plan", steps_to_json(plan, plan.steps)}, {"columns", plan.columns}};
}

}  // namespace expgraph::cypher
