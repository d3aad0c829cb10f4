#include "query/cypher/aggregate.h"

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
  bool numeric =
      kind_ == Kind::kSum || kind_ == Kind::kAvg || kind_ == Kind::kStdev || kind_ == Kind::kStdevP;
  if (numeric && !value.is_number()) {
    return type_error("aggregate expects numbers but got " + std::string(type_name(value.type())));
  }
  if (distinct_ && !seen_.insert(value).second) return Status::ok_status();
  ++count_;
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
        float_sum_ += value.as_float();
      }
      break;
    case Kind::kAvg:
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
      items_.push_back(value);
      break;
  }
  return Status::ok_status();
}

Value Aggregator::result() const {
  switch (kind_) {
    case Kind::kCountStar:
    case Kind::kCount:
      return Value::integer(count_);
    case Kind::kSum:
      if (saw_float_) return Value::floating(static_cast<double>(int_sum_) + float_sum_);
      return Value::integer(int_sum_);
    case Kind::kAvg:
      return count_ == 0 ? Value::null() : Value::floating(mean_);
    case Kind::kStdev:
      return Value::floating(count_ < 2 ? 0.0 : std::sqrt(m2_ / static_cast<double>(count_ - 1)));
    case Kind::kStdevP:
      return Value::floating(count_ < 1 ? 0.0 : std::sqrt(m2_ / static_cast<double>(count_)));
    case Kind::kMin:
    case Kind::kMax:
      return best_;
    case Kind::kCollect:
      return Value::list(items_);
  }
  return Value::null();
}

}  // namespace expgraph::cypher
