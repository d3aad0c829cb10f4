#include "query/cypher/binder.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "query/cypher/functions.h"
#include "query/cypher/static_types.h"

namespace expgraph::cypher {

namespace {

// kValue may hold a node or relationship at run time (`WITH coalesce(a, b) AS x`); kPlainValue
// never can (`WITH [n] AS users`, `WITH 1 AS x`), so matching it as a node is refused up front.
enum class VarKind { kNode, kRelationship, kRelationshipList, kPath, kValue, kPlainValue };

std::string_view kind_name(VarKind kind) {
  switch (kind) {
    case VarKind::kNode:
      return "a node";
    case VarKind::kRelationship:
      return "a relationship";
    case VarKind::kRelationshipList:
      return "a list of relationships";
    case VarKind::kPath:
      return "a path";
    case VarKind::kValue:
      return "a value";
    case VarKind::kPlainValue:
      return "a value that is not a node or relationship";
  }
  return "a value";
}

// True when the expression can never evaluate to a node or relationship: a non-null literal, a
// list or map literal, an operator (none yields an entity: `[n] + [m]` is a list) or a
// comprehension. Properties, indexes, CASE and function calls may (`{a: n}.a`, `head(ns)`).
bool is_plain_value(const Expr& expr) {
  switch (expr.kind()) {
    case ExprKind::kLiteral:
      return !expr.as<LiteralExpr>().value.is_null();
    case ExprKind::kList:
    case ExprKind::kMap:
    case ExprKind::kUnary:
    case ExprKind::kBinary:
    case ExprKind::kLabels:
    case ExprKind::kListComprehension:
    case ExprKind::kQuantifier:
    case ExprKind::kCountStar:
      return true;
    default:
      return false;
  }
}

using Scope = std::map<std::string, VarKind, std::less<>>;

bool is_aggregate_call(const Expr& expr) {
  return expr.is<CountStarExpr>() ||
         (expr.is<FunctionCallExpr>() && is_aggregate_function(expr.as<FunctionCallExpr>().name));
}

// The names a scoped expression (comprehension, quantifier, reduce, pattern) makes visible to
// its inner parts.
std::vector<std::string> local_names(const Expr& expr) {
  if (expr.is<ListComprehensionExpr>()) return {expr.as<ListComprehensionExpr>().variable};
  if (expr.is<QuantifierExpr>()) return {expr.as<QuantifierExpr>().variable};
  if (expr.is<ReduceExpr>()) {
    return {expr.as<ReduceExpr>().accumulator, expr.as<ReduceExpr>().variable};
  }
  std::vector<std::string> names;
  if (expr.is<PatternExpr>()) {
    for (const PatternPart& part : expr.as<PatternExpr>().patterns) {
      if (!part.path_variable.empty()) names.push_back(part.path_variable);
      for (const NodePattern& node : part.nodes) names.push_back(node.variable);
      for (const RelationshipPattern& rel : part.relationships) names.push_back(rel.variable);
    }
  }
  return names;
}

bool contains_pattern(const Expr& expr) {
  if (expr.is<PatternExpr>()) return true;
  bool found = false;
  for_each_child(expr, [&found](const Expr& child) { found = found || contains_pattern(child); });
  return found;
}

// A grouping key that an aggregating item may read inside its expression: a variable or a
// property of one (`n`, `n.name`). openCypher rejects reusing a larger grouping expression
// (`RETURN a.x + b.y, a.x + b.y + count(*)`) as ambiguous.
// Whether the expression calls rand(), whose value differs at each call.
bool contains_rand(const Expr& expr) {
  if (expr.is<FunctionCallExpr>()) {
    std::string name = expr.as<FunctionCallExpr>().name;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "rand") return true;
  }
  bool found = false;
  for_each_child(expr, [&found](const Expr& child) { found = found || contains_rand(child); });
  return found;
}

bool is_simple_grouping_key(const Expr& expr) {
  if (expr.is<VariableExpr>()) return true;
  return expr.is<PropertyExpr>() && is_simple_grouping_key(*expr.as<PropertyExpr>().object);
}

// In a projection that aggregates, what an item reads outside its aggregates must be a grouping
// key (an item without aggregates, compared as written) or built from one: otherwise no single
// value of it belongs to the group, and openCypher rejects the query.
Status check_grouped(const Expr& expr, const std::set<std::string>& grouping_keys,
                     const std::set<std::string>& locals = {}, bool top = true) {
  if (is_aggregate_call(expr)) return Status();
  if ((top || is_simple_grouping_key(expr)) && grouping_keys.contains(to_string(expr))) {
    return Status();
  }
  if (expr.is<VariableExpr>()) {
    const std::string& name = expr.as<VariableExpr>().name;
    if (locals.contains(name)) return Status();
    return query_error("invalid_aggregation",
                       "'" + name +
                           "' is read next to an aggregate but is not a grouping key: "
                           "project it (or the expression using it) as its own item; a grouping "
                           "key used inside an aggregating item must be a variable or a property "
                           "of one, else the expression is ambiguous",
                       expr.position);
  }
  if (expr.is<PatternExpr>() && expr.as<PatternExpr>().is_subquery()) {
    // A subquery reads its outer variables from the group's row, as a variable would.
    for (const std::string& name : expr.as<PatternExpr>().outer_variables) {
      EXPGRAPH_RETURN_IF_ERROR(check_grouped(*make_expr(expr.position, VariableExpr{name}),
                                             grouping_keys, locals, false));
    }
    return Status();
  }
  std::set<std::string> inner = locals;
  for (const std::string& name : local_names(expr)) {
    if (!name.empty()) inner.insert(name);
  }
  Status status;
  for_each_child(expr, [&](const Expr& child) {
    if (status.ok()) status = check_grouped(child, grouping_keys, inner, false);
  });
  return status;
}

class Binder {
 public:
  explicit Binder(const Ontology& ontology) : ontology_(ontology) {}

