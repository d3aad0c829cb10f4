#include "query/cypher/planner.h"

#include <algorithm>
#include <set>

#include "query/cypher/binder.h"
#include "query/cypher/functions.h"

namespace expgraph::cypher {

namespace {

// Anchor kinds, best first; the value is the selectivity rank.
enum class AnchorKind { kBound = 0, kKey = 1, kIndex = 2, kLabel = 3, kAll = 4 };

struct Conjunct {
  const Expr* expr = nullptr;
  std::set<std::string> variables;
  bool placed = false;
};

struct Anchor {
  AnchorKind kind = AnchorKind::kAll;
  size_t node = 0;               // index in the pattern part
  Conjunct* equality = nullptr;  // kKey / kIndex: the `n.p = value` conjunct
  const Expr* value = nullptr;   // its value side
  std::string property;
};

struct PartState {
  const PatternPart* part = nullptr;
  std::vector<std::string> node_names;
  std::vector<std::string> rel_names;
  bool done = false;
};

void collect_aggregates(const Expr& expr, std::vector<const Expr*>& out) {
  if (expr.is<CountStarExpr>() ||
      (expr.is<FunctionCallExpr>() && is_aggregate_function(expr.as<FunctionCallExpr>().name))) {
    out.push_back(&expr);
    return;
  }
  for_each_child(expr, [&out](const Expr& child) { collect_aggregates(child, out); });
}

// `labels(x) IS NOT NULL` / `type(x) IS NOT NULL`: keeps a row whose value is a node (or a
// relationship), drops null, and is a type_error for anything else. Guards a pattern variable
// that an earlier clause bound to a value not known to be a node (or relationship).
ExprPtr entity_check(const std::string& name, bool node, SourcePosition position) {
  FunctionCallExpr call;
  call.name = node ? "labels" : "type";
  call.args.push_back(make_expr(position, VariableExpr{name}));
  return make_expr(position,
                   UnaryExpr{UnaryOp::kIsNotNull, make_expr(position, std::move(call))});
}

// Property types whose index entries match Cypher equality on a single scalar.
// Dates and date-times are excluded: they are read as temporal values, which compare by time
// (a string side is read as a date), while the index holds their text as written.
bool index_usable(PropertyType type) {
  return type != PropertyType::kStringList && type != PropertyType::kJson &&
         type != PropertyType::kDate && type != PropertyType::kDateTime;
}

class Planner {
 public:
  explicit Planner(const GraphStore& graph) : graph_(graph) { plan_.schemas.emplace_back(); }

  // The plan of `clauses`, whose first row holds `outer_variables` (a subquery's) in that order.
  Result<Plan> plan(const std::vector<Clause>& clauses,
                    const std::vector<std::string>& outer_variables = {}) {
    for (const std::string& name : outer_variables) schema().slot_of(name);
    for (const Clause& clause : clauses) {
      switch (clause.kind()) {
        case ClauseKind::kMatch: {
          const auto& match = clause.as<MatchClause>();
          if (match.optional) {
            PlanStep optional;
            optional.kind = StepKind::kOptional;
            optional.schema = schema_;
            EXPGRAPH_RETURN_IF_ERROR(plan_match(match, optional.inner));
            plan_.steps.push_back(std::move(optional));
          } else {
            EXPGRAPH_RETURN_IF_ERROR(plan_match(match, plan_.steps));
          }
          break;
        }
        case ClauseKind::kUnwind: {
          const auto& unwind = clause.as<UnwindClause>();
          PlanStep step;
          step.kind = StepKind::kUnwind;
          step.schema = schema_;
          step.value = unwind.list.get();
          step.to_slot = schema().slot_of(unwind.variable);
          plan_.steps.push_back(std::move(step));
          break;
        }
        case ClauseKind::kWith: {
          const auto& with = clause.as<WithClause>();
          // An aggregating or DISTINCT WITH filters with the binder's copy of its WHERE.
          plan_projection(with.projection, with.where_over_columns ? with.where_over_columns.get()
                                                                   : with.where.get());
          break;
        }
        case ClauseKind::kReturn:
          plan_.columns = plan_projection(clause.as<ReturnClause>().projection);
          break;
      }
    }
    fold_store_count(plan_.steps);
    return std::move(plan_);
  }

 private:
  Schema& schema() { return plan_.schemas[schema_]; }

