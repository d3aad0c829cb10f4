#include "query/cypher/executor.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "query/cypher/aggregate.h"
#include "query/cypher/binder.h"
#include "query/cypher/functions.h"
#include "query/cypher/value_ops.h"

namespace expgraph::cypher {

namespace {

// Shared state of one execution.
struct Context {
  Context(const Plan& plan, GraphAccess& access, const Value::Map& params, QueryBudget& budget)
      : plan(plan), access(access), evaluator(access, params, budget), budget(budget) {}

  bool default_depth_reached = false;  // see ExecutionResult::warnings

  // Called in every loop: the deadline.
  Status tick() { return budget.tick(); }
  // Whether an operator at `position` may stop producing: a LIMIT downstream is satisfied.
  bool stopped(int position) const { return stop_below > position; }

  const Plan& plan;
  GraphAccess& access;
  Evaluator evaluator;
  QueryBudget& budget;
  int stop_below = -1;
};

// What a row held by an operator takes, for the memory budget.
uint64_t row_bytes(const Row& row) {
  uint64_t total = sizeof(Row);
  for (const Value& value : row) total += value_bytes(value);
  return total;
}

// What one buffering operator holds against the budget, so that it can give it all back when
// it lets go of its rows.
class Holding {
 public:
  explicit Holding(QueryBudget& budget) : budget_(budget) {}
  Status hold(int64_t rows, uint64_t bytes) {
    rows_ += rows;
    bytes_ += bytes;
    return budget_.hold(rows, bytes);
  }
  void release(int64_t rows, uint64_t bytes) {
    rows_ -= rows;
    bytes_ -= bytes;
    budget_.release(rows, bytes);
  }
  void release_all() { release(rows_, bytes_); }

 private:
  QueryBudget& budget_;
  int64_t rows_ = 0;
  uint64_t bytes_ = 0;
};

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

// --- Anchors --------------------------------------------------------------------------------

class NodeByKeyOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override {
    auto key = eval(*step_->value, row);
    if (!key.ok()) return key.status();
    if (!key->is_string()) return Status();  // keys are strings: nothing else matches
    auto id = ctx_.access.graph().find_node_id(expgraph::NodeRef{step_->label, key->as_string()});
    if (!id.ok()) return id.status();
    if (!id->has_value()) return Status();
    row[step_->node_slot] = ctx_.access.node_value(**id, step_->label_id);
    return next_->push(row);
  }
};

// The JSON form an indexed property stores for a Cypher value, or null when no stored value
// of that type can equal it.
nlohmann::json index_json(PropertyType type, const Value& value) {
  switch (type) {
    case PropertyType::kInt:
      if (value.is_int()) return value.as_int();
      if (value.is_float() &&
          value.as_float() == static_cast<double>(static_cast<int64_t>(value.as_float()))) {
        return static_cast<int64_t>(value.as_float());
      }
      return nullptr;
    case PropertyType::kFloat:
      if (value.is_number()) return value.as_number();
      return nullptr;
    case PropertyType::kBool:
      if (value.is_bool()) return value.as_bool();
      return nullptr;
    default:
      if (value.is_string()) return value.as_string();
      return nullptr;
  }
}

class NodeByIndexOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override {
    auto value = eval(*step_->value, row);
    if (!value.ok()) return value.status();
    nlohmann::json stored = index_json(step_->property_type, *value);
    auto encoded = keys::encode_index_value(stored);
    if (!encoded) return Status();
    std::string prefix = keys::index_prefix(step_->label_id, step_->property_id, *encoded);
    GraphStore& graph = ctx_.access.graph();
    KvIterator it = graph.storage().scan(Column::kIndex, prefix);
    for (; it.valid() && !stopped(); it.next()) {
      EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
      NodeId id = keys::index_key_node(it.key());
      if (!graph.topology().has_node(id)) continue;
      row[step_->node_slot] = ctx_.access.node_value(id, step_->label_id);
      EXPGRAPH_RETURN_IF_ERROR(next_->push(row));
    }
    return it.status();
  }
};

class LabelScanOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override {
    GraphStore& graph = ctx_.access.graph();
    KvIterator it = graph.storage().scan(Column::kKeys, keys::external_key_prefix(step_->label_id));
    for (; it.valid() && !stopped(); it.next()) {
      EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
      row[step_->node_slot] =
          ctx_.access.node_value(keys::read_u64(it.value(), 0), step_->label_id);
      EXPGRAPH_RETURN_IF_ERROR(next_->push(row));
    }
    return it.status();
  }
};

class AllNodesScanOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override {
    // Copied out of the mirror so that no lock is held while downstream operators run.
    std::vector<std::pair<NodeId, SymbolId>> nodes =
        ctx_.access.graph().topology().read([](const TopologyMirror::Graph& graph) {
          std::vector<std::pair<NodeId, SymbolId>> alive;
          for (NodeId id = 0; id < boost::num_vertices(graph); ++id) {
            if (graph[id].type != 0) alive.emplace_back(id, graph[id].type);
          }
          return alive;
        });
    for (const auto& [id, type] : nodes) {
      if (stopped()) break;
      EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
      row[step_->node_slot] = ctx_.access.node_value(id, type);
      EXPGRAPH_RETURN_IF_ERROR(next_->push(row));
    }
    return Status();
  }
};

// --- Expansion ------------------------------------------------------------------------------

// Shared by single-hop and var-length expansion: which neighbours a hop may take.
class ExpandBase : public Operator {
 public:
  ExpandBase(Context& context, const PlanStep* step) : Operator(context, step) {
    for (SymbolId type : step->rel_types) rel_types_.insert(type);
  }

 protected:
  std::vector<TopologyMirror::Neighbor> hops(NodeId from) const {
    std::optional<SymbolId> only;
    if (rel_types_.size() == 1) only = *rel_types_.begin();
    std::vector<TopologyMirror::Neighbor> all =
        ctx_.access.graph().topology().neighbors(from, step_->direction, only);
    std::vector<TopologyMirror::Neighbor> kept;
    kept.reserve(all.size());
    for (const auto& hop : all) {
      if (rel_types_.size() > 1 && !rel_types_.contains(hop.edge_type)) continue;
      // Undirected: a self-loop is one relationship, listed both as out and in.
      if (step_->direction == expgraph::Direction::kBoth && !hop.outgoing && hop.node == from) {
        continue;
      }
      kept.push_back(hop);
    }
    return kept;
  }

  RelationshipRef relationship(NodeId from, const TopologyMirror::Neighbor& hop) const {
    const std::string& type =
        ctx_.access.graph().symbols().name(SymbolKind::kEdgeType, hop.edge_type);
    return hop.outgoing ? RelationshipRef{from, hop.node, type}
                        : RelationshipRef{hop.node, from, type};
  }

  // Relationship uniqueness within one MATCH.
  bool used_elsewhere(const Row& row, const RelationshipRef& rel) const {
    for (const UniqueRelationship& other : step_->unique_against) {
      const Value& value = row[other.slot];
      if (value.is_relationship() && value.as_relationship() == rel) return true;
      if (value.is_list()) {
        for (const Value& item : value.as_list()) {
          if (item.is_relationship() && item.as_relationship() == rel) return true;
        }
      }
    }
    return false;
  }

  // Whether the far node fits: its labels, and the bound node when expanding into one.
  bool far_end_matches(const Row& row, NodeId node) const {
    if (step_->to_bound) {
      const Value& bound = row[step_->to_slot];
      if (!bound.is_node() || bound.as_node().id != node) return false;
    }
    if (!step_->to_labels.empty()) {
      auto type = ctx_.access.graph().topology().node_type(node);
      for (SymbolId label : step_->to_labels) {
        if (!type || *type != label) return false;
      }
    }
    return true;
  }

  std::unordered_set<SymbolId> rel_types_;
};