  Status bind(const Query& query) { return bind_clauses(query.clauses); }

 private:
  // The clauses of a query, or of a subquery whose binder starts from the enclosing scope.
  Status bind_clauses(const std::vector<Clause>& clauses) {
    for (const Clause& clause : clauses) {
      switch (clause.kind()) {
        case ClauseKind::kMatch:
          EXPGRAPH_RETURN_IF_ERROR(bind_match(clause.as<MatchClause>()));
          break;
        case ClauseKind::kUnwind: {
          const auto& unwind = clause.as<UnwindClause>();
          EXPGRAPH_RETURN_IF_ERROR(check_expr(*unwind.list, scope_, false, "UNWIND"));
          EXPGRAPH_RETURN_IF_ERROR(check_static_types(*unwind.list, static_types_of(scope_)));
          if (scope_.contains(unwind.variable)) {
            return query_error("variable_already_bound",
                               "variable '" + unwind.variable + "' is already bound",
                               clause.position);
          }
          scope_[unwind.variable] = VarKind::kValue;
          value_types_.erase(unwind.variable);
          break;
        }
        case ClauseKind::kWith: {
          const auto& with = clause.as<WithClause>();
          EXPGRAPH_RETURN_IF_ERROR(bind_projection(with.projection, clause.position, true));
          // Like ORDER BY, the WHERE of a WITH also sees the variables before it unless the
          // projection aggregates or is DISTINCT.
          if (with.where) {
            // After DISTINCT or an aggregation, a part written like a grouping item reads its
            // column, as in ORDER BY: `WITH DISTINCT a.name AS name WHERE a.name = 'B'`. The
            // planner filters with this copy, so it is the one checked (and whose patterns
            // learn their outer variables).
            with.where_over_columns = where_reading_columns(with.projection, *with.where);
            const Expr& filter = with.where_over_columns ? *with.where_over_columns : *with.where;
            EXPGRAPH_RETURN_IF_ERROR(
                check_expr(filter, visible_after_projection_, false, "WHERE"));
            EXPGRAPH_RETURN_IF_ERROR(check_predicate_types(*with.where, visible_types_));
            EXPGRAPH_RETURN_IF_ERROR(check_patterns_read_projection(*with.where));
          }
          break;
        }
        case ClauseKind::kReturn:
          EXPGRAPH_RETURN_IF_ERROR(
              bind_projection(clause.as<ReturnClause>().projection, clause.position, false));
          break;
      }
    }
    return Status();
  }

  // Declares a pattern variable of this MATCH. A name bound by an earlier clause is matched
  // again: a node or a relationship, or a value (from WITH, UNWIND or a function) that must be
  // one at run time. Within one MATCH a relationship or path variable may appear only once.
  Status declare(const std::string& name, VarKind kind, SourcePosition position, Scope& scope) {
    if (name.empty()) return Status();
    auto it = scope.find(name);
    if (it == scope.end()) {
      scope.emplace(name, kind);
      declared_here_.insert(name);
      return Status();
    }
    bool earlier = !declared_here_.contains(name);
    if (earlier && it->second == VarKind::kValue &&
        (kind == VarKind::kNode || kind == VarKind::kRelationship)) {
      it->second = kind;
      declared_here_.insert(name);
      return Status();
    }
    if (it->second != kind) {
      return query_error("variable_type_conflict",
                         "variable '" + name + "' is " + std::string(kind_name(it->second)) +
                             " and cannot be used as " + std::string(kind_name(kind)),
                         position);
    }
    if (kind == VarKind::kRelationship && earlier) {
      declared_here_.insert(name);
      return Status();
    }
    if (kind == VarKind::kRelationshipList && earlier) {
      return query_error("unsupported_construct",
                         "a variable-length relationship list '" + name +
                             "' bound by an earlier clause cannot be matched again",
                         position);
    }
    if (kind == VarKind::kRelationship || kind == VarKind::kRelationshipList ||
        kind == VarKind::kPath) {
      return query_error("variable_already_bound",
                         "relationship or path variable '" + name + "' is already bound", position);
    }
    return Status();
  }