  // Whether every item of an Aggregation is count(*) or count(v) (not DISTINCT) of a variable
  // that the steps before it bind and never leave null: then each item is the number of rows
  // reaching the Aggregation.
  static bool counts_rows_only(const PlanStep& aggregation, const Schema& schema,
                               std::initializer_list<int> bound_slots) {
    if (aggregation.items.empty() || !aggregation.sort_keys.empty()) return false;
    for (size_t i = 0; i < aggregation.items.size(); ++i) {
      const Expr& item = *aggregation.items[i];
      if (!aggregation.item_is_aggregate[i]) return false;
      if (item.is<CountStarExpr>()) continue;
      if (!item.is<FunctionCallExpr>()) return false;
      const auto& call = item.as<FunctionCallExpr>();
      if (call.name != "count" || call.distinct || call.args.size() != 1 ||
          !call.args[0]->is<VariableExpr>()) {
        return false;
      }
      int slot = schema.find(call.args[0]->as<VariableExpr>().name);
      if (std::find(bound_slots.begin(), bound_slots.end(), slot) == bound_slots.end() ||
          slot < 0) {
        return false;
      }
    }
    return true;
  }

  // The rule-based choice between a scan and the store's counts: a query that starts with
  // `MATCH (n:Label)` or `MATCH (n)` or `MATCH ()-[r:TYPE]->()` (one direction, no labels, no
  // properties, no WHERE: nothing between the steps) straight into an aggregation of plain
  // counts reads the count the topology mirror keeps instead of producing every row.
  void fold_store_count(std::vector<PlanStep>& steps) {
    if (steps.size() < 2) return;
    const PlanStep& scan = steps[0];
    if (scan.kind != StepKind::kLabelScan && scan.kind != StepKind::kAllNodesScan) return;
    if (steps[1].kind == StepKind::kAggregation) {
      const PlanStep& aggregation = steps[1];
      if (!counts_rows_only(aggregation, plan_.schemas[aggregation.schema], {scan.node_slot})) {
        return;
      }
      PlanStep count = aggregation;
      count.kind = StepKind::kStoreCount;
      count.label = scan.label;
      count.label_id = scan.kind == StepKind::kLabelScan ? scan.label_id : 0;
      steps.erase(steps.begin(), steps.begin() + 2);
      steps.insert(steps.begin(), std::move(count));
      return;
    }
    if (steps.size() < 3 || scan.kind != StepKind::kAllNodesScan) return;
    const PlanStep& expand = steps[1];
    const PlanStep& aggregation = steps[2];
    // Each edge is produced once when expanding every node in one direction (a self-loop too);
    // both directions would produce it twice, except self-loops.
    if (expand.kind != StepKind::kExpand || aggregation.kind != StepKind::kAggregation ||
        expand.to_bound || expand.rel_bound || !expand.to_labels.empty() ||
        expand.rel_types.size() > 1 || expand.direction == expgraph::Direction::kBoth ||
        !expand.unique_against.empty()) {
      return;
    }
    if (!counts_rows_only(aggregation, plan_.schemas[aggregation.schema],
                          {scan.node_slot, expand.rel_slot, expand.to_slot})) {
      return;
    }
    PlanStep count = aggregation;
    count.kind = StepKind::kStoreCount;
    count.count_edges = true;
    count.rel_types = expand.rel_types;
    count.rel_type_names = expand.rel_type_names;
    steps.erase(steps.begin(), steps.begin() + 3);
    steps.insert(steps.begin(), std::move(count));
  }
  bool bound(const std::string& name) { return schema().find(name) >= 0; }

  const Expr* own(ExprPtr expr) {
    plan_.owned.push_back(std::move(expr));
    return plan_.owned.back().get();
  }

  void add_filter(const Expr* predicate, std::vector<PlanStep>& out) {
    PlanStep step;
    step.kind = StepKind::kFilter;
    step.schema = schema_;
    step.predicate = predicate;
    out.push_back(std::move(step));
  }

  // Filters every conjunct whose variables are now all bound.
  void place_ready(std::vector<Conjunct>& conjuncts, std::vector<PlanStep>& out) {
    for (Conjunct& conjunct : conjuncts) {
      if (conjunct.placed) continue;
      bool ready = std::all_of(conjunct.variables.begin(), conjunct.variables.end(),
                               [&](const std::string& name) { return bound(name); });
      if (ready) {
        conjunct.placed = true;
        add_filter(conjunct.expr, out);
      }
    }
  }

