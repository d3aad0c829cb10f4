// Value semantics scenarios, in the spirit of the openCypher TCK: each line is an expression
// and the result openCypher specifies (null propagation, three-valued logic, comparability vs
// orderability, int/float arithmetic, overflow, and the scalar functions).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "query/cypher/expression_ops.h"
#include "query/cypher/functions.h"
#include "query/cypher/value.h"
#include "query/cypher/value_ops.h"

namespace expgraph::cypher {
namespace {

Value I(int64_t i) { return Value::integer(i); }
Value F(double d) { return Value::floating(d); }
Value S(std::string s) { return Value::string(std::move(s)); }
Value B(bool b) { return Value::boolean(b); }
const Value N = Value::null();
Value L(std::initializer_list<Value> items) { return Value::list(Value::List(items)); }
Value M(std::initializer_list<std::pair<const std::string, Value>> entries) {
  return Value::map(Value::Map(entries));
}
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

// Renders a Result<Value> for compact expectations: the value's debug string or the error code.
std::string show(const Result<Value>& result) {
  return result.ok() ? result->debug_string() : "ERROR " + result.status().error_code();
}

// A call within the default query limits.
Result<Value> call_with_budget(std::string_view name, std::span<const Value> args,
                               const PropertyLoader* loader = nullptr) {
  QueryBudget budget{QueryLimits{}};
  return call_function(name, args, budget, loader);
}

std::string call(std::string_view name, std::initializer_list<Value> args) {
  std::vector<Value> list(args);
  return show(call_with_budget(name, list));
}

// --- Three-valued logic --------------------------------------------------------------------

TEST(CypherValue, ThreeValuedLogicTruthTables) {
  const Ternary T = Ternary::kTrue, F_ = Ternary::kFalse, U = Ternary::kNull;
  struct Row {
    Ternary a, b, and_, or_, xor_;
  };
  const Row rows[] = {
      {T, T, T, T, F_},  {T, F_, F_, T, T},    {T, U, U, T, U},
      {F_, T, F_, T, T}, {F_, F_, F_, F_, F_}, {F_, U, F_, U, U},
      {U, T, U, T, U},   {U, F_, F_, U, U},    {U, U, U, U, U},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(ternary_and(row.a, row.b), row.and_);
    EXPECT_EQ(ternary_or(row.a, row.b), row.or_);
    EXPECT_EQ(ternary_xor(row.a, row.b), row.xor_);
    // The Value-level operators agree with the Ternary ones.
    Value a = from_ternary(row.a), b = from_ternary(row.b);
    EXPECT_EQ(*logical_and(a, b), from_ternary(row.and_));
    EXPECT_EQ(*logical_or(a, b), from_ternary(row.or_));
    EXPECT_EQ(*logical_xor(a, b), from_ternary(row.xor_));
  }
  EXPECT_EQ(ternary_not(T), F_);
  EXPECT_EQ(ternary_not(F_), T);
  EXPECT_EQ(ternary_not(U), U);
  EXPECT_EQ(show(logical_not(N)), "null");
  EXPECT_EQ(show(logical_not(B(true))), "false");
}

TEST(CypherValue, LogicOnNonBooleansIsATypeError) {
  EXPECT_EQ(show(logical_and(I(1), B(true))), "ERROR type_error");
  EXPECT_EQ(show(logical_or(B(false), S("x"))), "ERROR type_error");
  EXPECT_EQ(show(logical_not(I(0))), "ERROR type_error");
  EXPECT_EQ(logical_and(I(1), B(true)).status().message(),
            "type error: expected BOOLEAN but got INTEGER");
}

TEST(CypherValue, WherePredicateKeepsOnlyTrue) {
  EXPECT_TRUE(is_true(B(true)));
  EXPECT_FALSE(is_true(B(false)));
  EXPECT_FALSE(is_true(N));
  EXPECT_FALSE(is_true(I(1)));
}

// --- Equality and comparison -----------------------------------------------------------------

TEST(CypherValue, EqualityPropagatesNull) {
  EXPECT_EQ(equals(N, I(1)), N);  // null = 1 -> null
  EXPECT_EQ(equals(N, N), N);     // null = null -> null
  EXPECT_EQ(compare(CompareOp::kNe, N, N), N);
  EXPECT_EQ(equals(I(1), I(1)), B(true));
  EXPECT_EQ(equals(I(1), F(1.0)), B(true));  // numbers compare across int/float
  EXPECT_EQ(equals(I(1), F(1.5)), B(false));
  EXPECT_EQ(equals(I(1), S("1")), B(false));  // different types are simply unequal
  EXPECT_EQ(equals(S("a"), S("a")), B(true));
  EXPECT_EQ(equals(B(true), I(1)), B(false));
  EXPECT_EQ(equals(F(kNaN), F(kNaN)), B(false));
  EXPECT_EQ(compare(CompareOp::kNe, F(kNaN), F(kNaN)), B(true));
  // Exact across int/float even beyond 2^53.
  EXPECT_EQ(equals(I(9007199254740993), F(9007199254740992.0)), B(false));
  EXPECT_EQ(equals(I(kMax), F(9223372036854775808.0)), B(false));
}

TEST(CypherValue, EqualityOfListsAndMaps) {
  EXPECT_EQ(equals(L({I(1), I(2)}), L({I(1), F(2.0)})), B(true));
  EXPECT_EQ(equals(L({I(1), I(2)}), L({I(1)})), B(false));  // size decides first
  EXPECT_EQ(equals(L({I(1), N}), L({I(1), N})), N);         // a null element leaves it open
  EXPECT_EQ(equals(L({I(1), N}), L({I(2), N})), B(false));  // ... unless another differs
  EXPECT_EQ(equals(L({}), L({})), B(true));
  EXPECT_EQ(equals(M({{"a", I(1)}}), M({{"a", F(1.0)}})), B(true));
  EXPECT_EQ(equals(M({{"a", I(1)}}), M({{"b", I(1)}})), B(false));
  EXPECT_EQ(equals(M({{"a", N}}), M({{"a", N}})), N);
  EXPECT_EQ(equals(Value::node(1, "Experiment"), Value::node(1, "Experiment")), B(true));
  EXPECT_EQ(equals(Value::node(1, "Experiment"), Value::node(2, "Experiment")), B(false));
  EXPECT_EQ(equals(Value::relationship(1, 2, "TESTS"), Value::relationship(1, 2, "TESTS")),
            B(true));
  EXPECT_EQ(equals(Value::relationship(1, 2, "TESTS"), Value::relationship(2, 1, "TESTS")),
            B(false));
}

TEST(CypherValue, OrderingComparisons) {
  EXPECT_EQ(compare(CompareOp::kLt, I(1), I(2)), B(true));
  EXPECT_EQ(compare(CompareOp::kLt, I(1), F(1.5)), B(true));
  EXPECT_EQ(compare(CompareOp::kGe, F(2.0), I(2)), B(true));
  EXPECT_EQ(compare(CompareOp::kGt, I(kMax), F(9.2e18)), B(true));
  EXPECT_EQ(compare(CompareOp::kLt, S("apple"), S("banana")), B(true));
  EXPECT_EQ(compare(CompareOp::kLt, S("Z"), S("a")), B(true));  // code point order
  EXPECT_EQ(compare(CompareOp::kLt, B(false), B(true)), B(true));
  EXPECT_EQ(compare(CompareOp::kLt, L({I(1), I(2)}), L({I(1), I(3)})), B(true));
  EXPECT_EQ(compare(CompareOp::kLt, L({I(1)}), L({I(1), I(0)})), B(true));
  EXPECT_EQ(compare(CompareOp::kLe, I(3), I(3)), B(true));
  // Incomparable types and nulls give null in predicates.
  EXPECT_EQ(compare(CompareOp::kLt, I(1), S("a")), N);
  EXPECT_EQ(compare(CompareOp::kGt, S("a"), B(true)), N);
  EXPECT_EQ(compare(CompareOp::kLt, M({}), M({})), N);
  EXPECT_EQ(compare(CompareOp::kLt, Value::node(1, "A"), Value::node(2, "A")), N);
  EXPECT_EQ(compare(CompareOp::kLt, N, I(1)), N);
  EXPECT_EQ(compare(CompareOp::kGe, I(1), N), N);
  EXPECT_EQ(compare(CompareOp::kLt, L({I(1), N}), L({I(1), I(2)})), N);
  EXPECT_EQ(compare(CompareOp::kLt, L({I(1), S("a")}), L({I(2), I(2)})), B(true));
  // NaN compares false with every number.
  EXPECT_EQ(compare(CompareOp::kLt, F(kNaN), I(1)), B(false));
  EXPECT_EQ(compare(CompareOp::kGe, F(kNaN), F(kNaN)), B(false));
}

// --- ORDER BY and DISTINCT -------------------------------------------------------------------

TEST(CypherValue, OrderByUsesTheGlobalOrderWithNullLast) {
  std::vector<Value> values = {I(3),
                               N,
                               S("b"),
                               F(kNaN),
                               B(true),
                               L({I(1)}),
                               M({{"a", I(1)}}),
                               Value::node(7, "Team"),
                               Value::relationship(1, 2, "OWNED_BY"),
                               F(-kInf),
                               S("a"),
                               B(false),
                               F(2.5),
                               I(-1),
                               Value::path(PathValue{{NodeRef{1, "A"}}, {}}),
                               F(kInf)};
  std::stable_sort(values.begin(), values.end(),
                   [](const Value& a, const Value& b) { return order_compare(a, b) < 0; });
  std::vector<std::string> shown;
  for (const Value& v : values) shown.push_back(v.debug_string());
  const std::vector<std::string> expected = {
      "{a: 1}", "(#7:Team)", "[#1-OWNED_BY->#2]", "[1]", "<(#1:A)>", "'a'", "'b'",
      "false",  "true",      "-Infinity",         "-1",  "2.5",      "3",   "Infinity",
      "NaN",    "null"};
  EXPECT_EQ(shown, expected);
}

TEST(CypherValue, OrderCompareDetails) {
  EXPECT_EQ(order_compare(I(1), F(1.0)), 0);
  EXPECT_LT(order_compare(I(1), F(1.5)), 0);
  EXPECT_LT(order_compare(L({I(1), I(2)}), L({I(1), I(3)})), 0);
  EXPECT_LT(order_compare(L({I(1)}), L({I(1), N})), 0);
  EXPECT_LT(order_compare(L({I(1), S("x")}), L({I(1), N})), 0);  // null sorts last inside lists too
  EXPECT_EQ(order_compare(N, N), 0);
  EXPECT_LT(order_compare(Value::node(1, "A"), Value::node(2, "A")), 0);
  EXPECT_GT(order_compare(I(kMax), F(-kInf)), 0);
}

TEST(CypherValue, DistinctEquivalenceAndHashing) {
  // null is equivalent to null, NaN to NaN, 1 to 1.0: DISTINCT keeps one of each.
  std::unordered_set<Value, ValueHash, ValueEquivalent> set = {
      N, N, F(kNaN), F(kNaN), I(1), F(1.0), S("1"), L({I(1), N}), L({F(1.0), N}), I(2)};
  EXPECT_EQ(set.size(), 6u);  // null, NaN, 1, '1', [1, null], 2
  EXPECT_TRUE(equivalent(M({{"a", I(1)}}), M({{"a", F(1.0)}})));
  EXPECT_FALSE(equivalent(I(1), S("1")));
  EXPECT_EQ(hash_value(I(1)), hash_value(F(1.0)));
  EXPECT_EQ(hash_value(F(-0.0)), hash_value(I(0)));
}

// --- Arithmetic -------------------------------------------------------------------------------

TEST(CypherValue, IntegerAndFloatArithmetic) {
  EXPECT_EQ(show(add(I(1), I(2))), "3");
  EXPECT_EQ(show(add(I(1), F(0.5))), "1.5");
  EXPECT_EQ(show(subtract(I(1), I(3))), "-2");
  EXPECT_EQ(show(multiply(I(4), F(2.5))), "10.0");
  EXPECT_EQ(show(divide(I(7), I(2))), "3");    // integer division truncates
  EXPECT_EQ(show(divide(I(-7), I(2))), "-3");  // ... toward zero
  EXPECT_EQ(show(divide(I(7), F(2.0))), "3.5");
  EXPECT_EQ(show(modulo(I(7), I(3))), "1");
  EXPECT_EQ(show(modulo(I(-7), I(3))), "-1");  // sign of the dividend
  EXPECT_EQ(show(modulo(F(7.5), I(2))), "1.5");
  EXPECT_EQ(show(power(I(2), I(10))), "1024.0");  // ^ always gives a float
  EXPECT_EQ(show(power(I(2), F(-1))), "0.5");
  EXPECT_EQ(show(negate(I(5))), "-5");
  EXPECT_EQ(show(negate(F(0.5))), "-0.5");
  EXPECT_EQ(show(divide(F(1.0), I(0))), "Infinity");  // IEEE for floats
  EXPECT_EQ(show(divide(I(0), F(0.0))), "NaN");
}

TEST(CypherValue, ArithmeticWithNullIsNull) {
  for (auto op : {add, subtract, multiply, divide, modulo, power}) {
    EXPECT_EQ(show(op(N, I(1))), "null");
    EXPECT_EQ(show(op(I(1), N)), "null");
  }
  EXPECT_EQ(show(negate(N)), "null");
}

TEST(CypherValue, IntegerOverflowAndDivisionByZeroAreErrors) {
  EXPECT_EQ(show(add(I(kMax), I(1))), "ERROR integer_overflow");
  EXPECT_EQ(show(subtract(I(kMin), I(1))), "ERROR integer_overflow");
  EXPECT_EQ(show(multiply(I(kMax), I(2))), "ERROR integer_overflow");
  EXPECT_EQ(show(divide(I(kMin), I(-1))), "ERROR integer_overflow");
  EXPECT_EQ(show(negate(I(kMin))), "ERROR integer_overflow");
  EXPECT_EQ(show(modulo(I(kMin), I(-1))), "0");
  EXPECT_EQ(show(divide(I(1), I(0))), "ERROR division_by_zero");
  EXPECT_EQ(show(modulo(I(1), I(0))), "ERROR division_by_zero");
  EXPECT_EQ(add(I(kMax), I(1)).status().message(), "integer overflow in 9223372036854775807 + 1");
  EXPECT_EQ(add(I(kMax), I(1)).status().code(), StatusCode::kUnprocessable);
  EXPECT_EQ(show(add(I(kMax), F(1))), "9.223372036854776E18");  // floats do not overflow
}

TEST(CypherValue, ConcatenationWithPlus) {
  EXPECT_EQ(show(add(S("ab"), S("cd"))), "'abcd'");
  EXPECT_EQ(show(add(S("n="), I(3))), "'n=3'");
  EXPECT_EQ(show(add(F(1.5), S("x"))), "'1.5x'");
  EXPECT_EQ(show(add(L({I(1)}), L({I(2), I(3)}))), "[1, 2, 3]");
  EXPECT_EQ(show(add(L({I(1)}), I(2))), "[1, 2]");
  EXPECT_EQ(show(add(I(0), L({I(1)}))), "[0, 1]");
  EXPECT_EQ(show(add(S("a"), B(true))), "ERROR type_error");
  EXPECT_EQ(show(add(M({}), I(1))), "ERROR type_error");
  EXPECT_EQ(show(subtract(S("a"), S("b"))), "ERROR type_error");
  EXPECT_EQ(add(S("a"), B(true)).status().message(), "type error: cannot add STRING and BOOLEAN");
}

// --- IN, string predicates, access ------------------------------------------------------------

TEST(CypherValue, InListFollowsNullSemantics) {
  EXPECT_EQ(show(in_list(I(1), L({I(1), I(2)}))), "true");
  EXPECT_EQ(show(in_list(I(3), L({I(1), I(2)}))), "false");
  EXPECT_EQ(show(in_list(I(1), L({N, I(2)}))), "null");  // 1 IN [null, 2] -> null
  EXPECT_EQ(show(in_list(I(2), L({N, I(2)}))), "true");  // a match wins over null
  EXPECT_EQ(show(in_list(N, L({I(1)}))), "null");
  EXPECT_EQ(show(in_list(N, L({}))), "false");
  EXPECT_EQ(show(in_list(I(1), N)), "null");
  EXPECT_EQ(show(in_list(F(1.0), L({I(1)}))), "true");
  EXPECT_EQ(show(in_list(L({I(1)}), L({L({I(1)}), I(2)}))), "true");
  EXPECT_EQ(show(in_list(I(1), I(1))), "ERROR type_error");
}

TEST(CypherValue, StringPredicates) {
  EXPECT_EQ(starts_with(S("Subject line"), S("Sub")), B(true));
  EXPECT_EQ(starts_with(S("Subject"), S("ject")), B(false));
  EXPECT_EQ(ends_with(S("Subject"), S("ject")), B(true));
  EXPECT_EQ(contains(S("Subject"), S("bje")), B(true));
  EXPECT_EQ(contains(S("Subject"), S("")), B(true));
  EXPECT_EQ(starts_with(I(1), S("1")), N);  // non-strings -> null
  EXPECT_EQ(ends_with(S("a"), N), N);
  EXPECT_EQ(contains(L({S("a")}), S("a")), N);
}

TEST(CypherValue, PropertyIndexAndSliceAccess) {
  Value m = M({{"a", I(1)}, {"b", L({I(10), I(20), I(30)})}});
  EXPECT_EQ(show(map_property(m, "a")), "1");
  EXPECT_EQ(show(map_property(m, "zzz")), "null");
  EXPECT_EQ(show(map_property(N, "a")), "null");
  EXPECT_EQ(show(map_property(I(1), "a")), "ERROR type_error");
  Value xs = L({I(10), I(20), I(30)});
  EXPECT_EQ(show(index_value(xs, I(0))), "10");
  EXPECT_EQ(show(index_value(xs, I(-1))), "30");
  EXPECT_EQ(show(index_value(xs, I(3))), "null");
  EXPECT_EQ(show(index_value(xs, I(kMin))), "null");
  EXPECT_EQ(show(index_value(xs, N)), "null");
  EXPECT_EQ(show(index_value(xs, S("a"))), "ERROR type_error");
  EXPECT_EQ(show(index_value(m, S("a"))), "1");
  EXPECT_EQ(show(index_value(m, I(0))), "ERROR type_error");
  EXPECT_EQ(show(slice_value(xs, I(1), std::nullopt)), "[20, 30]");
  EXPECT_EQ(show(slice_value(xs, std::nullopt, I(-1))), "[10, 20]");
  EXPECT_EQ(show(slice_value(xs, I(2), I(1))), "[]");
  EXPECT_EQ(show(slice_value(xs, I(-100), I(100))), "[10, 20, 30]");
  EXPECT_EQ(show(slice_value(xs, N, I(1))), "null");
  EXPECT_EQ(show(slice_value(N, I(0), I(1))), "null");
}

// --- Functions ----------------------------------------------------------------------------------

TEST(CypherValue, SizeLengthAndCoalesce) {
  EXPECT_EQ(call("size", {L({I(1), I(2)})}), "2");
  EXPECT_EQ(call("size", {S("caf\xC3\xA9")}), "4");  // code points, not bytes
  EXPECT_EQ(call("size", {N}), "null");
  EXPECT_EQ(call("size", {I(1)}), "ERROR type_error");
  EXPECT_EQ(call("length", {Value::path(PathValue{{NodeRef{1, "A"}, NodeRef{2, "B"}},
                                                  {RelationshipRef{1, 2, "T"}}})}),
            "1");
  EXPECT_EQ(call("length", {S("abc")}), "3");
  EXPECT_EQ(call("coalesce", {N, N, I(3), I(4)}), "3");
  EXPECT_EQ(call("coalesce", {N}), "null");
  EXPECT_EQ(call("coalesce", {}), "ERROR invalid_arguments");
  EXPECT_EQ(call("SIZE", {S("")}), "0");  // names are case-insensitive
}

TEST(CypherValue, Conversions) {
  EXPECT_EQ(call("toString", {I(42)}), "'42'");
  EXPECT_EQ(call("toString", {F(1.0)}), "'1.0'");
  EXPECT_EQ(call("toString", {F(0.1)}), "'0.1'");
  EXPECT_EQ(call("toString", {F(1e20)}), "'1.0E20'");
  EXPECT_EQ(call("toString", {F(1.5e-7)}), "'1.5E-7'");
  EXPECT_EQ(call("toString", {B(false)}), "'false'");
  EXPECT_EQ(call("toString", {N}), "null");
  EXPECT_EQ(call("toString", {L({})}), "ERROR type_error");
  EXPECT_EQ(call("toInteger", {S("42")}), "42");
  EXPECT_EQ(call("toInteger", {S("-7")}), "-7");
  EXPECT_EQ(call("toInteger", {S("42.9")}), "42");
  EXPECT_EQ(call("toInteger", {S("abc")}), "null");
  EXPECT_EQ(call("toInteger", {S("")}), "null");
  EXPECT_EQ(call("toInteger", {S("99999999999999999999")}), "null");
  EXPECT_EQ(call("toInteger", {N}), "null");
  EXPECT_EQ(call("toInteger", {F(-3.9)}), "-3");
  EXPECT_EQ(call("toInteger", {F(kNaN)}), "null");
  EXPECT_EQ(call("toInteger", {B(true)}), "1");
  EXPECT_EQ(call("toInteger", {M({})}), "ERROR type_error");
  EXPECT_EQ(call("toFloat", {S("1.5")}), "1.5");
  EXPECT_EQ(call("toFloat", {S("1e3")}), "1000.0");
  EXPECT_EQ(call("toFloat", {I(2)}), "2.0");
  EXPECT_EQ(call("toFloat", {S("x")}), "null");
  EXPECT_EQ(call("toFloat", {N}), "null");
  EXPECT_EQ(call("toFloat", {B(true)}), "ERROR type_error");
  EXPECT_EQ(call("toBoolean", {S("TRUE")}), "true");
  EXPECT_EQ(call("toBoolean", {S("yes")}), "null");
}

TEST(CypherValue, Maths) {
  EXPECT_EQ(call("abs", {I(-3)}), "3");
  EXPECT_EQ(call("abs", {F(-2.5)}), "2.5");
  EXPECT_EQ(call("abs", {N}), "null");
  EXPECT_EQ(call("abs", {I(kMin)}), "ERROR integer_overflow");
  EXPECT_EQ(call("abs", {S("1")}), "ERROR type_error");
  EXPECT_EQ(call("round", {F(2.5)}), "3.0");
  EXPECT_EQ(call("round", {F(-2.5)}), "-2.0");  // a tie goes towards positive infinity (Neo4j 5)
  EXPECT_EQ(call("round", {F(2.4)}), "2.0");
  EXPECT_EQ(call("round", {I(7)}), "7.0");
  EXPECT_EQ(call("round", {F(3.14159), I(2)}), "3.14");
  EXPECT_EQ(call("round", {N}), "null");
  EXPECT_EQ(call("ceil", {F(1.2)}), "2.0");
  EXPECT_EQ(call("floor", {F(-1.2)}), "-2.0");
  EXPECT_EQ(call("sign", {F(-0.5)}), "-1");
  EXPECT_EQ(call("sqrt", {I(16)}), "4.0");
  EXPECT_EQ(call("range", {I(1), I(5), I(2)}), "[1, 3, 5]");
  EXPECT_EQ(call("range", {I(5), I(1), I(-2)}), "[5, 3, 1]");
  EXPECT_EQ(call("range", {I(1), I(0)}), "[]");
  // A step pointing away from the end gives no elements, even when it is longer than the span
  // (the TCK's List11 [2] and [3]).
  EXPECT_EQ(call("range", {I(0), I(1), I(-123)}), "[]");
  EXPECT_EQ(call("range", {I(0), I(-1), I(2)}), "[]");
  EXPECT_EQ(call("range", {I(0), I(1), I(2)}), "[0]");
  EXPECT_EQ(call("range", {I(0), I(-1), I(-2)}), "[0]");
  EXPECT_EQ(call("range", {I(0), I(kMax)}), "ERROR query_memory_limit");
  EXPECT_EQ(call("range", {I(0), I(1), I(0)}), "ERROR type_error");
}

TEST(CypherValue, StringAndListFunctions) {
  EXPECT_EQ(call("toLower", {S("AbC")}), "'abc'");
  EXPECT_EQ(call("toUpper", {S("abc\xC3\xA9")}), "'ABC\xC3\x89'");  // é -> É
  // ÄΣЖ -> äσж
  EXPECT_EQ(call("toLower", {S("\xC3\x84\xCE\xA3\xD0\x96")}), "'\xC3\xA4\xCF\x83\xD0\xB6'");
  // U+023A 'Ⱥ' (two bytes) lowers to U+2C65 (three); a byte that is not UTF-8 stays as it is.
  EXPECT_EQ(call("toLower", {S("\xC8\xBA")}), "'\xE2\xB1\xA5'");
  const std::string invalid = std::string("a\xFF") + "b";
  EXPECT_EQ(call("toUpper", {S(invalid)}), "'A\xFF" + std::string("B'"));
  // An overlong 'A' (C1 81) is not UTF-8: it stays, and is not mapped or re-encoded.
  const std::string overlong = std::string("\xC1\x81") + "a";
  EXPECT_EQ(call("toUpper", {S(overlong)}), "'\xC1\x81" + std::string("A'"));
  EXPECT_EQ(call("trim", {S("  a b \n")}), "'a b'");
  EXPECT_EQ(call("ltrim", {S("  a ")}), "'a '");
  EXPECT_EQ(call("rtrim", {S("  a ")}), "'  a'");
  EXPECT_EQ(call("trim", {N}), "null");
  EXPECT_EQ(call("substring", {S("caf\xC3\xA9s"), I(2), I(2)}), "'f\xC3\xA9'");
  EXPECT_EQ(call("substring", {S("hello"), I(1)}), "'ello'");
  EXPECT_EQ(call("left", {S("hello"), I(2)}), "'he'");
  EXPECT_EQ(call("right", {S("hello"), I(2)}), "'lo'");
  EXPECT_EQ(call("replace", {S("a-b-c"), S("-"), S("+")}), "'a+b+c'");
  EXPECT_EQ(call("split", {S("a,b,,c"), S(",")}), "['a', 'b', '', 'c']");
  EXPECT_EQ(call("reverse", {S("ab\xC3\xA9")}),
            "'\xC3\xA9"
            "ba'");
  EXPECT_EQ(call("reverse", {L({I(1), I(2)})}), "[2, 1]");
  EXPECT_EQ(call("head", {L({I(1), I(2)})}), "1");
  EXPECT_EQ(call("last", {L({})}), "null");
  EXPECT_EQ(call("tail", {L({I(1), I(2)})}), "[2]");
}

TEST(CypherValue, GraphEntityFunctions) {
  Value node = Value::node(12, "Experiment");
  Value rel = Value::relationship(12, 40, "TESTS");
  EXPECT_EQ(call("id", {node}), "12");
  EXPECT_EQ(call("labels", {node}), "['Experiment']");
  EXPECT_EQ(call("type", {rel}), "'TESTS'");
  EXPECT_EQ(call("type", {node}), "ERROR type_error");
  EXPECT_EQ(call("keys", {M({{"b", I(1)}, {"a", I(2)}})}), "['a', 'b']");
  EXPECT_EQ(call("properties", {M({{"a", I(1)}})}), "{a: 1}");
  EXPECT_EQ(call("keys", {node}), "ERROR internal");  // needs the executor's loader

  struct FakeLoader : PropertyLoader {
    Result<Value::Map> load_properties(const Value& entity) const override {
      if (!entity.is_node()) return Status::not_found("no such entity");
      return Value::Map{{"name", Value::string("EXP-1")}, {"status", Value::string("running")}};
    }
    Value node_by_id(uint64_t id) const override { return Value::node(id, "Experiment"); }
  } loader;
  std::vector<Value> args = {node};
  EXPECT_EQ(show(call_with_budget("keys", args, &loader)), "['name', 'status']");
  EXPECT_EQ(show(call_with_budget("properties", args, &loader)),
            "{name: 'EXP-1', status: 'running'}");
}

TEST(CypherValue, UnknownFunctionsAndArity) {
  EXPECT_EQ(call("noSuchFunction", {}), "ERROR unknown_function");
  EXPECT_EQ(call("size", {}), "ERROR invalid_arguments");
  std::vector<Value> two = {I(1), I(2)};
  EXPECT_EQ(call_with_budget("toInteger", two).status().message(),
            "toInteger() takes 1 argument(s) but got 2");
  EXPECT_TRUE(check_scalar_call("TOINTEGER", 1).ok());
  EXPECT_EQ(check_scalar_call("count", 1).error_code(), "unknown_function");  // an aggregate
  EXPECT_EQ(check_scalar_call("substring", 4).error_code(), "invalid_arguments");
  EXPECT_EQ(check_scalar_call("coalesce", 0).message(),
            "coalesce() takes at least 1 argument(s) but got 0");
  EXPECT_TRUE(is_aggregate_function("Count"));
  EXPECT_TRUE(is_aggregate_function("collect"));
  EXPECT_FALSE(is_aggregate_function("size"));
}

// --- Representation and JSON ------------------------------------------------------------------

TEST(CypherValue, CheapCopiesAndStructuralEquality) {
  Value list = L({I(1), S("x")});
  Value copy = list;
  EXPECT_EQ(&list.as_list(), &copy.as_list());  // shared, not copied
  EXPECT_EQ(copy, list);
  EXPECT_NE(I(1), F(1.0));  // operator== is structural; equals() is Cypher's =
  EXPECT_EQ(F(kNaN), F(kNaN));
  EXPECT_EQ(Value(), N);
  EXPECT_EQ(type_name(Value::Type::kRelationship), "RELATIONSHIP");
}

TEST(CypherValue, ToJson) {
  Value v = M({{"n", I(1)},
               {"f", F(0.5)},
               {"s", S("x")},
               {"l", L({B(true), N})},
               {"nan", F(kNaN)},
               {"inf", F(-kInf)}});
  EXPECT_EQ(to_json(v).dump(),
            R"({"f":0.5,"inf":"-Infinity","l":[true,null],"n":1,"nan":"NaN","s":"x"})");
  EXPECT_EQ(to_json(Value::node(3, "Team")).dump(), R"({"id":3,"type":"Team"})");
  EXPECT_EQ(to_json(Value::relationship(1, 2, "T")).dump(), R"({"dst":2,"src":1,"type":"T"})");
  EXPECT_EQ(to_json(Value::path(PathValue{{NodeRef{1, "A"}, NodeRef{2, "B"}},
                                          {RelationshipRef{1, 2, "T"}}}))
                .dump(),
            R"({"nodes":[{"id":1,"type":"A"},{"id":2,"type":"B"}],)"
            R"("relationships":[{"dst":2,"src":1,"type":"T"}]})");
  // The executor's renderer replaces the default for entities, wherever they are nested.
  EntityRenderer renderer = [](const Value& entity) -> nlohmann::json {
    return entity.is_node() ? nlohmann::json("node " + std::to_string(entity.as_node().id))
                            : nlohmann::json("other");
  };
  EXPECT_EQ(to_json(L({Value::node(9, "A")}), renderer).dump(), R"(["node 9"])");
}

TEST(CypherValue, FromJsonParameters) {
  auto parse = [](const char* text) { return show(from_json(nlohmann::json::parse(text))); };
  EXPECT_EQ(parse("null"), "null");
  EXPECT_EQ(parse("42"), "42");
  EXPECT_EQ(parse("-42"), "-42");
  EXPECT_EQ(parse("1.5"), "1.5");
  EXPECT_EQ(parse("true"), "true");
  EXPECT_EQ(parse(R"("it's")"), R"('it\'s')");
  EXPECT_EQ(parse(R"([1, "a", [null]])"), "[1, 'a', [null]]");
  EXPECT_EQ(parse(R"({"b": 1, "a": {"c": []}})"), "{a: {c: []}, b: 1}");
  EXPECT_EQ(parse("9223372036854775807"), "9223372036854775807");
  EXPECT_EQ(parse("18446744073709551615"), "ERROR invalid_argument");
  std::string deep(300, '[');
  deep += std::string(300, ']');
  EXPECT_EQ(parse(deep.c_str()), "ERROR invalid_argument");
  // Round trip.
  Value v = M({{"a", L({I(1), F(2.5), S("x"), N, B(false)})}});
  EXPECT_EQ(*from_json(to_json(v)), v);
}

}  // namespace
}  // namespace expgraph::cypher

namespace expgraph::cypher {
namespace {

// --- AST operators ---------------------------------------------------------------------------

TEST(CypherOperators, DispatchToValueSemantics) {
  EXPECT_EQ(show(apply_binary(BinaryOp::kAdd, I(1), I(2))), "3");
  EXPECT_EQ(show(apply_binary(BinaryOp::kEq, N, I(2))), "null");
  EXPECT_EQ(show(apply_binary(BinaryOp::kLessEq, I(2), F(2.0))), "true");
  EXPECT_EQ(show(apply_binary(BinaryOp::kIn, I(1), L({N, I(2)}))), "null");
  EXPECT_EQ(show(apply_binary(BinaryOp::kStartsWith, S("abc"), S("ab"))), "true");
  EXPECT_EQ(show(apply_binary(BinaryOp::kXor, B(true), B(true))), "false");
  EXPECT_EQ(show(apply_binary(BinaryOp::kPower, I(3), I(2))), "9.0");
  EXPECT_EQ(show(apply_unary(UnaryOp::kIsNull, N)), "true");
  EXPECT_EQ(show(apply_unary(UnaryOp::kIsNotNull, N)), "false");
  EXPECT_EQ(show(apply_unary(UnaryOp::kNot, N)), "null");
  EXPECT_EQ(show(apply_unary(UnaryOp::kNegate, I(kMin))), "ERROR integer_overflow");
  EXPECT_EQ(show(apply_unary(UnaryOp::kPlus, S("a"))), "ERROR type_error");
}

}  // namespace
}  // namespace expgraph::cypher