  Status check_var_length(const RelationshipPattern& rel) {
    if (!rel.length) return Status();
    int64_t min = rel.length->min_hops();
    // A maximum below the minimum (*2..1, *..0) is an empty range: it matches nothing.
    if (min < 0) return query_error("invalid_var_length", "invalid var-length bounds", rel.position);
    if (min > kMaxVarLengthHops || (rel.length->max && *rel.length->max > kMaxVarLengthHops)) {
      return query_error("invalid_var_length",
                         "var-length patterns may span at most " +
                             std::to_string(kMaxVarLengthHops) + " hops",
                         rel.position);
    }
    // Without an upper bound the pattern stops at the default depth, which would leave
    // nothing to match above this minimum.
    if (!rel.length->max && min > kDefaultMaxVarLengthHops) {
      return query_error("invalid_var_length",
                         "a var-length pattern without an upper bound stops at " +
                             std::to_string(kDefaultMaxVarLengthHops) +
                             " hops, below its minimum of " + std::to_string(min) +
                             "; give an upper bound, e.g. *" + std::to_string(min) + ".." +
                             std::to_string(kMaxVarLengthHops),
                         rel.position);
    }
    return Status();
  }

  Status check_types(const RelationshipPattern& rel) {
    for (const std::string& type : rel.types) {
      if (ontology_.edge_type(type) == nullptr) {
        return query_error(
            "unknown_relationship_type",
            "unknown relationship type '" + type + "': types are the ontology's edge types",
            rel.position);
      }
    }
    return Status();
  }

  Status check_labels(const std::vector<std::string>& labels, SourcePosition position) {
    for (const std::string& label : labels) {
      if (ontology_.node_type(label) == nullptr) {
        return query_error("unknown_label",
                           "unknown label '" + label + "': labels are the ontology's node types",
                           position);
      }
    }
    return Status();
  }

  Status check_pattern_properties(const Expr* properties, const Scope& scope) {
    if (properties == nullptr) return Status();
    if (!properties->is<MapExpr>()) {
      return query_error("unsupported_construct",
                         "a property map in a pattern must be a literal map {key: value}",
                         properties->position);
    }
    return check_expr(*properties, scope, false, "a pattern");
  }

  Status bind_match(const MatchClause& match) {
    Scope inner = scope_;
    declared_here_.clear();
    for (const PatternPart& part : match.patterns) {
      for (const NodePattern& node : part.nodes) {
        EXPGRAPH_RETURN_IF_ERROR(check_labels(node.labels, node.position));
        EXPGRAPH_RETURN_IF_ERROR(declare(node.variable, VarKind::kNode, node.position, inner));
      }
      for (const RelationshipPattern& rel : part.relationships) {
        EXPGRAPH_RETURN_IF_ERROR(check_types(rel));
        EXPGRAPH_RETURN_IF_ERROR(check_var_length(rel));
        EXPGRAPH_RETURN_IF_ERROR(
            declare(rel.variable, rel.length ? VarKind::kRelationshipList : VarKind::kRelationship,
                    rel.position, inner));
      }
      if (!part.path_variable.empty()) {
        EXPGRAPH_RETURN_IF_ERROR(declare(part.path_variable, VarKind::kPath, part.position, inner));
      }
    }
    // Property maps may refer to variables bound anywhere in this MATCH (or before).
    for (const PatternPart& part : match.patterns) {
      for (const NodePattern& node : part.nodes) {
        EXPGRAPH_RETURN_IF_ERROR(check_pattern_properties(node.properties.get(), inner));
      }
      for (const RelationshipPattern& rel : part.relationships) {
        EXPGRAPH_RETURN_IF_ERROR(check_pattern_properties(rel.properties.get(), inner));
      }
    }
    if (match.where) {
      EXPGRAPH_RETURN_IF_ERROR(check_expr(*match.where, inner, false, "WHERE"));
      EXPGRAPH_RETURN_IF_ERROR(check_predicate_types(*match.where, static_types_of(inner)));
    }
    scope_ = std::move(inner);
    return Status();
  }