  void add_conjunct(std::vector<Conjunct>& conjuncts, const Expr* expr) {
    Conjunct conjunct;
    conjunct.expr = expr;
    collect_variables(*expr, conjunct.variables);
    conjuncts.push_back(std::move(conjunct));
  }

  // `name.property = value` from an inline property map.
  const Expr* property_equality(const std::string& name, const std::string& property,
                                const Expr& value, SourcePosition position) {
    ExprPtr variable = make_expr(position, VariableExpr{name});
    ExprPtr access = make_expr(position, PropertyExpr{std::move(variable), property});
    return own(make_expr(position, BinaryExpr{BinaryOp::kEq, std::move(access), clone(value)}));
  }

  std::string anonymous_name(std::string_view prefix) {
    // The leading space makes it impossible to write in a query, so it never clashes.
    std::string name(1, ' ');
    name.append(prefix);
    name.append(std::to_string(++anonymous_count_));
    return name;
  }

  // The best anchor of one node pattern.
  Anchor node_anchor(const PartState& state, size_t index, std::vector<Conjunct>& conjuncts) {
    Anchor anchor;
    anchor.node = index;
    const std::string& name = state.node_names[index];
    const NodePattern& node = state.part->nodes[index];
    if (bound(name)) {
      anchor.kind = AnchorKind::kBound;
      return anchor;
    }
    if (node.labels.empty()) {
      anchor.kind = AnchorKind::kAll;
      return anchor;
    }
    anchor.kind = AnchorKind::kLabel;
    const NodeType* type = graph_.ontology().node_type(node.labels[0]);
    for (Conjunct& conjunct : conjuncts) {
      if (conjunct.placed || !conjunct.expr->is<BinaryExpr>()) continue;
      const auto& eq = conjunct.expr->as<BinaryExpr>();
      if (eq.op != BinaryOp::kEq) continue;
      for (auto [property_side, value_side] :
           {std::pair{eq.left.get(), eq.right.get()}, std::pair{eq.right.get(), eq.left.get()}}) {
        if (!property_side->is<PropertyExpr>()) continue;
        const auto& property = property_side->as<PropertyExpr>();
        if (!property.object->is<VariableExpr>() ||
            property.object->as<VariableExpr>().name != name) {
          continue;
        }
        std::set<std::string> value_variables;
        collect_variables(*value_side, value_variables);
        bool constant = std::all_of(value_variables.begin(), value_variables.end(),
                                    [&](const std::string& v) { return bound(v); });
        if (!constant) continue;
        AnchorKind kind = AnchorKind::kLabel;
        if (property.key == "key") {
          kind = AnchorKind::kKey;
        } else if (const PropertyDef* def = type->property(property.key);
                   def != nullptr && def->indexed && index_usable(def->type)) {
          kind = AnchorKind::kIndex;
        }
        if (kind < anchor.kind) {
          anchor.kind = kind;
          anchor.equality = &conjunct;
          anchor.value = value_side;
          anchor.property = property.key;
        }
      }
    }
    return anchor;
  }

  Anchor best_anchor(const PartState& state, std::vector<Conjunct>& conjuncts) {
    Anchor best = node_anchor(state, 0, conjuncts);
    for (size_t i = 1; i < state.node_names.size(); ++i) {
      Anchor candidate = node_anchor(state, i, conjuncts);
      if (candidate.kind < best.kind) best = candidate;
    }
    return best;
  }

  void emit_anchor(const PartState& state, const Anchor& anchor, std::vector<PlanStep>& out) {
    const NodePattern& node = state.part->nodes[anchor.node];
    const std::string& name = state.node_names[anchor.node];
    if (anchor.kind == AnchorKind::kBound) {
      if (!node.labels.empty()) {
        ExprPtr variable = make_expr(node.position, VariableExpr{name});
        add_filter(own(make_expr(node.position, LabelsExpr{std::move(variable), node.labels})),
                   out);
      }
      return;
    }
    PlanStep step;
    step.schema = schema_;
    step.node_slot = schema().slot_of(name);
    if (!node.labels.empty()) {
      step.label = node.labels[0];
      step.label_id = *graph_.symbols().find(SymbolKind::kNodeType, step.label);
    }
    switch (anchor.kind) {
      case AnchorKind::kKey:
        step.kind = StepKind::kNodeByKey;
        step.property = "key";
        step.value = anchor.value;
        anchor.equality->placed = true;  // the lookup is exact: no residual filter
        break;
      case AnchorKind::kIndex: {
        step.kind = StepKind::kNodeByIndex;
        step.property = anchor.property;
        step.property_id = *graph_.symbols().find(SymbolKind::kProperty, anchor.property);
        step.property_type =
            graph_.ontology().node_type(step.label)->property(anchor.property)->type;
        step.value = anchor.value;
        // Exact too: the executor converts the value to the property's stored type (floats
        // are stored as floats) and list-typed properties are never index anchors.
        anchor.equality->placed = true;
        break;
      }
      case AnchorKind::kLabel:
        step.kind = StepKind::kLabelScan;
        break;
      default:
        step.kind = StepKind::kAllNodesScan;
        break;
    }
    out.push_back(std::move(step));
    if (node.labels.size() > 1) {
      ExprPtr variable = make_expr(node.position, VariableExpr{name});
      add_filter(own(make_expr(node.position, LabelsExpr{std::move(variable), node.labels})), out);
    }
  }