class ExpandOp : public ExpandBase {
 public:
  using ExpandBase::ExpandBase;
  Status push(Row& row) override {
    const Value& from = row[step_->from_slot];
    if (!from.is_node()) return Status();  // null from an OPTIONAL MATCH: no expansion
    NodeId from_id = from.as_node().id;
    for (const auto& hop : hops(from_id)) {
      if (stopped()) break;
      EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
      if (!far_end_matches(row, hop.node)) continue;
      RelationshipRef rel = relationship(from_id, hop);
      if (used_elsewhere(row, rel)) continue;
      if (!step_->to_bound) row[step_->to_slot] = type_node(hop.node);
      row[step_->rel_slot] = Value::relationship(rel.src, rel.dst, rel.type);
      EXPGRAPH_RETURN_IF_ERROR(next_->push(row));
    }
    return Status();
  }
};

class VarLengthExpandOp : public ExpandBase {
 public:
  using ExpandBase::ExpandBase;
  Status push(Row& row) override {
    const Value& from = row[step_->from_slot];
    if (!from.is_node()) return Status();
    properties_ = nullptr;
    Value wanted;
    if (step_->rel_properties != nullptr) {
      auto map = eval(*step_->rel_properties, row);
      if (!map.ok()) return map.status();
      wanted = std::move(map).value();
      properties_ = &wanted.as_map();
    }
    path_.clear();
    return visit(row, from.as_node().id);
  }

 private:
  // Depth-first over relationship-unique paths; emits every end at depth min..max.
  Status visit(Row& row, NodeId node) {
    int depth = static_cast<int>(path_.size());
    if (depth >= step_->min_hops && far_end_matches(row, node)) {
      Value::List rels;
      rels.reserve(path_.size());
      for (const RelationshipRef& rel : path_) {
        rels.push_back(Value::relationship(rel.src, rel.dst, rel.type));
      }
      if (step_->backward) std::reverse(rels.begin(), rels.end());
      if (!step_->to_bound) row[step_->to_slot] = type_node(node);
      row[step_->rel_slot] = Value::list(std::move(rels));
      EXPGRAPH_RETURN_IF_ERROR(next_->push(row));
    }
    if (depth >= step_->max_hops) {
      // The user did not ask for this bound; say when it may have cut paths short.
      if (step_->default_max_hops && !ctx_.default_depth_reached && !hops(node).empty()) {
        ctx_.default_depth_reached = true;
      }
      return Status();
    }
    for (const auto& hop : hops(node)) {
      if (stopped()) break;
      EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
      RelationshipRef rel = relationship(node, hop);
      if (std::find(path_.begin(), path_.end(), rel) != path_.end()) continue;
      if (used_elsewhere(row, rel)) continue;
      if (properties_ != nullptr) {
        auto matches = properties_match(rel);
        if (!matches.ok()) return matches.status();
        if (!*matches) continue;
      }
      path_.push_back(rel);
      Status status = visit(row, hop.node);
      path_.pop_back();
      EXPGRAPH_RETURN_IF_ERROR(status);
    }
    return Status();
  }

  Result<bool> properties_match(const RelationshipRef& rel) {
    Value value = Value::relationship(rel.src, rel.dst, rel.type);
    for (const auto& [key, expected] : *properties_) {
      auto actual = ctx_.access.property(value, key);
      if (!actual.ok()) return actual.status();
      if (!is_true(equals(*actual, expected))) return false;
    }
    return true;
  }

  std::vector<RelationshipRef> path_;
  const Value::Map* properties_ = nullptr;
};

class BuildPathOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override {
    const Value& first = row[step_->path_nodes[0]];
    if (!first.is_node()) {
      row[step_->path_slot] = Value::null();
      return next_->push(row);
    }
    PathValue path;
    path.nodes.push_back(first.as_node());
    auto walk = [&](const Value& rel_value) {
      const RelationshipRef& rel = rel_value.as_relationship();
      uint64_t current = path.nodes.back().id;
      uint64_t next = rel.src == current ? rel.dst : rel.src;
      Value node = type_node(next);
      path.relationships.push_back(rel);
      path.nodes.push_back(node.is_node() ? node.as_node() : NodeRef{next, ""});
    };
    for (const UniqueRelationship& rel : step_->path_relationships) {
      const Value& value = row[rel.slot];
      if (value.is_relationship()) {
        walk(value);
      } else if (value.is_list()) {
        for (const Value& item : value.as_list()) walk(item);
      } else {
        row[step_->path_slot] = Value::null();
        return next_->push(row);
      }
    }
    row[step_->path_slot] = Value::path(std::move(path));
    return next_->push(row);
  }
};