  Status bind_projection(const Projection& projection, SourcePosition position, bool is_with) {
    Scope next;
    StaticTypes before = static_types_of(scope_);
    StaticTypes next_types;
    bool aggregating = false;
    std::vector<std::string> names;
    if (projection.star) {
      for (const auto& [name, kind] : scope_) {
        next[name] = kind;
        names.push_back(name);
      }
      next_types = before;
      if (names.empty()) {
        return query_error("unsupported_construct",
                           "RETURN * / WITH * needs at least one variable in scope", position);
      }
    }
    for (const ProjectionItem& item : projection.items) {
      EXPGRAPH_RETURN_IF_ERROR(check_expr(*item.expr, scope_, true, "a projection"));
      EXPGRAPH_RETURN_IF_ERROR(check_static_types(*item.expr, before));
      if (contains_aggregate(*item.expr)) aggregating = true;
      bool is_variable = item.expr->is<VariableExpr>();
      if (is_with && !item.has_alias && !is_variable) {
        return query_error("expression_requires_alias",
                           "expression '" + item.name + "' in WITH must be aliased (AS name)",
                           item.position);
      }
      for (const std::string& existing : names) {
        if (existing == item.name) {
          return query_error("duplicate_column", "column name '" + item.name + "' appears twice",
                             item.position);
        }
      }
      names.push_back(item.name);
      VarKind kind = is_plain_value(*item.expr) ? VarKind::kPlainValue : VarKind::kValue;
      if (is_variable) {
        auto it = scope_.find(item.expr->as<VariableExpr>().name);
        if (it != scope_.end()) kind = it->second;
      }
      next[item.name] = kind;
      StaticType type = static_type(*item.expr, before);
      if (type == StaticType::kUnknown) {
        next_types.erase(item.name);
      } else {
        next_types[item.name] = type;
      }
    }
    if (aggregating) {
      std::set<std::string> grouping_keys;
      if (projection.star) {
        // As to_string writes a variable (a reserved word comes back-quoted).
        for (const auto& [name, kind] : scope_) {
          grouping_keys.insert(to_string(*make_expr(SourcePosition{}, VariableExpr{name})));
        }
      }
      for (const ProjectionItem& item : projection.items) {
        if (!contains_aggregate(*item.expr)) grouping_keys.insert(to_string(*item.expr));
      }
      for (const ProjectionItem& item : projection.items) {
        EXPGRAPH_RETURN_IF_ERROR(check_grouped(*item.expr, grouping_keys));
      }
    }
    // ORDER BY sees the projected names, and the earlier variables unless the projection
    // aggregates or is DISTINCT (then only what was projected exists). A part of a key written
    // like a projected item reads that column, so `RETURN a.name, count(*) ORDER BY
    // a.name + 'C'` works; after an aggregation, new aggregates may appear in the keys.
    Scope order_scope = next;
    StaticTypes order_types = next_types;
    if (!aggregating && !projection.distinct) {
      for (const auto& [name, kind] : scope_) {
        if (order_scope.emplace(name, kind).second && before.contains(name)) {
          order_types[name] = before.at(name);
        }
      }
    }
    std::vector<const Expr*> item_exprs;
    for (const ProjectionItem& item : projection.items) item_exprs.push_back(item.expr.get());
    for (const SortItem& item : projection.order_by) {
      ExprPtr key = substitute_items(*item.expr, item_exprs, names_without_star(projection));
      if (contains_pattern(*item.expr)) {
        // The planner substitutes the key again from the original, whose patterns must be
        // resolved themselves (check_pattern records their outer variables).
        if (aggregating) {
          return query_error("unsupported_construct",
                             "a pattern expression in ORDER BY after an aggregation; project it "
                             "in a WITH first",
                             item.expr->position);
        }
        EXPGRAPH_RETURN_IF_ERROR(check_expr(*item.expr, order_scope, false, "ORDER BY"));
      }
      if (aggregating) {
        if (contains_aggregate(*item.expr) && !is_aggregate_call(*item.expr)) {
          EXPGRAPH_RETURN_IF_ERROR(check_unambiguous_sort_key(*item.expr, item_exprs));
        }
        EXPGRAPH_RETURN_IF_ERROR(check_sort_key_after_aggregation(*key, order_scope));
      } else {
        EXPGRAPH_RETURN_IF_ERROR(check_expr(*key, order_scope, false, "ORDER BY"));
        EXPGRAPH_RETURN_IF_ERROR(check_static_types(*item.expr, order_types));
      }
    }
    visible_after_projection_ = order_scope;
    visible_types_ = std::move(order_types);
    before_projection_ = scope_;
    for (const Expr* count : {projection.skip.get(), projection.limit.get()}) {
      if (count != nullptr) {
        EXPGRAPH_RETURN_IF_ERROR(check_expr(*count, Scope(), false, "SKIP / LIMIT"));
      }
    }
    scope_ = std::move(next);
    value_types_.clear();
    for (const auto& [name, type] : next_types) {
      VarKind kind = scope_.at(name);
      if (kind == VarKind::kValue || kind == VarKind::kPlainValue) value_types_[name] = type;
    }
    return Status();
  }

  // The sure types of the variables in `scope`: graph variables by their kind, values by what a
  // WITH bound them to (value_types_).
  StaticTypes static_types_of(const Scope& scope) const {
    StaticTypes types;
    for (const auto& [name, kind] : scope) {
      switch (kind) {
        case VarKind::kNode:
          types[name] = StaticType::kNode;
          break;
        case VarKind::kRelationship:
          types[name] = StaticType::kRelationship;
          break;
        case VarKind::kRelationshipList:
          types[name] = StaticType::kList;
          break;
        case VarKind::kPath:
          types[name] = StaticType::kPath;
          break;
        case VarKind::kValue:
        case VarKind::kPlainValue:
          if (auto it = value_types_.find(name); it != value_types_.end()) {
            types[name] = it->second;
          }
          break;
      }
    }
    return types;
  }

  static Status check_predicate_types(const Expr& where, const StaticTypes& types) {
    EXPGRAPH_RETURN_IF_ERROR(check_static_types(where, types));
    return check_static_predicate(where, types);
  }