  void emit_expand(const PartState& state, size_t rel_index, bool forward,
                   std::vector<UniqueRelationship>& match_relationships,
                   std::vector<PlanStep>& out) {
    const RelationshipPattern& rel = state.part->relationships[rel_index];
    size_t from = forward ? rel_index : rel_index + 1;
    size_t to = forward ? rel_index + 1 : rel_index;
    PlanStep step;
    step.kind = rel.length ? StepKind::kVarLengthExpand : StepKind::kExpand;
    step.schema = schema_;
    step.from_slot = schema().find(state.node_names[from]);
    step.to_bound = bound(state.node_names[to]);
    step.to_slot = schema().slot_of(state.node_names[to]);
    step.rel_bound = !rel.length && bound(state.rel_names[rel_index]);
    step.rel_slot = schema().slot_of(state.rel_names[rel_index]);
    step.direction = graph_direction(rel.direction, forward);
    step.backward = !forward;
    for (const std::string& type : rel.types) {
      step.rel_types.push_back(*graph_.symbols().find(SymbolKind::kEdgeType, type));
      step.rel_type_names.push_back(type);
    }
    for (const std::string& label : state.part->nodes[to].labels) {
      step.to_labels.push_back(*graph_.symbols().find(SymbolKind::kNodeType, label));
      step.to_label_names.push_back(label);
    }
    if (rel.length) {
      step.min_hops = static_cast<int>(rel.length->min_hops());
      step.max_hops = static_cast<int>(rel.length->max.value_or(kDefaultMaxVarLengthHops));
      step.default_max_hops = !rel.length->max.has_value();
      step.rel_properties = rel.properties.get();
    }
    step.unique_against = match_relationships;
    match_relationships.push_back(UniqueRelationship{step.rel_slot, rel.length.has_value()});
    out.push_back(std::move(step));
  }

