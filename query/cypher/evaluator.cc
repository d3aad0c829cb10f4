#include "query/cypher/evaluator.h"

#include <limits>
#include <utility>

#include "ontology/json_text.h"
#include "query/cypher/binder.h"
#include "query/cypher/expression_ops.h"
#include "query/cypher/functions.h"
#include "query/cypher/pattern_matcher.h"
#include "query/cypher/subquery.h"
#include "query/cypher/value_ops.h"

namespace expgraph::cypher {

namespace {

// A failed operator, function call or predicate says where it is, as parser and binder errors
// do. Called on the error path only, so a successful value is never copied or moved for it.
Status at_position(Status status, SourcePosition position) {
  status.add_detail(position_detail(position));
  return status;
}

// What `left + right` allocates when it concatenates strings or lists; 0 for what else it does.
uint64_t concatenation_bytes(const Value& left, const Value& right) {
  if (left.is_null() || right.is_null()) return 0;
  if (left.is_string() && right.is_string()) {
    return string_bytes(left.as_string().size() + right.as_string().size());
  }
  if (!left.is_list() && !right.is_list()) return 0;
  auto count = [](const Value& value) { return value.is_list() ? value.as_list().size() : 1; };
  return list_bytes(count(left) + count(right));
}

}  // namespace

Result<bool> Evaluator::predicate(const Expr& expr, const Scope& scope) {
  auto value = eval(expr, scope);
  if (!value.ok()) return value.status();
  if (!value->is_null() && !value->is_bool()) {
    return at_position(
        type_error("a predicate must be a BOOLEAN, got " + std::string(type_name(value->type()))),
        expr.position);
  }
  return is_true(*value);
}

const Value* find_variable(const Scope& scope, const std::string& name) {
  for (const Scope* s = &scope; s != nullptr; s = s->parent) {
    int slot = s->schema->find(name);
    if (slot >= 0 && slot < static_cast<int>(s->row->size())) return &(*s->row)[slot];
  }
  return nullptr;
}

const Evaluator::AggregateResults* Evaluator::enter_subquery() {
  ++subquery_depth_;
  return std::exchange(aggregates_, nullptr);
}

void Evaluator::leave_subquery(const AggregateResults* aggregates) {
  --subquery_depth_;
  aggregates_ = aggregates;
}

Result<Value> Evaluator::eval(const Expr& expr, const Scope& scope) {
  if (subquery_depth_ == 0) budget_.start_expression();
  Result<Value> value = evaluate(expr, scope);
  // Each step (collect() over a collected list, a list of lists, ...) adds at most a level, so
  // holding every value to the limit keeps the recursion of copying, comparing, rendering and
  // freeing values bounded: 15,000 levels built through WITH collect() steps used to overflow a
  // worker's stack. The limit is the one stored values obey, so every stored value is readable.
  if (value.ok() && value->nesting() > kMaxJsonDepth) {
    return at_position(Status::unprocessable("nesting_too_deep",
                                             "a value nests deeper than " +
                                                 std::to_string(kMaxJsonDepth) +
                                                 " levels of lists and maps (the limit)"),
                       expr.position);
  }
  return value;
}

Result<Value> Evaluator::evaluate(const Expr& expr, const Scope& scope) {
  switch (expr.kind()) {
    case ExprKind::kLiteral:
      return expr.as<LiteralExpr>().value;
    case ExprKind::kParameter: {
      const std::string& name = expr.as<ParameterExpr>().name;
      auto it = params_.find(name);
      if (it == params_.end()) {
        Status status =
            query_error("missing_parameter", "parameter $" + name + " is not given", expr.position);
        return Status(StatusCode::kInvalidArgument, status.message(), status.details(),
                      "missing_parameter");
      }
      return it->second;
    }
    case ExprKind::kVariable: {
      const std::string& name = expr.as<VariableExpr>().name;
      if (const Value* value = find_variable(scope, name)) return *value;
      return query_error("unknown_variable", "variable '" + name + "' is not defined",
                         expr.position);
    }
    case ExprKind::kProperty: {
      const auto& property = expr.as<PropertyExpr>();
      if (property.object->kind() == ExprKind::kVariable) {
        // `n.p`, the common case: read the variable's value in place rather than copy it.
        const std::string& name = property.object->as<VariableExpr>().name;
        for (const Scope* s = &scope; s != nullptr; s = s->parent) {
          int slot = s->schema->find(name);
          if (slot < 0 || slot >= static_cast<int>(s->row->size())) continue;
          const Value& object = (*s->row)[slot];
          if (object.is_null()) return Value::null();
          return graph_.property(object, property.key);
        }
      }
      auto object = evaluate(*property.object, scope);
      if (!object.ok()) return object;
      if (object->is_null()) return Value::null();
      return graph_.property(*object, property.key);
    }
    case ExprKind::kLabels: {
      const auto& labels = expr.as<LabelsExpr>();
      auto object = evaluate(*labels.object, scope);
      if (!object.ok()) return object;
      if (object->is_null()) return Value::null();
      const std::string* type = nullptr;
      if (object->is_node()) {
        type = &object->as_node().type;
      } else if (object->is_relationship()) {
        type = &object->as_relationship().type;
      } else {
        return type_error("label predicates apply to nodes and relationships, not " +
                          std::string(type_name(object->type())));
      }
      for (const std::string& label : labels.labels) {
        if (label != *type) return Value::boolean(false);
      }
      return Value::boolean(true);
    }
    case ExprKind::kList: {
      Value::List items;
      for (const ExprPtr& item : expr.as<ListExpr>().items) {
        auto value = evaluate(*item, scope);
        if (!value.ok()) return value;
        items.push_back(std::move(value).value());
      }
      return Value::list(std::move(items));
    }
    case ExprKind::kMap: {
      Value::Map entries;
      for (const auto& [key, item] : expr.as<MapExpr>().entries) {
        auto value = evaluate(*item, scope);
        if (!value.ok()) return value;
        entries.insert_or_assign(key, std::move(value).value());
      }
      return Value::map(std::move(entries));
    }
    case ExprKind::kIndex: {
      const auto& index = expr.as<IndexExpr>();
      auto container = evaluate(*index.container, scope);
      if (!container.ok()) return container;
      auto key = evaluate(*index.index, scope);
      if (!key.ok()) return key;
      if ((container->is_node() || container->is_relationship()) && key->is_string()) {
        return graph_.property(*container, key->as_string());
      }
      return index_value(*container, *key);
    }
    case ExprKind::kSlice: {
      const auto& slice = expr.as<SliceExpr>();
      auto list = evaluate(*slice.list, scope);
      if (!list.ok()) return list;
      std::optional<Value> from, to;
      if (slice.from) {
        auto value = evaluate(*slice.from, scope);
        if (!value.ok()) return value;
        from = std::move(value).value();
      }
      if (slice.to) {
        auto value = evaluate(*slice.to, scope);
        if (!value.ok()) return value;
        to = std::move(value).value();
      }
      return slice_value(*list, from, to);
    }
    case ExprKind::kUnary: {
      const auto& unary = expr.as<UnaryExpr>();
      auto operand = evaluate(*unary.operand, scope);
      if (!operand.ok()) return operand;
      auto result = apply_unary(unary.op, *operand);
      if (!result.ok()) return at_position(result.status(), expr.position);
      return result;
    }
    case ExprKind::kBinary: {
      const auto& binary = expr.as<BinaryExpr>();
      auto left = evaluate(*binary.left, scope);
      if (!left.ok()) return left;
      // Short-circuit: the right side is not evaluated when the left decides.
      if (binary.op == BinaryOp::kAnd && left->is_bool() && !left->as_bool()) return *left;
      if (binary.op == BinaryOp::kOr && left->is_bool() && left->as_bool()) return *left;
      auto right = evaluate(*binary.right, scope);
      if (!right.ok()) return right;
      if (binary.op == BinaryOp::kAdd) {
        Status charged = budget_.build(concatenation_bytes(*left, *right));
        if (!charged.ok()) return at_position(std::move(charged), expr.position);
      }
      auto result = apply_binary(binary.op, *left, *right);
      if (!result.ok()) return at_position(result.status(), expr.position);
      return result;
    }
    case ExprKind::kCountStar:
    case ExprKind::kFunctionCall:
      return eval_function(expr, scope);
    case ExprKind::kCase: {
      const auto& case_expr = expr.as<CaseExpr>();
      std::optional<Value> subject;
      if (case_expr.subject) {
        auto value = evaluate(*case_expr.subject, scope);
        if (!value.ok()) return value;
        subject = std::move(value).value();
      }
      for (const auto& [when, then] : case_expr.branches) {
        auto condition = evaluate(*when, scope);
        if (!condition.ok()) return condition;
        bool taken = subject ? is_true(equals(*subject, *condition)) : is_true(*condition);
        if (taken) return evaluate(*then, scope);
      }
      if (case_expr.otherwise) return evaluate(*case_expr.otherwise, scope);
      return Value::null();
    }
    case ExprKind::kListComprehension:
      return eval_list_comprehension(expr, scope);
    case ExprKind::kQuantifier:
      return eval_quantifier(expr, scope);
    case ExprKind::kReduce:
      return eval_reduce(expr, scope);
    case ExprKind::kPattern:
      return eval_pattern(expr, scope);
  }
  return Status::internal("unhandled expression kind");
}

namespace {

// The list a comprehension, quantifier or reduce iterates: null gives null (nullopt here).
Result<const Value::List*> iterated_list(const Value& list, std::string_view what) {
  if (list.is_null()) return static_cast<const Value::List*>(nullptr);
  if (!list.is_list()) {
    return type_error(std::string(what) + " iterates a LIST, not " +
                      std::string(type_name(list.type())));
  }
  return &list.as_list();
}

// A WHERE inside a comprehension or quantifier: a boolean or null.
Result<Value> local_predicate(Evaluator& evaluator, const Expr& where, const Scope& scope) {
  auto value = evaluator.eval_nested(where, scope);
  if (!value.ok()) return value;
  if (!value->is_null() && !value->is_bool()) {
    return at_position(
        type_error("a predicate must be a BOOLEAN, got " + std::string(type_name(value->type()))),
        where.position);
  }
  return value;
}

}  // namespace

Result<Value> Evaluator::eval_list_comprehension(const Expr& expr, const Scope& scope) {
  const auto& comprehension = expr.as<ListComprehensionExpr>();
  auto list_value = evaluate(*comprehension.list, scope);
  if (!list_value.ok()) return list_value;
  auto list = iterated_list(*list_value, "a list comprehension");
  if (!list.ok()) return at_position(list.status(), expr.position);
  if (*list == nullptr) return Value::null();
  Schema local;
  local.slot_of(comprehension.variable);
  Row row(1);
  Scope inner{&local, &row, &scope};
  Value::List out;
  for (const Value& item : **list) {
    EXPGRAPH_RETURN_IF_ERROR(budget_.tick());
    row[0] = item;
    if (comprehension.where) {
      auto keep = local_predicate(*this, *comprehension.where, inner);
      if (!keep.ok()) return keep;
      if (!is_true(*keep)) continue;
    }
    Value result = item;
    if (comprehension.projection) {
      auto projected = evaluate(*comprehension.projection, inner);
      if (!projected.ok()) return projected;
      result = std::move(projected).value();
    }
    // Charged as the list grows: its final size is known only at the end.
    Status charged = budget_.build(value_bytes(result));
    if (!charged.ok()) return at_position(std::move(charged), expr.position);
    out.push_back(std::move(result));
  }
  return Value::list(std::move(out));
}

Result<Value> Evaluator::eval_quantifier(const Expr& expr, const Scope& scope) {
  const auto& quantifier = expr.as<QuantifierExpr>();
  auto list_value = evaluate(*quantifier.list, scope);
  if (!list_value.ok()) return list_value;
  auto list = iterated_list(*list_value, "a list predicate");
  if (!list.ok()) return at_position(list.status(), expr.position);
  if (*list == nullptr) return Value::null();
  Schema local;
  local.slot_of(quantifier.variable);
  Row row(1);
  Scope inner{&local, &row, &scope};
  int64_t trues = 0;
  bool saw_null = false;
  for (const Value& item : **list) {
    EXPGRAPH_RETURN_IF_ERROR(budget_.tick());
    row[0] = item;
    Value verdict = Value::boolean(true);  // no WHERE: every element qualifies
    if (quantifier.where) {
      auto value = local_predicate(*this, *quantifier.where, inner);
      if (!value.ok()) return value;
      verdict = std::move(value).value();
    }
    if (verdict.is_null()) {
      saw_null = true;
      continue;
    }
    bool holds = verdict.as_bool();
    if (holds) ++trues;
    // Decided early where openCypher's three-valued answer can no longer change.
    if (quantifier.quantifier == Quantifier::kAll && !holds) return Value::boolean(false);
    if (quantifier.quantifier == Quantifier::kAny && holds) return Value::boolean(true);
    if (quantifier.quantifier == Quantifier::kNone && holds) return Value::boolean(false);
    if (quantifier.quantifier == Quantifier::kSingle && trues > 1) return Value::boolean(false);
  }
  if (saw_null) return Value::null();
  switch (quantifier.quantifier) {
    case Quantifier::kAll:
    case Quantifier::kNone:
      return Value::boolean(true);
    case Quantifier::kAny:
      return Value::boolean(false);
    case Quantifier::kSingle:
      return Value::boolean(trues == 1);
  }
  return Value::null();
}

Result<Value> Evaluator::eval_reduce(const Expr& expr, const Scope& scope) {
  const auto& reduce = expr.as<ReduceExpr>();
  auto accumulator = evaluate(*reduce.initial, scope);
  if (!accumulator.ok()) return accumulator;
  auto list_value = evaluate(*reduce.list, scope);
  if (!list_value.ok()) return list_value;
  auto list = iterated_list(*list_value, "reduce()");
  if (!list.ok()) return at_position(list.status(), expr.position);
  if (*list == nullptr) return Value::null();
  Schema local;
  local.slot_of(reduce.accumulator);
  local.slot_of(reduce.variable);
  Row row(2);
  row[0] = std::move(accumulator).value();
  Scope inner{&local, &row, &scope};
  for (const Value& item : **list) {
    EXPGRAPH_RETURN_IF_ERROR(budget_.tick());
    row[1] = item;
    auto next = evaluate(*reduce.expression, inner);
    if (!next.ok()) return next;
    row[0] = std::move(next).value();
    if (row[0].nesting() > kMaxJsonDepth) {
      return at_position(Status::unprocessable("nesting_too_deep",
                                               "reduce() built a value nesting deeper than " +
                                                   std::to_string(kMaxJsonDepth) + " levels"),
                         expr.position);
    }
  }
  return row[0];
}

Result<Value> Evaluator::eval_pattern(const Expr& expr, const Scope& scope) {
  const auto& pattern = expr.as<PatternExpr>();
  if (pattern.mode == PatternMode::kExists || pattern.mode == PatternMode::kCount) {
    const bool exists = pattern.mode == PatternMode::kExists;
    // EXISTS needs one row; COUNT all of them.
    auto rows =
        count_subquery_rows(*this, expr, scope, exists ? 1 : std::numeric_limits<int64_t>::max());
    if (!rows.ok()) return at_position(rows.status(), expr.position);
    return exists ? Value::boolean(*rows > 0) : Value::integer(*rows);
  }
  PatternMatcher matcher(*this, pattern, scope);
  int64_t matches = 0;
  Value::List items;
  auto on_match = [&](const Scope& match) -> Result<bool> {
    ++matches;
    if (pattern.mode != PatternMode::kComprehension) return false;
    auto value = evaluate(*pattern.projection, match);
    if (!value.ok()) return value.status();
    EXPGRAPH_RETURN_IF_ERROR(budget_.build(value_bytes(*value)));
    items.push_back(std::move(value).value());
    return true;
  };
  auto outcome = matcher.run(on_match);
  if (!outcome.ok()) return at_position(outcome.status(), expr.position);
  bool null_endpoint = *outcome == PatternMatcher::Outcome::kNullEndpoint;
  switch (pattern.mode) {
    case PatternMode::kPredicate:
      return null_endpoint ? Value::null() : Value::boolean(matches > 0);
    case PatternMode::kExists:
    case PatternMode::kCount:
      break;  // answered above
    case PatternMode::kComprehension:
      return null_endpoint ? Value::null() : Value::list(std::move(items));
  }
  return Value::null();
}

Result<Value> Evaluator::eval_function(const Expr& expr, const Scope& scope) {
  bool aggregate =
      expr.is<CountStarExpr>() || is_aggregate_function(expr.as<FunctionCallExpr>().name);
  if (aggregate) {
    if (aggregates_ != nullptr) {
      auto it = aggregates_->find(&expr);
      if (it != aggregates_->end()) return it->second;
    }
    return query_error("invalid_aggregation", "aggregate function used outside a projection",
                       expr.position);
  }
  const auto& call = expr.as<FunctionCallExpr>();
  std::vector<Value> args;
  args.reserve(call.args.size());
  for (const ExprPtr& arg : call.args) {
    auto value = evaluate(*arg, scope);
    if (!value.ok()) return value;
    args.push_back(std::move(value).value());
  }
  auto result = call_function(call.name, args, budget_, &graph_, statement_nanos_);
  if (!result.ok()) return at_position(result.status(), expr.position);
  return result;
}

}  // namespace expgraph::cypher