  // The planner carries earlier variables that a WITH's WHERE reads as hidden columns under
  // other names; a pattern inside it reads its variables by name, so they must be projected.
  // `inner` holds the names that enclosing comprehensions and patterns (a subquery's earlier
  // clauses among them) declare: a pattern reading one of those reads no column.
  Status check_patterns_read_projection(const Expr& expr, const std::set<std::string>& inner = {}) {
    if (expr.is<PatternExpr>()) {
      for (const std::string& name : expr.as<PatternExpr>().outer_variables) {
        if (!scope_.contains(name) && !inner.contains(name)) {
          return query_error("unsupported_construct",
                             "a pattern in the WHERE of a WITH reads '" + name +
                                 "', which the WITH does not project: project it (WITH " + name +
                                 ", ...)",
                             expr.position);
        }
      }
    }
    std::set<std::string> names = inner;
    for (const std::string& name : local_names(expr)) names.insert(name);
    Status status;
    for_each_child(expr, [&](const Expr& child) {
      if (status.ok()) status = check_patterns_read_projection(child, names);
    });
    return status;
  }

  static std::vector<std::string> names_without_star(const Projection& projection) {
    std::vector<std::string> names;
    for (const ProjectionItem& item : projection.items) names.push_back(item.name);
    return names;
  }

  // A sort key that holds an aggregate may read a projected grouping expression next to it only
  // when that expression is a variable or a property of one, as in a projection (check_grouped):
  // `RETURN me.age + you.age, count(*) ORDER BY me.age + you.age + count(*)` is ambiguous.
  static Status check_unambiguous_sort_key(const Expr& expr, const std::vector<const Expr*>& items) {
    if (is_aggregate_call(expr)) return Status();
    if (!is_simple_grouping_key(expr) && !contains_aggregate(expr)) {
      std::string text = to_string(expr);
      for (const Expr* item : items) {
        if (!contains_aggregate(*item) && to_string(*item) == text) {
          return query_error("invalid_aggregation",
                             "ORDER BY reads the grouping expression '" + text +
                                 "' next to an aggregate: only a variable or a property of one "
                                 "may be, else the expression is ambiguous; sort by its alias",
                             expr.position);
        }
      }
    }
    Status status;
    for_each_child(expr, [&](const Expr& child) {
      if (status.ok()) status = check_unambiguous_sort_key(child, items);
    });
    return status;
  }

  // After an aggregation a sort key reads the output columns, outside its aggregates, and the
  // variables before the projection inside them.
  Status check_sort_key_after_aggregation(const Expr& key, const Scope& columns) {
    if (is_aggregate_call(key)) return check_expr(key, scope_, true, "ORDER BY");
    if (!contains_aggregate(key)) return check_expr(key, columns, false, "ORDER BY");
    if (key.is<VariableExpr>()) return check_expr(key, columns, false, "ORDER BY");
    Status status;
    for_each_child(key, [&](const Expr& child) {
      if (status.ok()) status = check_sort_key_after_aggregation(child, columns);
    });
    return status;
  }