  Status plan_match(const MatchClause& match, std::vector<PlanStep>& out) {
    std::vector<Conjunct> conjuncts;
    if (match.where) {
      std::vector<const Expr*> parts;
      split_and(*match.where, parts);
      for (const Expr* part : parts) add_conjunct(conjuncts, part);
    }
    std::vector<PartState> states;
    for (const PatternPart& part : match.patterns) {
      PartState state;
      state.part = &part;
      for (const NodePattern& node : part.nodes) {
        std::string name = node.variable.empty() ? anonymous_name("node") : node.variable;
        if (node.properties) {
          for (const auto& [key, value] : node.properties->as<MapExpr>().entries) {
            add_conjunct(conjuncts, property_equality(name, key, *value, node.position));
          }
        }
        state.node_names.push_back(std::move(name));
      }
      for (const RelationshipPattern& rel : part.relationships) {
        std::string name = rel.variable.empty() ? anonymous_name("rel") : rel.variable;
        if (rel.properties && !rel.length) {
          for (const auto& [key, value] : rel.properties->as<MapExpr>().entries) {
            add_conjunct(conjuncts, property_equality(name, key, *value, rel.position));
          }
        }
        state.rel_names.push_back(std::move(name));
      }
      states.push_back(std::move(state));
    }

    // Variables bound by earlier clauses to values not known to be nodes (relationships) are
    // checked before they are matched again.
    std::set<std::string> checked;
    for (const PartState& state : states) {
      for (size_t i = 0; i < state.node_names.size(); ++i) {
        const std::string& name = state.node_names[i];
        if (bound(name) && !nodes_.contains(name) && checked.insert(name).second) {
          add_filter(own(entity_check(name, true, state.part->nodes[i].position)), out);
        }
      }
      for (size_t i = 0; i < state.rel_names.size(); ++i) {
        const std::string& name = state.rel_names[i];
        if (bound(name) && !relationships_.contains(name) && checked.insert(name).second) {
          add_filter(own(entity_check(name, false, state.part->relationships[i].position)), out);
        }
      }
    }
    place_ready(conjuncts, out);
    std::vector<UniqueRelationship> match_relationships;
    for (size_t remaining = states.size(); remaining > 0; --remaining) {
      // The next part is the one with the most selective anchor (bound variables first).
      PartState* next = nullptr;
      Anchor next_anchor;
      for (PartState& state : states) {
        if (state.done) continue;
        Anchor anchor = best_anchor(state, conjuncts);
        if (next == nullptr || anchor.kind < next_anchor.kind) {
          next = &state;
          next_anchor = anchor;
        }
      }
      // No bound node but a relationship bound earlier: start from its ends, not a scan.
      bool from_relationship = false;
      if (next_anchor.kind >= AnchorKind::kLabel) {
        for (size_t i = 0; i < next->rel_names.size(); ++i) {
          if (next->part->relationships[i].length || !bound(next->rel_names[i])) continue;
          PlanStep ends;
          ends.kind = StepKind::kRelationshipEnds;
          ends.schema = schema_;
          ends.rel_slot = schema().find(next->rel_names[i]);
          ends.rel_bound = true;  // only read: an OPTIONAL MATCH that finds nothing keeps it
          ends.node_slot = schema().slot_of(next->node_names[i]);
          ends.direction = graph_direction(next->part->relationships[i].direction, true);
          out.push_back(std::move(ends));
          const NodePattern& node = next->part->nodes[i];
          if (!node.labels.empty()) {
            ExprPtr variable = make_expr(node.position, VariableExpr{next->node_names[i]});
            add_filter(own(make_expr(node.position, LabelsExpr{std::move(variable), node.labels})),
                       out);
          }
          next_anchor.node = i;
          from_relationship = true;
          break;
        }
      }
      if (!from_relationship) emit_anchor(*next, next_anchor, out);
      place_ready(conjuncts, out);
      for (size_t i = next_anchor.node; i < next->part->relationships.size(); ++i) {
        emit_expand(*next, i, true, match_relationships, out);
        place_ready(conjuncts, out);
      }
      for (size_t i = next_anchor.node; i > 0; --i) {
        emit_expand(*next, i - 1, false, match_relationships, out);
        place_ready(conjuncts, out);
      }
      if (!next->part->path_variable.empty()) {
        PlanStep path;
        path.kind = StepKind::kBuildPath;
        path.schema = schema_;
        for (const std::string& name : next->node_names) {
          path.path_nodes.push_back(schema().find(name));
        }
        for (size_t i = 0; i < next->rel_names.size(); ++i) {
          path.path_relationships.push_back(UniqueRelationship{
              schema().find(next->rel_names[i]), next->part->relationships[i].length.has_value()});
        }
        path.path_slot = schema().slot_of(next->part->path_variable);
        out.push_back(std::move(path));
        place_ready(conjuncts, out);
      }
      next->done = true;
      for (const std::string& name : next->node_names) nodes_.insert(name);
      for (size_t i = 0; i < next->rel_names.size(); ++i) {
        if (!next->part->relationships[i].length) relationships_.insert(next->rel_names[i]);
      }
    }
    place_ready(conjuncts, out);
    return Status();
  }

