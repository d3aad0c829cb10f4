// Applies one AST operator (ast.h) to already-evaluated operand values, with the openCypher
// semantics of value_ops.h. The executor's expression evaluator calls these so that operator
// meaning lives in one place. Pure functions; thread-safe.
#pragma once

#include "ontology/status.h"
#include "query/cypher/ast.h"
#include "query/cypher/value.h"

namespace expgraph::cypher {

// `left op right`. AND/OR/XOR are here for completeness; an evaluator may short-circuit them
// (false AND x is false, true OR x is true, whatever x is) before evaluating the right side.
Result<Value> apply_binary(BinaryOp op, const Value& left, const Value& right);

// `op operand`: NOT (three-valued), unary minus and plus (numbers only), IS [NOT] NULL.
Result<Value> apply_unary(UnaryOp op, const Value& operand);

}  // namespace expgraph::cypher
