#include "query/cypher/expression_ops.h"

#include "query/cypher/value_ops.h"

namespace expgraph::cypher {

Result<Value> apply_binary(BinaryOp op, const Value& left, const Value& right) {
  switch (op) {
    case BinaryOp::kOr:
      return logical_or(left, right);
    case BinaryOp::kXor:
      return logical_xor(left, right);
    case BinaryOp::kAnd:
      return logical_and(left, right);
    case BinaryOp::kEq:
      return compare(CompareOp::kEq, left, right);
    case BinaryOp::kNotEq:
      return compare(CompareOp::kNe, left, right);
    case BinaryOp::kLess:
      return compare(CompareOp::kLt, left, right);
    case BinaryOp::kLessEq:
      return compare(CompareOp::kLe, left, right);
    case BinaryOp::kGreater:
      return compare(CompareOp::kGt, left, right);
    case BinaryOp::kGreaterEq:
      return compare(CompareOp::kGe, left, right);
    case BinaryOp::kIn:
      return in_list(left, right);
    case BinaryOp::kStartsWith:
      return starts_with(left, right);
    case BinaryOp::kEndsWith:
      return ends_with(left, right);
    case BinaryOp::kContains:
      return contains(left, right);
    case BinaryOp::kAdd:
      return add(left, right);
    case BinaryOp::kSubtract:
      return subtract(left, right);
    case BinaryOp::kMultiply:
      return multiply(left, right);
    case BinaryOp::kDivide:
      return divide(left, right);
    case BinaryOp::kModulo:
      return modulo(left, right);
    case BinaryOp::kPower:
      return power(left, right);
  }
  return Status::internal("unknown binary operator");
}

Result<Value> apply_unary(UnaryOp op, const Value& operand) {
  switch (op) {
    case UnaryOp::kNot:
      return logical_not(operand);
    case UnaryOp::kNegate:
      return negate(operand);
    case UnaryOp::kPlus:
      if (operand.is_null() || operand.is_number()) return operand;
      return type_error("cannot apply unary + to " + std::string(type_name(operand.type())));
    case UnaryOp::kIsNull:
      return Value::boolean(operand.is_null());
    case UnaryOp::kIsNotNull:
      return Value::boolean(!operand.is_null());
  }
  return Status::internal("unknown unary operator");
}

}  // namespace expgraph::cypher