  // Plans WITH / RETURN (and the WHERE of a WITH); returns the column names.
  std::vector<std::string> plan_projection(const Projection& projection,
                                           const Expr* where = nullptr) {
    int input = schema_;
    std::set<std::string> input_nodes = std::move(nodes_);
    std::set<std::string> input_relationships = std::move(relationships_);
    nodes_.clear();
    relationships_.clear();
    std::vector<const Expr*> items;
    std::vector<std::string> names;
    if (projection.star) {
      std::vector<std::string> visible;
      for (const std::string& name : schema().names) {
        if (!name.empty() && name[0] != ' ') visible.push_back(name);
      }
      std::sort(visible.begin(), visible.end());
      for (const std::string& name : visible) {
        items.push_back(own(make_expr(SourcePosition{}, VariableExpr{name})));
        names.push_back(name);
      }
    }
    bool aggregating = false;
    for (const ProjectionItem& item : projection.items) {
      items.push_back(item.expr.get());
      names.push_back(item.name);
      aggregating = aggregating || contains_aggregate(*item.expr);
    }
    for (size_t i = 0; i < items.size(); ++i) {
      if (!items[i]->is<VariableExpr>()) continue;
      const std::string& source = items[i]->as<VariableExpr>().name;
      if (input_nodes.contains(source)) nodes_.insert(names[i]);
      if (input_relationships.contains(source)) relationships_.insert(names[i]);
    }
    size_t visible_items = items.size();
    // The WHERE of a WITH may read variables from before the projection (binder): they are
    // carried as hidden columns, named so that no query can write them.
    const Expr* filter = where;  // after DISTINCT or an aggregation it reads columns only
    if (where != nullptr && !aggregating && !projection.distinct) {
      std::set<std::string> read;
      collect_variables(*where, read);
      std::vector<const Expr*> hidden;
      std::vector<std::string> hidden_names;
      for (const std::string& name : read) {
        bool projected = std::find(names.begin(), names.end(), name) != names.end();
        if (projected || schema().find(name) < 0) continue;
        hidden.push_back(own(make_expr(where->position, VariableExpr{name})));
        hidden_names.push_back(" with." + name);
      }
      if (!hidden.empty()) {
        filter = own(substitute_items(*where, hidden, hidden_names));
        items.insert(items.end(), hidden.begin(), hidden.end());
        names.insert(names.end(), hidden_names.begin(), hidden_names.end());
      }
    }
    plan_.schemas.emplace_back();
    int output = static_cast<int>(plan_.schemas.size()) - 1;
    for (const std::string& name : names) plan_.schemas[output].slot_of(name);

    PlanStep step;
    step.kind = aggregating ? StepKind::kAggregation : StepKind::kProjection;
    step.schema = input;
    step.output_schema = output;
    step.items = items;
    step.item_names = names;
    for (const Expr* item : items) {
      bool aggregate = contains_aggregate(*item);
      step.item_is_aggregate.push_back(aggregate);
      if (aggregate) collect_aggregates(*item, step.aggregates);
    }
    // A part of an ORDER BY key written like a projected expression reads that column; after
    // an aggregation, the aggregates left in the keys are computed per group as well.
    std::vector<const Expr*> visible(items.begin(), items.begin() + visible_items);
    std::vector<std::string> visible_names(names.begin(), names.begin() + visible_items);
    for (const SortItem& sort : projection.order_by) {
      const Expr* key = own(substitute_items(*sort.expr, visible, visible_names));
      if (aggregating) collect_aggregates(*key, step.aggregates);
      step.sort_keys.push_back(key);
      step.descending.push_back(sort.descending);
    }
    plan_.steps.push_back(std::move(step));
    schema_ = output;

    if (projection.distinct) {
      PlanStep distinct;
      distinct.kind = StepKind::kDistinct;
      distinct.schema = output;
      distinct.output_schema = output;
      distinct.distinct_width = static_cast<int>(visible_items);
      plan_.steps.push_back(std::move(distinct));
    }
    if (!projection.order_by.empty()) {
      PlanStep sort;
      sort.kind = StepKind::kSort;
      sort.schema = output;
      sort.output_schema = output;
      for (const SortItem& item : projection.order_by) {
        sort.sort_keys.push_back(item.expr.get());
        sort.descending.push_back(item.descending);
      }
      plan_.steps.push_back(std::move(sort));
    }
    for (auto [expr, kind] : {std::pair{projection.skip.get(), StepKind::kSkip},
                              std::pair{projection.limit.get(), StepKind::kLimit}}) {
      if (expr == nullptr) continue;
      PlanStep count;
      count.kind = kind;
      count.schema = output;
      count.value = expr;
      plan_.steps.push_back(std::move(count));
    }
    if (filter != nullptr) add_filter(filter, plan_.steps);
    names.resize(visible_items);
    return names;
  }

  const GraphStore& graph_;
  Plan plan_;
  int schema_ = 0;
  // Variables of the current schema known to hold nodes (relationships): bound by a pattern,
  // or passed on as they are by a projection. Others used as pattern endpoints get a check.
  std::set<std::string> nodes_;
  std::set<std::string> relationships_;
  int anonymous_count_ = 0;
};

}  // namespace

Result<Plan> plan_query(const Query& query, const GraphStore& graph) {
  return Planner(graph).plan(query.clauses);
}

Result<Plan> plan_subquery(const PatternExpr& subquery, const GraphStore& graph) {
  return Planner(graph).plan(subquery.body, subquery.outer_variables);
}

}  // namespace expgraph::cypher
