// Aggregate scenarios: each aggregate over a column of values (nulls, duplicates, mixed
// int/float) and the result openCypher specifies, with and without DISTINCT.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "query/cypher/aggregate.h"

namespace expgraph::cypher {
namespace {

Value I(int64_t i) { return Value::integer(i); }
Value F(double d) { return Value::floating(d); }
Value S(std::string s) { return Value::string(std::move(s)); }
const Value N = Value::null();

// The printed result of `name([DISTINCT] x)` over the column `values`, or the error code.
std::string aggregate(std::string_view name, std::vector<Value> values, bool distinct = false) {
  Result<Aggregator> aggregator = Aggregator::create(name, distinct);
  if (!aggregator.ok()) return "ERROR " + aggregator.status().error_code();
  for (const Value& value : values) {
    Status status = aggregator->add(value);
    if (!status.ok()) return "ERROR " + status.error_code();
  }
  return aggregator->result().debug_string();
}

TEST(CypherAggregate, Count) {
  Aggregator star = Aggregator::count_star();
  for (const Value& v : {I(1), N, N}) ASSERT_TRUE(star.add(v).ok());
  EXPECT_EQ(star.result().debug_string(), "3");  // count(*) counts rows, nulls included
  EXPECT_EQ(aggregate("count", {I(1), N, I(1), S("a")}), "3");  // count(x) skips nulls
  EXPECT_EQ(aggregate("count", {I(1), N, I(1), F(1.0), S("a")}, true), "2");
  EXPECT_EQ(aggregate("COUNT", {}), "0");
}

TEST(CypherAggregate, SumAndAvg) {
  EXPECT_EQ(aggregate("sum", {I(1), I(2), N}), "3");
  EXPECT_EQ(aggregate("sum", {I(1), F(0.5)}), "1.5");
  EXPECT_EQ(aggregate("sum", {}), "0");
  EXPECT_EQ(aggregate("sum", {I(2), I(2), I(3)}, true), "5");
  EXPECT_EQ(aggregate("sum", {I(std::numeric_limits<int64_t>::max()), I(1)}),
            "ERROR integer_overflow");
  EXPECT_EQ(aggregate("sum", {I(1), S("2")}), "ERROR type_error");
  EXPECT_EQ(aggregate("avg", {I(1), I(2), N}), "1.5");
  EXPECT_EQ(aggregate("avg", {N}), "null");
  EXPECT_EQ(aggregate("avg", {I(1), I(1), I(4)}, true), "2.5");
}

TEST(CypherAggregate, SumAndAvgDoNotDependOnTheOrderOfTheirInput) {
  // A running mean (Welford's) gave 33457.66666666667 in this order and 33457.666666666664,
  // the exact 100373 / 3, in the reverse order: a label scan reads nodes in key order or in id
  // order, so an average of users differed with the property columns on and off.
  EXPECT_EQ(aggregate("avg", {I(49957), I(50277), I(139)}), "33457.666666666664");
  EXPECT_EQ(aggregate("avg", {I(139), I(50277), I(49957)}), "33457.666666666664");
  // A plain running sum gave 0.6000000000000001 in the first order.
  EXPECT_EQ(aggregate("sum", {F(0.1), F(0.2), F(0.3)}), "0.6");
  EXPECT_EQ(aggregate("sum", {F(0.3), F(0.2), F(0.1)}), "0.6");
  EXPECT_EQ(aggregate("avg", {F(0.1), F(0.2), F(0.3), I(1)}), "0.4");
  // Averages of integers near the int64 bounds neither overflow nor lose the mean.
  EXPECT_EQ(aggregate("avg", {I(std::numeric_limits<int64_t>::max()),
                              I(std::numeric_limits<int64_t>::max())}),
            Value::floating(9223372036854775807.0).debug_string());
  // Infinities and NaN stay what a plain sum gives.
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(aggregate("sum", {F(inf), F(1.0)}), Value::floating(inf).debug_string());
  EXPECT_EQ(aggregate("avg", {F(inf), F(-inf)}), Value::floating(std::nan("")).debug_string());
}

TEST(CypherAggregate, SumAndAvgOfDurations) {
  auto duration = [](int64_t months, int64_t days, int64_t seconds) {
    return Value::duration(DurationValue{months, days, seconds, 0});
  };
  // Months, days and seconds are summed apart, as duration + duration adds them.
  EXPECT_EQ(aggregate("sum", {duration(1, 10, 0), N, duration(1, 30, 3600)}),
            aggregate("max", {duration(2, 40, 3600)}));
  // avg is the sum divided by the count, as duration / n divides it.
  EXPECT_EQ(aggregate("avg", {duration(0, 41, 0), duration(0, 60, 0)}),
            aggregate("max", {duration(0, 50, 43200)}));
  EXPECT_EQ(aggregate("avg", {duration(0, 1, 0), duration(0, 1, 0)}, true),
            aggregate("max", {duration(0, 1, 0)}));
  // Durations and numbers do not mix, in either order.
  EXPECT_EQ(aggregate("sum", {duration(0, 1, 0), I(1)}), "ERROR type_error");
  EXPECT_EQ(aggregate("avg", {F(1.5), duration(0, 1, 0)}), "ERROR type_error");
  EXPECT_EQ(aggregate("stdev", {duration(0, 1, 0)}), "ERROR type_error");
}

TEST(CypherAggregate, MinMaxUseTheOrderByOrder) {
  EXPECT_EQ(aggregate("min", {I(3), N, F(1.5), I(2)}), "1.5");
  EXPECT_EQ(aggregate("max", {I(3), N, F(3.5), I(2)}), "3.5");
  EXPECT_EQ(aggregate("min", {S("b"), S("a")}), "'a'");
  EXPECT_EQ(aggregate("max", {}), "null");
  EXPECT_EQ(aggregate("min", {N, N}), "null");
  EXPECT_EQ(aggregate("min", {I(1), S("a")}), "'a'");  // strings order before numbers
}

TEST(CypherAggregate, Collect) {
  EXPECT_EQ(aggregate("collect", {I(1), N, I(2), I(1)}), "[1, 2, 1]");
  EXPECT_EQ(aggregate("collect", {I(1), N, I(2), I(1), F(2.0)}, true), "[1, 2]");
  EXPECT_EQ(aggregate("collect", {}), "[]");
}

TEST(CypherAggregate, StandardDeviation) {
  EXPECT_EQ(aggregate("stdev", {I(2), I(4), I(4), I(4), I(5), I(5), I(7), I(9)}),
            Value::floating(std::sqrt(32.0 / 7.0)).debug_string());
  EXPECT_EQ(aggregate("stdevp", {I(2), I(4), I(4), I(4), I(5), I(5), I(7), I(9)}), "2.0");
  EXPECT_EQ(aggregate("stdev", {I(1)}), "0.0");
}

TEST(CypherAggregate, UnknownNames) {
  EXPECT_EQ(aggregate("median", {}), "ERROR unknown_function");
}

}  // namespace
}  // namespace expgraph::cypher
