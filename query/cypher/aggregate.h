// Aggregation state for one aggregate call in one group: count(*), count, sum, avg, min, max,
// collect, stdev, stdevp, each optionally DISTINCT, with openCypher null handling (nulls are
// skipped). The executor keeps one Aggregator per (group key, aggregate expression), feeds it
// each row's argument, and reads result() once the input is exhausted.
// Not thread-safe: one instance belongs to one group of one query.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_set>

#include "ontology/status.h"
#include "query/cypher/value.h"
#include "query/cypher/value_ops.h"

namespace expgraph::cypher {

class Aggregator {
 public:
  enum class Kind {
    kCountStar,
    kCount,
    kSum,
    kAvg,
    kMin,
    kMax,
    kCollect,
    kStdev,
    kStdevP,
    kPercentileCont,
    kPercentileDisc,
  };

  // The aggregator for `function_name` (case-insensitive, as is_aggregate_function accepts).
  // Fails with unknown_function for other names.
  static Result<Aggregator> create(std::string_view function_name, bool distinct);
  // count(*): counts rows, whatever add() is given.
  static Aggregator count_star() { return Aggregator(Kind::kCountStar, false); }

  // Feeds one row's argument value. Nulls are skipped (except by count(*)); with DISTINCT,
  // values equivalent to one already seen are skipped. Fails with type_error when sum/avg see
  // something other than numbers or durations (or both kinds), or stdev/percentiles a
  // non-number, and integer_overflow when an integer or duration sum overflows.
  Status add(const Value& value);
  // percentileCont / percentileDisc: the percentile (a number from 0 to 1; invalid_arguments
  // otherwise), given with each row; the first one given is used.
  Status set_percentile(const Value& percentile);

  // The aggregate over everything added so far. Over no (non-null) input: count gives 0,
  // sum gives 0, collect gives [], stdev gives 0.0, and avg/min/max give null.
  // sum of integers stays an integer; any float makes it a float; avg is always a float.
  // sum of durations is a duration (months, days and seconds summed apart, as duration +
  // duration), avg of durations that sum divided by the count (as duration / n).
  // min/max use the ORDER BY order (order_compare), so they are defined across types.
  // percentileDisc gives the smallest value at or above the percentile (a value of the input);
  // percentileCont interpolates between the two nearest values (a float). Null without input.
  Value result() const;

  Kind kind() const { return kind_; }
  // How many values it keeps (collect()'s items, DISTINCT's seen set): add() raises it when it
  // keeps the value it is given.
  size_t held_values() const { return seen_.size() + items_.size(); }
  bool holds_input() const {
    return kind_ == Kind::kCollect || kind_ == Kind::kPercentileCont ||
           kind_ == Kind::kPercentileDisc;
  }

 private:
  Aggregator(Kind kind, bool distinct) : kind_(kind), distinct_(distinct) {}

  // The floats' compensated sum so far: float_sum_ plus what rounding lost of it.
  double float_total() const;
  // Adds a float to float_sum_ by Neumaier's compensated summation, so that sums and averages
  // do not drift with the number and order of their inputs (a label scan reads nodes in key
  // order or in id order).
  void add_float(double x);

  Kind kind_;
  bool distinct_;
  std::unordered_set<Value, ValueHash, ValueEquivalent> seen_;  // only with DISTINCT
  int64_t count_ = 0;
  // sum: integers are summed exactly until a float appears.
  int64_t int_sum_ = 0;
  double float_sum_ = 0;
  double float_error_ = 0;
  bool saw_float_ = false;
  // avg: integers summed exactly (no overflow below 2^64 of them), floats as for sum.
  __int128 avg_int_sum_ = 0;
  // sum / avg of durations (openCypher allows them besides numbers, not mixed with them).
  bool saw_duration_ = false;
  DurationValue duration_sum_;
  // stdev: Welford's running mean and sum of squared deviations (stable for long inputs).
  double mean_ = 0;
  double m2_ = 0;
  Value best_;              // min / max so far (null until the first non-null value)
  Value::List items_;       // collect; the numbers of a percentile
  double percentile_ = -1;  // percentiles: not yet given
};

}  // namespace expgraph::cypher
