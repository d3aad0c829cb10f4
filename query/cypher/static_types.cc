#include "query/cypher/static_types.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>

#include "query/cypher/binder.h"

namespace expgraph::cypher {

namespace {

std::string_view type_text(StaticType type) {
  switch (type) {
    case StaticType::kUnknown:
      return "ANY";
    case StaticType::kNull:
      return "NULL";
    case StaticType::kBoolean:
      return "BOOLEAN";
    case StaticType::kInteger:
      return "INTEGER";
    case StaticType::kFloat:
      return "FLOAT";
    case StaticType::kString:
      return "STRING";
    case StaticType::kList:
      return "LIST";
    case StaticType::kMap:
      return "MAP";
    case StaticType::kNode:
      return "NODE";
    case StaticType::kRelationship:
      return "RELATIONSHIP";
    case StaticType::kPath:
      return "PATH";
  }
  return "ANY";
}

// True when a value of `type` can never be one of `accepted`: an unknown type or null may be.
bool never_one_of(StaticType type, std::initializer_list<StaticType> accepted) {
  if (type == StaticType::kUnknown || type == StaticType::kNull) return false;
  return std::find(accepted.begin(), accepted.end(), type) == accepted.end();
}

Status mismatch(const Expr& at, std::string_view what, StaticType got, std::string_view wanted) {
  return query_error("type_error",
                     std::string(what) + " needs " + std::string(wanted) + ", not " +
                         std::string(type_text(got)) + " (" + to_string(at) + ")",
                     at.position);
}

// The element type of a list literal whose items all have one sure type, else kUnknown.
StaticType element_type(const Expr& list, const StaticTypes& variables) {
  if (!list.is<ListExpr>() || list.as<ListExpr>().items.empty()) return StaticType::kUnknown;
  StaticType common = StaticType::kUnknown;
  for (const ExprPtr& item : list.as<ListExpr>().items) {
    StaticType type = static_type(*item, variables);
    if (type == StaticType::kUnknown || type == StaticType::kNull) return StaticType::kUnknown;
    if (common != StaticType::kUnknown && common != type) return StaticType::kUnknown;
    common = type;
  }
  return common;
}

StaticTypes with_variable(const StaticTypes& variables, const std::string& name, StaticType type) {
  StaticTypes local = variables;
  if (type == StaticType::kUnknown) {
    local.erase(name);
  } else {
    local[name] = type;
  }
  return local;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The run-time rules of the functions whose argument type is checked up front (functions.cc):
// what each accepts besides null.
Status check_call(const Expr& expr, const StaticTypes& variables) {
  const auto& call = expr.as<FunctionCallExpr>();
  if (call.args.size() != 1) return Status();
  std::string name = lower(call.name);
  StaticType arg = static_type(*call.args[0], variables);
  using T = StaticType;
  if (name == "type" && never_one_of(arg, {T::kRelationship})) {
    return mismatch(*call.args[0], "type()", arg, "a RELATIONSHIP");
  }
  if (name == "size" && never_one_of(arg, {T::kList, T::kString})) {
    return mismatch(*call.args[0], "size()", arg, "a LIST or STRING");
  }
  if (name == "length" && never_one_of(arg, {T::kPath, T::kList, T::kString})) {
    return mismatch(*call.args[0], "length()", arg, "a PATH, LIST or STRING");
  }
  if ((name == "properties" || name == "keys") &&
      never_one_of(arg, {T::kMap, T::kNode, T::kRelationship})) {
    return mismatch(*call.args[0], name + "()", arg, "a MAP, NODE or RELATIONSHIP");
  }
  if ((name == "nodes" || name == "relationships") && never_one_of(arg, {T::kPath})) {
    return mismatch(*call.args[0], name + "()", arg, "a PATH");
  }
  return Status();
}

Status check_binary(const Expr& expr, const StaticTypes& variables) {
  const auto& binary = expr.as<BinaryExpr>();
  StaticType left = static_type(*binary.left, variables);
  StaticType right = static_type(*binary.right, variables);
  using T = StaticType;
  switch (binary.op) {
    case BinaryOp::kAnd:
    case BinaryOp::kOr:
    case BinaryOp::kXor: {
      std::string_view name =
          binary.op == BinaryOp::kAnd ? "AND" : (binary.op == BinaryOp::kOr ? "OR" : "XOR");
      if (never_one_of(left, {T::kBoolean})) return mismatch(*binary.left, name, left, "BOOLEANs");
      if (never_one_of(right, {T::kBoolean})) {
        return mismatch(*binary.right, name, right, "BOOLEANs");
      }
      return Status();
    }
    case BinaryOp::kIn:
      if (never_one_of(right, {T::kList})) return mismatch(*binary.right, "IN", right, "a LIST");
      return Status();
    // `+` also joins strings and lists; temporal values (never a sure type here) take `-`, `*`
    // and `/` too.
    case BinaryOp::kSubtract:
    case BinaryOp::kMultiply:
    case BinaryOp::kDivide:
    case BinaryOp::kModulo:
    case BinaryOp::kPower:
      if (never_one_of(left, {T::kInteger, T::kFloat})) {
        return mismatch(*binary.left, "arithmetic", left, "numbers");
      }
      if (never_one_of(right, {T::kInteger, T::kFloat})) {
        return mismatch(*binary.right, "arithmetic", right, "numbers");
      }
      return Status();
    default:
      return Status();
  }
}

Status check_own(const Expr& expr, const StaticTypes& variables) {
  using T = StaticType;
  switch (expr.kind()) {
    case ExprKind::kUnary: {
      const auto& unary = expr.as<UnaryExpr>();
      StaticType operand = static_type(*unary.operand, variables);
      if (unary.op == UnaryOp::kNot && never_one_of(operand, {T::kBoolean})) {
        return mismatch(*unary.operand, "NOT", operand, "a BOOLEAN");
      }
      return Status();
    }
    case ExprKind::kBinary:
      return check_binary(expr, variables);
    case ExprKind::kProperty: {
      const Expr& object = *expr.as<PropertyExpr>().object;
      StaticType type = static_type(object, variables);
      // Temporal values have components (d.year) but are never a sure type here.
      if (never_one_of(type, {T::kMap, T::kNode, T::kRelationship})) {
        return mismatch(object, "a property read", type, "a MAP, NODE or RELATIONSHIP");
      }
      return Status();
    }
    case ExprKind::kFunctionCall:
      return check_call(expr, variables);
    default:
      return Status();
  }
}

}  // namespace

StaticType static_type(const Expr& expr, const StaticTypes& variables) {
  switch (expr.kind()) {
    case ExprKind::kLiteral: {
      const Value& value = expr.as<LiteralExpr>().value;
      if (value.is_null()) return StaticType::kNull;
      if (value.is_bool()) return StaticType::kBoolean;
      if (value.is_int()) return StaticType::kInteger;
      if (value.is_float()) return StaticType::kFloat;
      if (value.is_string()) return StaticType::kString;
      return StaticType::kUnknown;
    }
    case ExprKind::kVariable: {
      auto it = variables.find(expr.as<VariableExpr>().name);
      return it == variables.end() ? StaticType::kUnknown : it->second;
    }
    case ExprKind::kList:
    case ExprKind::kListComprehension:
      return StaticType::kList;
    case ExprKind::kMap:
      return StaticType::kMap;
    default:
      return StaticType::kUnknown;
  }
}

Status check_static_types(const Expr& expr, const StaticTypes& variables) {
  EXPGRAPH_RETURN_IF_ERROR(check_own(expr, variables));
  switch (expr.kind()) {
    case ExprKind::kPattern:
      return Status();
    case ExprKind::kListComprehension: {
      const auto& comprehension = expr.as<ListComprehensionExpr>();
      EXPGRAPH_RETURN_IF_ERROR(check_static_types(*comprehension.list, variables));
      StaticTypes local = with_variable(variables, comprehension.variable,
                                        element_type(*comprehension.list, variables));
      for (const Expr* part : {comprehension.where.get(), comprehension.projection.get()}) {
        if (part != nullptr) EXPGRAPH_RETURN_IF_ERROR(check_static_types(*part, local));
      }
      return Status();
    }
    case ExprKind::kQuantifier: {
      const auto& quantifier = expr.as<QuantifierExpr>();
      EXPGRAPH_RETURN_IF_ERROR(check_static_types(*quantifier.list, variables));
      StaticTypes local =
          with_variable(variables, quantifier.variable, element_type(*quantifier.list, variables));
      if (quantifier.where) return check_static_types(*quantifier.where, local);
      return Status();
    }
    case ExprKind::kReduce: {
      const auto& reduce = expr.as<ReduceExpr>();
      EXPGRAPH_RETURN_IF_ERROR(check_static_types(*reduce.initial, variables));
      EXPGRAPH_RETURN_IF_ERROR(check_static_types(*reduce.list, variables));
      StaticTypes local = with_variable(variables, reduce.accumulator, StaticType::kUnknown);
      local = with_variable(local, reduce.variable, element_type(*reduce.list, variables));
      return check_static_types(*reduce.expression, local);
    }
    default: {
      Status status;
      for_each_child(expr, [&](const Expr& child) {
        if (status.ok()) status = check_static_types(child, variables);
      });
      return status;
    }
  }
}

Status check_static_predicate(const Expr& predicate, const StaticTypes& variables) {
  StaticType type = static_type(predicate, variables);
  if (never_one_of(type, {StaticType::kBoolean})) {
    return mismatch(predicate, "WHERE", type, "a BOOLEAN");
  }
  return Status();
}

}  // namespace expgraph::cypher
