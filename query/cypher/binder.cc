#include "query/cypher/binder.h"

#include <map>

#include "query/cypher/functions.h"

namespace expgraph::cypher {

namespace {

enum class VarKind { kNode, kRelationship, kRelationshipList, kPath, kValue };

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
  }
  return "a value";
}

using Scope = std::map<std::string, VarKind, std::less<>>;

// In a projection that aggregates, what an item reads outside its aggregates must be a grouping
// key (an item without aggregates, compared as written) or built from one: otherwise no single
// value of it belongs to the group, and openCypher rejects the query.
Status check_grouped(const Expr& expr, const std::set<std::string>& grouping_keys) {
  bool aggregate =
      expr.is<CountStarExpr>() ||
      (expr.is<FunctionCallExpr>() && is_aggregate_function(expr.as<FunctionCallExpr>().name));
  if (aggregate || grouping_keys.contains(to_string(expr))) return Status();
  if (expr.is<VariableExpr>()) {
    const std::string& name = expr.as<VariableExpr>().name;
    return query_error("invalid_aggregation",
                       "'" + name +
                           "' is read next to an aggregate but is not a grouping key: "
                           "project it (or the expression using it) as its own item",
                       expr.position);
  }
  Status status;
  for_each_child(expr, [&](const Expr& child) {
    if (status.ok()) status = check_grouped(child, grouping_keys);
  });
  return status;
}

class Binder {
 public:
  explicit Binder(const Ontology& ontology) : ontology_(ontology) {}

  Status bind(const Query& query) {
    for (const Clause& clause : query.clauses) {
      switch (clause.kind()) {
        case ClauseKind::kMatch:
          EXPGRAPH_RETURN_IF_ERROR(bind_match(clause.as<MatchClause>()));
          break;
        case ClauseKind::kUnwind: {
          const auto& unwind = clause.as<UnwindClause>();
          EXPGRAPH_RETURN_IF_ERROR(check_expr(*unwind.list, scope_, false, "UNWIND"));
          if (scope_.contains(unwind.variable)) {
            return query_error("variable_already_bound",
                               "variable '" + unwind.variable + "' is already bound",
                               clause.position);
          }
          scope_[unwind.variable] = VarKind::kValue;
          break;
        }
        case ClauseKind::kWith: {
          const auto& with = clause.as<WithClause>();
          EXPGRAPH_RETURN_IF_ERROR(bind_projection(with.projection, clause.position, true));
          if (with.where) {
            EXPGRAPH_RETURN_IF_ERROR(check_expr(*with.where, scope_, false, "WHERE"));
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

 private:
  Status declare(const std::string& name, VarKind kind, SourcePosition position, Scope& scope) {
    if (name.empty()) return Status();
    auto it = scope.find(name);
    if (it == scope.end()) {
      scope.emplace(name, kind);
      return Status();
    }
    if (it->second != kind) {
      return query_error("variable_type_conflict",
                         "variable '" + name + "' is " + std::string(kind_name(it->second)) +
                             " and cannot be used as " + std::string(kind_name(kind)),
                         position);
    }
    if (kind == VarKind::kRelationship || kind == VarKind::kRelationshipList ||
        kind == VarKind::kPath) {
      return query_error("variable_already_bound",
                         "relationship or path variable '" + name + "' is already bound", position);
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
    for (const PatternPart& part : match.patterns) {
      for (const NodePattern& node : part.nodes) {
        EXPGRAPH_RETURN_IF_ERROR(check_labels(node.labels, node.position));
        EXPGRAPH_RETURN_IF_ERROR(declare(node.variable, VarKind::kNode, node.position, inner));
      }
      for (const RelationshipPattern& rel : part.relationships) {
        for (const std::string& type : rel.types) {
          if (ontology_.edge_type(type) == nullptr) {
            return query_error(
                "unknown_relationship_type",
                "unknown relationship type '" + type + "': types are the ontology's edge types",
                rel.position);
          }
        }
        if (rel.length) {
          int64_t min = rel.length->min_hops();
          if (min < 0 || (rel.length->max && *rel.length->max < min)) {
            return query_error("invalid_var_length", "invalid var-length bounds", rel.position);
          }
          if (min > kMaxVarLengthHops ||
              (rel.length->max && *rel.length->max > kMaxVarLengthHops)) {
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
        }
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
    if (match.where) EXPGRAPH_RETURN_IF_ERROR(check_expr(*match.where, inner, false, "WHERE"));
    scope_ = std::move(inner);
    return Status();
  }

  Status bind_projection(const Projection& projection, SourcePosition position, bool is_with) {
    Scope next;
    bool aggregating = false;
    std::vector<std::string> names;
    if (projection.star) {
      for (const auto& [name, kind] : scope_) {
        next[name] = kind;
        names.push_back(name);
      }
      if (names.empty()) {
        return query_error("unsupported_construct",
                           "RETURN * / WITH * needs at least one variable in scope", position);
      }
    }
    for (const ProjectionItem& item : projection.items) {
      EXPGRAPH_RETURN_IF_ERROR(check_expr(*item.expr, scope_, true, "a projection"));
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
      VarKind kind = VarKind::kValue;
      if (is_variable) {
        auto it = scope_.find(item.expr->as<VariableExpr>().name);
        if (it != scope_.end()) kind = it->second;
      }
      next[item.name] = kind;
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
    // aggregates or is DISTINCT (then only what was projected exists).
    Scope order_scope = next;
    if (!aggregating && !projection.distinct) {
      for (const auto& [name, kind] : scope_) order_scope.emplace(name, kind);
    }
    for (const SortItem& item : projection.order_by) {
      bool matches_item = false;
      std::string text = to_string(*item.expr);
      for (const ProjectionItem& projected : projection.items) {
        if (to_string(*projected.expr) == text) matches_item = true;
      }
      if (!matches_item) {
        EXPGRAPH_RETURN_IF_ERROR(check_expr(*item.expr, order_scope, false, "ORDER BY"));
      }
    }
    for (const Expr* count : {projection.skip.get(), projection.limit.get()}) {
      if (count != nullptr) {
        EXPGRAPH_RETURN_IF_ERROR(check_expr(*count, Scope(), false, "SKIP / LIMIT"));
      }
    }
    scope_ = std::move(next);
    return Status();
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
      case ExprKind::kProperty:
        return recurse(*expr.as<PropertyExpr>().object);
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
          if (call.args.size() != 1) {
            return query_error("invalid_arguments", call.name + "() takes exactly one argument",
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
    }
    return Status();
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
};

void collect_in(const Expr& expr, std::set<std::string>& out) {
  if (expr.is<VariableExpr>()) out.insert(expr.as<VariableExpr>().name);
  for_each_child(expr, [&out](const Expr& child) { collect_in(child, out); });
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