  // Checks variables, functions and aggregate placement inside one expression.
  Status check_expr(const Expr& expr, const Scope& scope, bool aggregates_allowed,
                    std::string_view where, bool inside_aggregate = false) {
    auto recurse = [&](const Expr& child) {
      return check_expr(child, scope, aggregates_allowed, where, inside_aggregate);
    };
    switch (expr.kind()) {
      case ExprKind::kLiteral:
      case ExprKind::kParameter:
        return Status();
      case ExprKind::kVariable: {
        const std::string& name = expr.as<VariableExpr>().name;
        if (!scope.contains(name)) {
          return query_error("unknown_variable", "variable '" + name + "' is not defined",
                             expr.position);
        }
        return Status();
      }
      case ExprKind::kProperty: {
        const Expr& object = *expr.as<PropertyExpr>().object;
        if (object.is<VariableExpr>()) {
          auto it = scope.find(object.as<VariableExpr>().name);
          if (it != scope.end() &&
              (it->second == VarKind::kPath || it->second == VarKind::kRelationshipList)) {
            return query_error("type_error",
                               "'" + to_string(expr) + "' reads a property of " +
                                   std::string(kind_name(it->second)) +
                                   ", which has none (use nodes(), relationships() or a list "
                                   "comprehension)",
                               expr.position);
          }
        }
        return recurse(object);
      }
      case ExprKind::kLabels:
        EXPGRAPH_RETURN_IF_ERROR(check_labels_or_types(expr.as<LabelsExpr>(), expr.position));
        return recurse(*expr.as<LabelsExpr>().object);
      case ExprKind::kList:
        for (const ExprPtr& item : expr.as<ListExpr>().items)
          EXPGRAPH_RETURN_IF_ERROR(recurse(*item));
        return Status();
      case ExprKind::kMap:
        for (const auto& [key, value] : expr.as<MapExpr>().entries) {
          EXPGRAPH_RETURN_IF_ERROR(recurse(*value));
        }
        return Status();
      case ExprKind::kIndex:
        EXPGRAPH_RETURN_IF_ERROR(recurse(*expr.as<IndexExpr>().container));
        return recurse(*expr.as<IndexExpr>().index);
      case ExprKind::kSlice: {
        const auto& slice = expr.as<SliceExpr>();
        EXPGRAPH_RETURN_IF_ERROR(recurse(*slice.list));
        if (slice.from) EXPGRAPH_RETURN_IF_ERROR(recurse(*slice.from));
        if (slice.to) EXPGRAPH_RETURN_IF_ERROR(recurse(*slice.to));
        return Status();
      }
      case ExprKind::kUnary:
        return recurse(*expr.as<UnaryExpr>().operand);
      case ExprKind::kBinary:
        EXPGRAPH_RETURN_IF_ERROR(recurse(*expr.as<BinaryExpr>().left));
        return recurse(*expr.as<BinaryExpr>().right);
      case ExprKind::kCountStar:
        return check_aggregate_placement(expr, aggregates_allowed, inside_aggregate, where);
      case ExprKind::kFunctionCall: {
        const auto& call = expr.as<FunctionCallExpr>();
        bool aggregate = is_aggregate_function(call.name);
        if (!aggregate) {
          Status known = check_scalar_call(call.name, call.args.size());
          if (!known.ok()) return query_error(known.error_code(), known.message(), expr.position);
        }
        if (aggregate) {
          EXPGRAPH_RETURN_IF_ERROR(
              check_aggregate_placement(expr, aggregates_allowed, inside_aggregate, where));
          // openCypher (the TCK's NonConstantExpression): an aggregate's argument may not call
          // rand(), as Neo4j refuses it; count(rand()) would count a fresh value per row.
          for (const ExprPtr& arg : call.args) {
            if (contains_rand(*arg)) {
              return query_error("invalid_aggregation",
                                 "an aggregate's argument may not call rand(): compute it in a "
                                 "WITH first",
                                 expr.position);
            }
          }
          size_t wanted = aggregate_argument_count(call.name);
          if (call.args.size() != wanted) {
            return query_error("invalid_arguments",
                               call.name + "() takes exactly " +
                                   std::string(wanted == 1 ? "one argument" : "two arguments"),
                               expr.position);
          }
        } else if (call.distinct) {
          return query_error("unsupported_construct",
                             "DISTINCT is only allowed in aggregate functions", expr.position);
        }
        for (const ExprPtr& arg : call.args) {
          EXPGRAPH_RETURN_IF_ERROR(
              check_expr(*arg, scope, aggregates_allowed, where, inside_aggregate || aggregate));
        }
        return Status();
      }
      case ExprKind::kCase: {
        const auto& case_expr = expr.as<CaseExpr>();
        if (case_expr.subject) EXPGRAPH_RETURN_IF_ERROR(recurse(*case_expr.subject));
        for (const auto& [when, then] : case_expr.branches) {
          EXPGRAPH_RETURN_IF_ERROR(recurse(*when));
          EXPGRAPH_RETURN_IF_ERROR(recurse(*then));
        }
        if (case_expr.otherwise) EXPGRAPH_RETURN_IF_ERROR(recurse(*case_expr.otherwise));
        return Status();
      }
      case ExprKind::kListComprehension: {
        const auto& comprehension = expr.as<ListComprehensionExpr>();
        EXPGRAPH_RETURN_IF_ERROR(recurse(*comprehension.list));
        Scope local = scope;
        local[comprehension.variable] = VarKind::kValue;
        for (const Expr* part : {comprehension.where.get(), comprehension.projection.get()}) {
          if (part != nullptr) {
            EXPGRAPH_RETURN_IF_ERROR(check_expr(*part, local, false, where, inside_aggregate));
          }
        }
        return Status();
      }
      case ExprKind::kQuantifier: {
        const auto& quantifier = expr.as<QuantifierExpr>();
        EXPGRAPH_RETURN_IF_ERROR(recurse(*quantifier.list));
        Scope local = scope;
        local[quantifier.variable] = VarKind::kValue;
        if (quantifier.where) {
          EXPGRAPH_RETURN_IF_ERROR(
              check_expr(*quantifier.where, local, false, where, inside_aggregate));
        }
        return Status();
      }
      case ExprKind::kReduce: {
        const auto& reduce = expr.as<ReduceExpr>();
        EXPGRAPH_RETURN_IF_ERROR(recurse(*reduce.initial));
        EXPGRAPH_RETURN_IF_ERROR(recurse(*reduce.list));
        Scope local = scope;
        local[reduce.accumulator] = VarKind::kValue;
        local[reduce.variable] = VarKind::kValue;
        return check_expr(*reduce.expression, local, false, where, inside_aggregate);
      }
      case ExprKind::kPattern:
        return check_pattern(expr, scope, where, inside_aggregate);
    }
    return Status();
  }