// --- Row operators --------------------------------------------------------------------------

class FilterOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override {
    auto keep = ctx_.evaluator.predicate(*step_->predicate, scope(row));
    if (!keep.ok()) return keep.status();
    return *keep ? next_->push(row) : Status();
  }
};

// Forwards rows from an OPTIONAL MATCH's inner pipeline and notes that one arrived.
class OptionalExitOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override {
    found_ = true;
    return target_->push(row);
  }
  Status finish() override { return Status(); }
  bool found_ = false;
  Operator* target_ = nullptr;
};

class OptionalOp : public Operator {
 public:
  OptionalOp(Context& context, const PlanStep* step, Operator* inner, OptionalExitOp* exit,
             std::vector<int> inner_slots)
      : Operator(context, step), inner_(inner), exit_(exit), inner_slots_(std::move(inner_slots)) {}
  Status push(Row& row) override {
    Row input = row;
    exit_->found_ = false;
    exit_->target_ = next_;
    EXPGRAPH_RETURN_IF_ERROR(inner_->push(row));
    if (exit_->found_) return Status();
    for (int slot : inner_slots_) input[slot] = Value::null();
    return next_->push(input);
  }

 private:
  Operator* inner_;
  OptionalExitOp* exit_;
  std::vector<int> inner_slots_;
};

class UnwindOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override {
    auto list = eval(*step_->value, row);
    if (!list.ok()) return list.status();
    if (list->is_null()) return Status();
    if (!list->is_list()) {
      row[step_->to_slot] = *list;
      return next_->push(row);
    }
    Value keep = *list;  // the row slot may be overwritten by downstream operators
    for (const Value& item : keep.as_list()) {
      if (stopped()) break;
      EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
      row[step_->to_slot] = item;
      EXPGRAPH_RETURN_IF_ERROR(next_->push(row));
    }
    return Status();
  }
};

// Evaluates ORDER BY keys into the slots after the output schema's.
Status compute_sort_keys(Context& ctx, const PlanStep& step, Row& out, const Scope* parent) {
  const Schema& output = ctx.plan.schemas[step.output_schema];
  Scope scope{&output, &out, parent};
  for (size_t i = 0; i < step.sort_keys.size(); ++i) {
    auto key = ctx.evaluator.eval(*step.sort_keys[i], scope);
    if (!key.ok()) return key.status();
    out[output.width() + i] = std::move(key).value();
  }
  return Status();
}

class ProjectionOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override {
    const Schema& output = ctx_.plan.schemas[step_->output_schema];
    Row out(output.width() + step_->sort_keys.size());
    for (size_t i = 0; i < step_->items.size(); ++i) {
      auto value = eval(*step_->items[i], row);
      if (!value.ok()) return value.status();
      out[i] = std::move(value).value();
    }
    Scope input = scope(row);
    EXPGRAPH_RETURN_IF_ERROR(compute_sort_keys(ctx_, *step_, out, &input));
    return next_->push(out);
  }
};

class AggregationOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override {
    EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
    Value::List key;
    for (size_t i = 0; i < step_->items.size(); ++i) {
      if (step_->item_is_aggregate[i]) continue;
      auto value = eval(*step_->items[i], row);
      if (!value.ok()) return value.status();
      key.push_back(std::move(value).value());
    }
    Value group_key = Value::list(std::move(key));
    auto it = index_.find(group_key);
    Group* group = nullptr;
    if (it == index_.end()) {
      EXPGRAPH_RETURN_IF_ERROR(holding_.hold(1, value_bytes(group_key) + row_bytes(row)));
      auto created = new_group(group_key, row);
      if (!created.ok()) return created.status();
      index_.emplace(group_key, groups_.size());
      groups_.push_back(std::move(created).value());
      group = &groups_.back();
    } else {
      group = &groups_[it->second];
    }
    for (size_t i = 0; i < step_->aggregates.size(); ++i) {
      const Expr& aggregate = *step_->aggregates[i];
      Value argument;
      if (aggregate.is<FunctionCallExpr>()) {
        auto value = eval(*aggregate.as<FunctionCallExpr>().args[0], row);
        if (!value.ok()) return value.status();
        argument = std::move(value).value();
      }
      Aggregator& aggregator = group->aggregators[i];
      size_t held = aggregator.held_values();
      EXPGRAPH_RETURN_IF_ERROR(aggregator.add(argument));
      // collect() holds its input (a row each, like a sort); DISTINCT holds what it has seen.
      if (aggregator.held_values() > held) {
        bool collect = aggregator.kind() == Aggregator::Kind::kCollect;
        EXPGRAPH_RETURN_IF_ERROR(holding_.hold(collect ? 1 : 0, value_bytes(argument)));
      }
    }
    return Status();
  }

  Status finish() override {
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

 private:
  struct Group {
    Value key;
    Row representative;  // the group's first row: aggregate items may read its variables
    std::vector<Aggregator> aggregators;
  };

  Result<Group> new_group(const Value& key, const Row& row) {
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

  Holding holding_{ctx_.budget};
  std::vector<Group> groups_;  // in first-seen order
  std::unordered_map<Value, size_t, ValueHash, ValueEquivalent> index_;
};

class DistinctOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override {
    Value::List key(row.begin(), row.begin() + step_->distinct_width);
    Value distinct = Value::list(std::move(key));
    uint64_t bytes = value_bytes(distinct);
    if (!seen_.insert(std::move(distinct)).second) return Status();
    EXPGRAPH_RETURN_IF_ERROR(ctx_.budget.hold(1, bytes));
    return next_->push(row);
  }

 private:
  std::unordered_set<Value, ValueHash, ValueEquivalent> seen_;
};

// ORDER BY. Followed by LIMIT k (SKIP s LIMIT k), it keeps only the first k (s + k) rows seen
// so far, in a heap whose top is the last of them: memory in k, not in the input. Ties keep
// their input order (rows are ranked by their keys, then by arrival), as a stable sort does.
class SortOp : public Operator {
 public:
  SortOp(Context& context, const PlanStep* step, std::optional<int64_t> keep)
      : Operator(context, step),
        keep_(keep),
        start_(static_cast<size_t>(context.plan.schemas[step->output_schema].width())) {}

