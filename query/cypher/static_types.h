// What the binder knows of an expression's type before the query runs, and the type errors it
// can therefore report up front, as openCypher specifies (the TCK's "SyntaxError at compile
// time: InvalidArgumentType"): a literal, a list or map literal, a graph variable, or a variable
// a WITH bound to one of these, where an operator or function can never take it (`1 AND true`,
// `1 IN 'a'`, `WITH 123 AS x RETURN x.num`, `type(n)` of a node). Used by binder.cc. Pure
// functions; thread-safe.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "ontology/status.h"
#include "query/cypher/ast.h"

namespace expgraph::cypher {

// kUnknown: anything (a parameter, a property, a function's result, ...). The others are sure:
// a literal's type, or a graph variable's (which may still be null, as any value may).
enum class StaticType {
  kUnknown,
  kNull,
  kBoolean,
  kInteger,
  kFloat,
  kString,
  kList,
  kMap,
  kNode,
  kRelationship,
  kPath
};

// The variables in scope whose type is known; a name that is absent is kUnknown.
using StaticTypes = std::map<std::string, StaticType, std::less<>>;

StaticType static_type(const Expr& expr, const StaticTypes& variables);

// 422 type_error, with the position of the operator, property or call, when a part of `expr`
// can never have the type its operator or function needs. Only sure types count: an operand of
// unknown type is left to run time. Patterns inside the expression are not looked into.
Status check_static_types(const Expr& expr, const StaticTypes& variables);

// 422 type_error when a WHERE predicate can never be a boolean (`WHERE (n)`, `WHERE 1`).
Status check_static_predicate(const Expr& predicate, const StaticTypes& variables);

}  // namespace expgraph::cypher