  // A pattern inside an expression. A pattern predicate may only read variables bound outside
  // it (openCypher); EXISTS { }, COUNT { } and pattern comprehensions may introduce their own.
  Status check_pattern(const Expr& expr, const Scope& scope, std::string_view where,
                       bool inside_aggregate) {
    const auto& pattern = expr.as<PatternExpr>();
    if (pattern.is_subquery()) return check_subquery(pattern, scope);
    bool predicate = pattern.mode == PatternMode::kPredicate;
    if (predicate && where != "WHERE") {
      return query_error("unsupported_construct",
                         "a pattern predicate is allowed only in WHERE; elsewhere write "
                         "EXISTS { pattern } or a pattern comprehension [pattern | value]",
                         expr.position);
    }
    Scope local = scope;
    std::vector<std::string> outer;
    std::set<std::string> declared;
    auto bind = [&](const std::string& name, VarKind kind, SourcePosition position) -> Status {
      if (name.empty()) return Status();
      if (declared.contains(name)) {
        if (kind != VarKind::kNode) {
          return query_error("variable_already_bound",
                             "relationship or path variable '" + name + "' is already bound",
                             position);
        }
        if (local[name] != VarKind::kNode) {
          return query_error("variable_type_conflict",
                             "variable '" + name + "' is " + std::string(kind_name(local[name])) +
                                 " and cannot be used as a node",
                             position);
        }
        return Status();
      }
      auto it = scope.find(name);
      if (it != scope.end()) {
        bool fits = it->second == kind || it->second == VarKind::kValue;
        if (kind == VarKind::kRelationshipList || kind == VarKind::kPath) {
          return query_error("unsupported_construct",
                             "'" + name + "' is already bound: a variable-length relationship or "
                             "path inside a pattern expression must be new",
                             position);
        }
        if (!fits) {
          return query_error("variable_type_conflict",
                             "variable '" + name + "' is " + std::string(kind_name(it->second)) +
                                 " and cannot be used as " + std::string(kind_name(kind)),
                             position);
        }
        if (std::find(outer.begin(), outer.end(), name) == outer.end()) outer.push_back(name);
        return Status();
      }
      if (predicate) {
        return query_error("unknown_variable",
                           "variable '" + name +
                               "' is not defined: a pattern predicate cannot introduce variables; "
                               "use EXISTS { } or a pattern comprehension",
                           position);
      }
      local[name] = kind;
      declared.insert(name);
      return Status();
    };
    for (const PatternPart& part : pattern.patterns) {
      for (size_t i = 0; i < part.nodes.size(); ++i) {
        const NodePattern& node = part.nodes[i];
        EXPGRAPH_RETURN_IF_ERROR(check_labels(node.labels, node.position));
        EXPGRAPH_RETURN_IF_ERROR(bind(node.variable, VarKind::kNode, node.position));
      }
      for (const RelationshipPattern& rel : part.relationships) {
        EXPGRAPH_RETURN_IF_ERROR(check_types(rel));
        EXPGRAPH_RETURN_IF_ERROR(check_var_length(rel));
        EXPGRAPH_RETURN_IF_ERROR(bind(
            rel.variable, rel.length ? VarKind::kRelationshipList : VarKind::kRelationship,
            rel.position));
      }
      if (!part.path_variable.empty()) {
        EXPGRAPH_RETURN_IF_ERROR(bind(part.path_variable, VarKind::kPath, part.position));
      }
    }
    for (const PatternPart& part : pattern.patterns) {
      for (const NodePattern& node : part.nodes) {
        EXPGRAPH_RETURN_IF_ERROR(check_pattern_properties(node.properties.get(), local));
      }
      for (const RelationshipPattern& rel : part.relationships) {
        EXPGRAPH_RETURN_IF_ERROR(check_pattern_properties(rel.properties.get(), local));
      }
    }
    if (pattern.where) {
      EXPGRAPH_RETURN_IF_ERROR(check_expr(*pattern.where, local, false, "WHERE", inside_aggregate));
    }
    if (pattern.projection) {
      EXPGRAPH_RETURN_IF_ERROR(
          check_expr(*pattern.projection, local, false, where, inside_aggregate));
    }
    pattern.outer_variables = std::move(outer);
    return Status();
  }

  // EXISTS { } or COUNT { }: its clauses are bound as a query's are, by a binder of their own
  // that starts from the enclosing scope (openCypher: the outer variables are in scope), so
  // aggregates and projections inside are the subquery's. Records the outer variables read.
  Status check_subquery(const PatternExpr& subquery, const Scope& scope) {
    Binder inner(ontology_);
    inner.scope_ = scope;
    EXPGRAPH_RETURN_IF_ERROR(inner.bind_clauses(subquery.body));
    subquery.outer_variables = outer_reads(subquery.body, scope);
    return Status();
  }