  Status push(Row& row) override {
    EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
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

  Status finish() override {
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

 private:
  struct Entry {
    Row row;
    uint64_t arrival;
    uint64_t bytes;
  };
  // The ORDER BY keys (after the output columns), then arrival: a strict total order.
  struct RanksBefore {
    const SortOp* sort;
    bool operator()(const Entry& a, const Entry& b) const {
      const std::vector<bool>& descending = sort->step_->descending;
      for (size_t i = 0; i < descending.size(); ++i) {
        int order = order_compare(a.row[sort->start_ + i], b.row[sort->start_ + i]);
        if (order != 0) return descending[i] ? order > 0 : order < 0;
      }
      return a.arrival < b.arrival;
    }
  };

  std::optional<int64_t> keep_;  // LIMIT (plus SKIP) after the sort: the rows it may pass on
  size_t start_;                 // where the sort keys begin in a row
  RanksBefore ranks_before_{this};
  Holding holding_{ctx_.budget};
  std::vector<Entry> rows_;
  uint64_t arrivals_ = 0;
};

class SkipOp : public Operator {
 public:
  SkipOp(Context& context, const PlanStep* step, int64_t count)
      : Operator(context, step), remaining_(count) {}
  Status push(Row& row) override {
    if (remaining_ > 0) {
      --remaining_;
      return Status();
    }
    return next_->push(row);
  }

 private:
  int64_t remaining_;
};

class LimitOp : public Operator {
 public:
  LimitOp(Context& context, const PlanStep* step, int64_t count)
      : Operator(context, step), remaining_(count) {}
  Status push(Row& row) override {
    if (remaining_ <= 0) {
      ctx_.stop_below = std::max(ctx_.stop_below, position_);
      return Status();
    }
    --remaining_;
    EXPGRAPH_RETURN_IF_ERROR(next_->push(row));
    // Everything upstream may stop producing now.
    if (remaining_ == 0) ctx_.stop_below = std::max(ctx_.stop_below, position_);
    return Status();
  }

 private:
  int64_t remaining_;
};

// The end of the pipeline: keeps the visible columns and enforces the row limit.
class SinkOp : public Operator {
 public:
  SinkOp(Context& context, size_t width) : Operator(context, nullptr), width_(width) {}
  Status push(Row& row) override {
    if (static_cast<int64_t>(rows.size()) >= ctx_.budget.limits().max_rows) {
      return Status::unprocessable(
          "row_limit_exceeded", "the query returns more than " +
                                    std::to_string(ctx_.budget.limits().max_rows) +
                                    " rows; add LIMIT to the query or raise \"limit\" (at most " +
                                    std::to_string(QueryLimits::kMaxRows) + ")");
    }
    rows.emplace_back(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(width_));
    return ctx_.budget.hold(0, row_bytes(rows.back()));
  }
  Status finish() override { return Status(); }

  std::vector<Row> rows;

 private:
  size_t width_;
};

// The slots a list of steps binds (nulled when an OPTIONAL MATCH finds nothing).
void written_slots(const std::vector<PlanStep>& steps, std::vector<int>& out) {
  for (const PlanStep& step : steps) {
    for (int slot :
         {step.node_slot, step.rel_slot, step.path_slot, step.to_bound ? -1 : step.to_slot}) {
      if (slot >= 0) out.push_back(slot);
    }
    written_slots(step.inner, out);
  }
}

// Builds operators for plan steps and links them into one pipeline.
class PipelineBuilder {
 public:
  explicit PipelineBuilder(Context& context) : ctx_(context) {}

  // Returns the head of the chain for `steps`, ending in `tail`.
  Result<Operator*> build(const std::vector<PlanStep>& steps, Operator* tail) {
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

  Result<int64_t> count(const PlanStep& step) {
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

  // How many rows a sort followed by `after` may pass on: SKIP s LIMIT k lets s + k through,
  // LIMIT k lets k; nullopt without a LIMIT (or when s + k overflows).
  Result<std::optional<int64_t>> sort_keep(std::span<const PlanStep> after) {
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

  // The operator for `step`; `after` are the steps that follow it in its chain.
  Result<Operator*> make(const PlanStep& step, std::span<const PlanStep> after) {
    Operator* op = nullptr;
    switch (step.kind) {
      case StepKind::kNodeByKey:
        op = add<NodeByKeyOp>(ctx_, &step);
        break;
      case StepKind::kNodeByIndex:
        op = add<NodeByIndexOp>(ctx_, &step);
        break;
      case StepKind::kLabelScan:
        op = add<LabelScanOp>(ctx_, &step);
        break;
      case StepKind::kAllNodesScan:
        op = add<AllNodesScanOp>(ctx_, &step);
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

  Context& ctx_;
  int position_ = 0;
};

}  // namespace

Result<ExecutionResult> execute_plan(const Plan& plan, GraphAccess& access,
                                     const Value::Map& params, QueryBudget& budget) {
  Context context(plan, access, params, budget);
  PipelineBuilder builder(context);
  SinkOp sink(context, plan.columns.size());
  auto head = builder.build(plan.steps, &sink);
  if (!head.ok()) return head.status();
  sink.position_ = builder.next_position();
  EXPGRAPH_RETURN_IF_ERROR(budget.check_deadline());

  Row start(plan.schemas[0].width());
  EXPGRAPH_RETURN_IF_ERROR((*head)->push(start));
  EXPGRAPH_RETURN_IF_ERROR((*head)->finish());
  ExecutionResult result;
  result.columns = plan.columns;
  result.rows = std::move(sink.rows);
  if (context.default_depth_reached) {
    result.warnings.push_back(
        "a variable-length pattern without an upper bound stopped at the default depth of " +
        std::to_string(kDefaultMaxVarLengthHops) +
        " hops with edges left to follow, so longer paths may be missing; give an upper bound "
        "(at most " +
        std::to_string(kMaxVarLengthHops) + ") to go deeper");
  }
  return result;
}

}  // namespace expgraph::cypher
