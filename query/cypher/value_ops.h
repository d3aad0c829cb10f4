// openCypher semantics of operators over Values: three-valued logic, equality and comparison
// with null propagation, the total ORDER BY order, DISTINCT/grouping equivalence, arithmetic,
// list membership, string predicates, property/index/slice access on lists and maps.
// Used by the executor to evaluate expressions. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "ontology/status.h"
#include "query/cypher/value.h"

namespace expgraph::cypher {

// --- Three-valued logic -------------------------------------------------------------------

enum class Ternary { kFalse, kTrue, kNull };

Ternary ternary_not(Ternary a);
Ternary ternary_and(Ternary a, Ternary b);
Ternary ternary_or(Ternary a, Ternary b);
Ternary ternary_xor(Ternary a, Ternary b);
// null -> kNull, booleans map over; any other type is a type_error (`1 AND true`).
Result<Ternary> to_ternary(const Value& value);
Value from_ternary(Ternary t);

// Value-level AND/OR/XOR/NOT: operands must be booleans or null (else type_error).
Result<Value> logical_and(const Value& a, const Value& b);
Result<Value> logical_or(const Value& a, const Value& b);
Result<Value> logical_xor(const Value& a, const Value& b);
Result<Value> logical_not(const Value& a);

// True when a WHERE predicate keeps the row: only a boolean true does (null and false drop it).
inline bool is_true(const Value& value) { return value.is_bool() && value.as_bool(); }

// --- Equality and comparison (predicates) -------------------------------------------------

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

// `a = b`: null if either side is null (also inside lists/maps when the rest does not already
// decide), numbers compare across int/float (1 = 1.0), NaN = NaN is false, values of different
// types are unequal (1 = '1' is false), nodes/relationships compare by identity.
Value equals(const Value& a, const Value& b);
// `a <op> b` for all six operators. Ordering comparisons are defined between numbers, between
// strings, between booleans (false < true) and between lists (lexicographic); anything else,
// or a null operand, yields null. Comparisons involving NaN are false.
Value compare(CompareOp op, const Value& a, const Value& b);

// --- ORDER BY and DISTINCT -----------------------------------------------------------------

// The total order of ORDER BY (openCypher orderability), ascending:
// map < node < relationship < list < path < string < boolean < number < null,
// with NaN above every other number and 1 and 1.0 tied. Returns <0, 0 or >0.
int order_compare(const Value& a, const Value& b);
// DISTINCT / grouping-key equivalence: like equality, but null is equivalent to null, NaN to
// NaN, and 1 to 1.0. Consistent with order_compare() == 0 and with hash_value().
bool equivalent(const Value& a, const Value& b);
size_t hash_value(const Value& value);
// Functors for std::unordered_map/set keyed by Value (or std::vector<Value> via the list form).
struct ValueHash {
  size_t operator()(const Value& value) const { return hash_value(value); }
};
struct ValueEquivalent {
  bool operator()(const Value& a, const Value& b) const { return equivalent(a, b); }
};

// --- Arithmetic ----------------------------------------------------------------------------
// Null in, null out. int op int stays int (overflow is an integer_overflow error, / truncates
// toward zero, / or % by zero is a division_by_zero error); any float operand gives a float
// (IEEE: 1.0 / 0 is Infinity). `^` always gives a float. `+` also concatenates strings
// (a number on the other side is rendered as toString does) and lists (a non-list operand is
// appended / prepended as one element). Other operand types are a type_error.

Result<Value> add(const Value& a, const Value& b);
Result<Value> subtract(const Value& a, const Value& b);
Result<Value> multiply(const Value& a, const Value& b);
Result<Value> divide(const Value& a, const Value& b);
Result<Value> modulo(const Value& a, const Value& b);
Result<Value> power(const Value& a, const Value& b);
Result<Value> negate(const Value& a);

// --- Lists, strings, maps ------------------------------------------------------------------

// `x IN list`: true if some element equals x; else null if some comparison was null; else false.
// A null list gives null; a non-list right side is a type_error.
Result<Value> in_list(const Value& x, const Value& list);

// STARTS WITH / ENDS WITH / CONTAINS: null unless both sides are strings.
Value starts_with(const Value& text, const Value& prefix);
Value ends_with(const Value& text, const Value& suffix);
Value contains(const Value& text, const Value& part);

// `m.key` on a map: the entry or null when absent; null on null. Nodes and relationships are
// the executor's (it reads the graph); any other type is a type_error.
Result<Value> map_property(const Value& map, std::string_view key);
// `xs[i]` (negative i counts from the end; out of range gives null) and `m['key']`.
// Null list or index gives null; wrong types are a type_error.
Result<Value> index_value(const Value& container, const Value& index);
// `xs[from..to]` with either bound optional (nullopt) and negative bounds counting from the end.
// A null list or null bound gives null.
Result<Value> slice_value(const Value& list, const std::optional<Value>& from,
                          const std::optional<Value>& to);

// The type_error Status used by operators and functions, e.g. "cannot add STRING and BOOLEAN".
Status type_error(std::string message);

}  // namespace expgraph::cypher
