#include "query/cypher/aggregate.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace expgraph::cypher {

Result<Aggregator> Aggregator::create(std::string_view function_name, bool distinct) {
  std::string name(function_name);
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  Kind kind;
  if (name == "count") {
    kind = Kind::kCount;
  } else if (name == "sum") {
    kind = Kind::kSum;
  } else if (name == "avg") {
    kind = Kind::kAvg;
  } else if (name == "min") {
    kind = Kind::kMin;
  } else if (name == "max") {
    kind = Kind::kMax;
  } else if (name == "collect") {
    kind = Kind::kCollect;
  } else if (name == "stdev") {
    kind = Kind::kStdev;
  } else if (name == "stdevp") {
    kind = Kind::kStdevP;
  } else if (name == "percentilecont") {
    kind = Kind::kPercentileCont;
  } else if (name == "percentiledisc") {
    kind = Kind::kPercentileDisc;
  } else {
    return Status::unprocessable("unknown_function",
                                 "unknown aggregate function '" + std::string(function_name) + "'");
  }
  return Aggregator(kind, distinct);
}

Status Aggregator::add(const Value& value) {
  if (kind_ == Kind::kCountStar) {
    ++count_;
    return Status::ok_status();
  }
  if (value.is_null()) return Status::ok_status();
  const bool sums = kind_ == Kind::kSum || kind_ == Kind::kAvg;
  const bool numeric = sums || kind_ == Kind::kStdev || kind_ == Kind::kStdevP ||
                       kind_ == Kind::kPercentileCont || kind_ == Kind::kPercentileDisc;
  if (sums && value.is_duration()) {
    if (count_ > 0 && !saw_duration_) {
      return type_error("sum() and avg() got numbers and a DURATION");
    }
  } else if (numeric && saw_duration_) {
    return type_error("sum() and avg() got durations and a " +
                      std::string(type_name(value.type())));
  } else if (numeric && !value.is_number()) {
    return type_error(std::string(sums ? "sum() and avg() expect numbers or durations"
                                       : "aggregate expects numbers") +
                      " but got " + std::string(type_name(value.type())));
  }
  if (distinct_ && !seen_.insert(value).second) return Status::ok_status();
  ++count_;
  if (value.is_duration() && sums) {
    saw_duration_ = true;
    auto sum = add_durations(duration_sum_, value.as_duration());
    if (!sum.ok()) return sum.status();
    duration_sum_ = *sum;
    return Status::ok_status();
  }
  switch (kind_) {
    case Kind::kCountStar:
    case Kind::kCount:
      break;
    case Kind::kSum:
      if (value.is_int()) {
        if (__builtin_add_overflow(int_sum_, value.as_int(), &int_sum_)) {
          return Status::unprocessable("integer_overflow", "integer overflow in sum()");
        }
      } else {
        saw_float_ = true;
        add_float(value.as_float());
      }
      break;
    case Kind::kAvg:
      if (value.is_int()) {
        avg_int_sum_ += value.as_int();
      } else {
        add_float(value.as_float());
      }
      break;
    case Kind::kStdev:
    case Kind::kStdevP: {
      double x = value.as_number();
      double delta = x - mean_;
      mean_ += delta / static_cast<double>(count_);
      m2_ += delta * (x - mean_);
      break;
    }
    case Kind::kMin:
      if (best_.is_null() || order_compare(value, best_) < 0) best_ = value;
      break;
    case Kind::kMax:
      if (best_.is_null() || order_compare(value, best_) > 0) best_ = value;
      break;
    case Kind::kCollect:
    case Kind::kPercentileCont:
    case Kind::kPercentileDisc:
      items_.push_back(value);
      break;
  }
  return Status::ok_status();
}

void Aggregator::add_float(double x) {
  const double sum = float_sum_ + x;
  if (std::abs(float_sum_) >= std::abs(x)) {
    float_error_ += (float_sum_ - sum) + x;
  } else {
    float_error_ += (x - sum) + float_sum_;
  }
  float_sum_ = sum;
}

double Aggregator::float_total() const {
  // Past an infinity or a NaN the error term means nothing (inf - inf is NaN).
  return std::isfinite(float_sum_) ? float_sum_ + float_error_ : float_sum_;
}

Status Aggregator::set_percentile(const Value& percentile) {
  if (percentile_ >= 0) return Status::ok_status();
  if (!percentile.is_number() || !(percentile.as_number() >= 0.0) ||
      percentile.as_number() > 1.0) {
    return Status::unprocessable("invalid_arguments",
                                 "the percentile must be a number from 0.0 to 1.0, got " +
                                     percentile.debug_string());
  }
  percentile_ = percentile.as_number();
  return Status::ok_status();
}

Value Aggregator::result() const {
  switch (kind_) {
    case Kind::kCountStar:
    case Kind::kCount:
      return Value::integer(count_);
    case Kind::kSum:
      if (saw_duration_) return Value::duration(duration_sum_);
      if (saw_float_) return Value::floating(static_cast<double>(int_sum_) + float_total());
      return Value::integer(int_sum_);
    case Kind::kAvg: {
      if (count_ == 0) return Value::null();
      if (!saw_duration_) {
        // The exact integer sum and the compensated float sum, divided once: the same mean
        // whatever the order of the inputs.
        const long double total = static_cast<long double>(avg_int_sum_) + float_total();
        return Value::floating(static_cast<double>(total / static_cast<long double>(count_)));
      }
      // Dividing by a count of at least 1 cannot overflow the sum that fitted.
      auto mean = scale_duration(duration_sum_, 1.0 / static_cast<double>(count_));
      return mean.ok() ? Value::duration(*mean) : Value::null();
    }
    case Kind::kStdev:
      return Value::floating(count_ < 2 ? 0.0 : std::sqrt(m2_ / static_cast<double>(count_ - 1)));
    case Kind::kStdevP:
      return Value::floating(count_ < 1 ? 0.0 : std::sqrt(m2_ / static_cast<double>(count_)));
    case Kind::kMin:
    case Kind::kMax:
      return best_;
    case Kind::kCollect:
      return Value::list(items_);
    case Kind::kPercentileCont:
    case Kind::kPercentileDisc: {
      if (items_.empty()) return Value::null();
      Value::List sorted = items_;
      std::sort(sorted.begin(), sorted.end(), [](const Value& a, const Value& b) {
        return a.as_number() < b.as_number();
      });
      double n = static_cast<double>(sorted.size());
      if (kind_ == Kind::kPercentileDisc) {
        // The smallest value with at least this share of the values at or below it.
        double position = std::ceil(percentile_ * n) - 1;
        return sorted[static_cast<size_t>(std::clamp(position, 0.0, n - 1))];
      }
      double position = percentile_ * (n - 1);
      size_t below = static_cast<size_t>(std::floor(position));
      size_t above = static_cast<size_t>(std::ceil(position));
      double low = sorted[below].as_number();
      double high = sorted[above].as_number();
      return Value::floating(low + (high - low) * (position - static_cast<double>(below)));
    }
  }
  return Value::null();
}

}  // namespace expgraph::cypher