  // The names of `outer` that `clauses` read while they are visible: every name read before
  // the first WITH that the clauses did not bind themselves (a WITH projects what it keeps, so
  // after it only the projected names exist), in order of first reading.
  static std::vector<std::string> outer_reads(const std::vector<Clause>& clauses,
                                              const Scope& outer) {
    std::set<std::string> visible;  // outer names still visible and not rebound
    for (const auto& [name, kind] : outer) visible.insert(name);
    std::vector<std::string> reads;
    auto read = [&](const std::string& name) {
      if (visible.contains(name) && std::find(reads.begin(), reads.end(), name) == reads.end()) {
        reads.push_back(name);
      }
    };
    auto read_expr = [&](const Expr* expr, const std::set<std::string>& shadowed = {}) {
      if (expr == nullptr) return;
      std::set<std::string> names;
      collect_variables(*expr, names);
      for (const std::string& name : names) {
        if (!shadowed.contains(name)) read(name);
      }
    };
    for (const Clause& clause : clauses) {
      switch (clause.kind()) {
        case ClauseKind::kMatch: {
          const auto& match = clause.as<MatchClause>();
          std::vector<std::string> names;
          for (const PatternPart& part : match.patterns) {
            names.push_back(part.path_variable);
            for (const NodePattern& node : part.nodes) names.push_back(node.variable);
            for (const RelationshipPattern& rel : part.relationships) names.push_back(rel.variable);
          }
          // A pattern variable bound outside is read (matched again); the others are new.
          for (const std::string& name : names) read(name);
          for (const std::string& name : names) visible.erase(name);
          for (const PatternPart& part : match.patterns) {
            for (const NodePattern& node : part.nodes) read_expr(node.properties.get());
            for (const RelationshipPattern& rel : part.relationships) {
              read_expr(rel.properties.get());
            }
          }
          read_expr(match.where.get());
          break;
        }
        case ClauseKind::kUnwind:
          read_expr(clause.as<UnwindClause>().list.get());
          visible.erase(clause.as<UnwindClause>().variable);
          break;
        case ClauseKind::kWith:
        case ClauseKind::kReturn: {
          const bool is_with = clause.is<WithClause>();
          const Projection& projection =
              is_with ? clause.as<WithClause>().projection : clause.as<ReturnClause>().projection;
          if (projection.star) {
            for (const std::string& name : std::set<std::string>(visible)) read(name);
          }
          std::set<std::string> aliases;
          for (const ProjectionItem& item : projection.items) {
            read_expr(item.expr.get());
            aliases.insert(item.name);
          }
          // ORDER BY and the WHERE of a WITH read the projected names first.
          for (const SortItem& item : projection.order_by) read_expr(item.expr.get(), aliases);
          if (is_with) read_expr(clause.as<WithClause>().where.get(), aliases);
          read_expr(projection.skip.get());
          read_expr(projection.limit.get());
          visible.clear();
          break;
        }
      }
    }
    return reads;
  }

  Status check_aggregate_placement(const Expr& expr, bool allowed, bool inside_aggregate,
                                   std::string_view where) {
    if (!allowed) {
      return query_error("invalid_aggregation",
                         "aggregate functions are not allowed in " + std::string(where),
                         expr.position);
    }
    if (inside_aggregate) {
      return query_error("invalid_aggregation", "aggregate functions cannot be nested",
                         expr.position);
    }
    return Status();
  }

  // `x:Label` on a node names node types; on a relationship it names edge types. Both
  // namespaces are checked since the variable's kind is known only at run time in general.
  Status check_labels_or_types(const LabelsExpr& labels, SourcePosition position) {
    for (const std::string& label : labels.labels) {
      if (ontology_.node_type(label) == nullptr && ontology_.edge_type(label) == nullptr) {
        return query_error("unknown_label",
                           "unknown label '" + label + "': labels are the ontology's node types",
                           position);
      }
    }
    return Status();
  }

  const Ontology& ontology_;
  Scope scope_;
  // The variables the current MATCH declared (rather than found bound by an earlier clause).
  std::set<std::string> declared_here_;
  // What the WHERE of a WITH sees: the ORDER BY scope of its projection, and its sure types.
  Scope visible_after_projection_;
  Scope before_projection_;  // the variables before the last projection
  StaticTypes visible_types_;
  // The sure types of value variables in scope_ (`WITH 123 AS x`: x is an INTEGER).
  StaticTypes value_types_;
};

void collect_in(const Expr& expr, std::set<std::string>& out) {
  if (expr.is<VariableExpr>()) out.insert(expr.as<VariableExpr>().name);
  // A subquery reads what the binder recorded; its clauses are not parts of the expression.
  if (expr.is<PatternExpr>() && expr.as<PatternExpr>().is_subquery()) {
    const auto& outer = expr.as<PatternExpr>().outer_variables;
    out.insert(outer.begin(), outer.end());
    return;
  }
  std::vector<std::string> locals = local_names(expr);
  if (locals.empty()) {
    for_each_child(expr, [&out](const Expr& child) { collect_in(child, out); });
    return;
  }
  // A scoped expression reads its free variables: what its parts read minus its own names
  // (a pattern's outer variables are free although they appear among its names).
  std::set<std::string> inner;
  for_each_child(expr, [&inner](const Expr& child) { collect_in(child, inner); });
  if (expr.is<ListComprehensionExpr>()) collect_in(*expr.as<ListComprehensionExpr>().list, out);
  if (expr.is<QuantifierExpr>()) collect_in(*expr.as<QuantifierExpr>().list, out);
  if (expr.is<ReduceExpr>()) {
    collect_in(*expr.as<ReduceExpr>().initial, out);
    collect_in(*expr.as<ReduceExpr>().list, out);
  }
  for (const std::string& name : locals) inner.erase(name);
  out.insert(inner.begin(), inner.end());
  if (expr.is<PatternExpr>()) {
    const auto& outer = expr.as<PatternExpr>().outer_variables;
    out.insert(outer.begin(), outer.end());
  }
}

}  // namespace

Status query_error(std::string reason, std::string message, SourcePosition position) {
  message += " (" + position_text(position) + ")";
  return Status(StatusCode::kUnprocessable, std::move(message), {position_detail(position)},
                std::move(reason));
}

void collect_variables(const Expr& expr, std::set<std::string>& out) { collect_in(expr, out); }

Status bind_query(const Query& query, const Ontology& ontology) {
  return Binder(ontology).bind(query);
}

}  // namespace expgraph::cypher
