// The numeric functions beyond abs/ceil/floor/sqrt/sign (functions.cc): round with precision and
// mode, logarithms, trigonometry, constants, rand() and isNaN(). Null in, null out.
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <numbers>
#include <random>
#include <string>

#include "query/cypher/function_registry.h"
#include "query/cypher/value_ops.h"

namespace expgraph::cypher {

namespace {

Result<double> number_argument(std::string_view function, const Value& arg) {
  if (!arg.is_number()) return argument_type_error(function, arg, "a number");
  return arg.as_number();
}

// The nearest integer, a tie going towards positive infinity (round(-2.5) is -2.0), as Neo4j 5's
// round(x) (java.lang.Math.round). x - floor(x) is exact for every double.
double round_half_towards_positive_infinity(double x) {
  if (!std::isfinite(x)) return x;
  double floor = std::floor(x);
  return x - floor >= 0.5 ? floor + 1 : floor;
}

// round(x), round(x, digits), round(x, digits, mode) as Neo4j 5 specifies them (openCypher's TCK
// has no rounding scenario): without a mode, ties go away from zero, except at 0 digits, where
// they go towards positive infinity like round(x); with a mode, the mode decides.
Result<Value> fn_round(Args args, const CallContext&) {
  for (const Value& arg : args) {
    if (arg.is_null()) return Value::null();
  }
  auto x = number_argument("round", args[0]);
  if (!x.ok()) return x.status();
  if (args.size() == 1) return Value::floating(round_half_towards_positive_infinity(*x));
  if (!args[1].is_int()) return argument_type_error("round", args[1], "an INTEGER precision");
  int64_t digits = args[1].as_int();
  if (digits < -15 || digits > 15) return type_error("round() precision must be between -15 and 15");
  if (args.size() == 2 && digits == 0) {
    return Value::floating(round_half_towards_positive_infinity(*x));
  }
  std::string mode = "HALF_UP";
  if (args.size() > 2) {
    if (!args[2].is_string()) return argument_type_error("round", args[2], "a STRING mode");
    mode = args[2].as_string();
    for (char& c : mode) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (!std::isfinite(*x)) return Value::floating(*x);
  double scale = std::pow(10.0, static_cast<double>(digits));
  // Scaled through a decimal rendering so that 2.675 rounds as written (2.68), not as its
  // binary value 2.67499999... does.
  char text[64];
  std::snprintf(text, sizeof(text), "%.15g", *x * scale);
  double scaled = std::strtod(text, nullptr);
  double rounded;
  double floor = std::floor(scaled);
  double fraction = scaled - floor;
  constexpr double kHalfTolerance = 1e-9;
  bool half = std::fabs(fraction - 0.5) < kHalfTolerance;
  if (mode == "UP") {
    rounded = scaled < 0 ? std::floor(scaled) : std::ceil(scaled);
  } else if (mode == "DOWN") {
    rounded = std::trunc(scaled);
  } else if (mode == "CEILING") {
    rounded = std::ceil(scaled);
  } else if (mode == "FLOOR") {
    rounded = floor;
  } else if (mode == "HALF_UP") {
    rounded = half ? (scaled < 0 ? floor : floor + 1) : std::round(scaled);
  } else if (mode == "HALF_DOWN") {
    rounded = half ? (scaled < 0 ? floor + 1 : floor) : std::round(scaled);
  } else if (mode == "HALF_EVEN") {
    rounded = half ? (std::fmod(floor, 2.0) == 0 ? floor : floor + 1) : std::round(scaled);
  } else {
    return Status::unprocessable(
        "invalid_arguments",
        "round() mode must be UP, DOWN, CEILING, FLOOR, HALF_UP, HALF_DOWN or HALF_EVEN, not '" +
            mode + "'");
  }
  return Value::floating(rounded / scale);
}

template <double (*kOp)(double)>
Result<Value> unary_float(Args args, const CallContext&) {
  if (args[0].is_null()) return Value::null();
  if (!args[0].is_number()) return type_error("expected a number but got " +
                                              std::string(type_name(args[0].type())));
  return Value::floating(kOp(args[0].as_number()));
}

double exp_of(double x) { return std::exp(x); }
double log_of(double x) { return std::log(x); }
double log10_of(double x) { return std::log10(x); }
double sin_of(double x) { return std::sin(x); }
double cos_of(double x) { return std::cos(x); }
double tan_of(double x) { return std::tan(x); }
double asin_of(double x) { return std::asin(x); }
double acos_of(double x) { return std::acos(x); }
double atan_of(double x) { return std::atan(x); }
double cot_of(double x) { return 1.0 / std::tan(x); }
double degrees_of(double x) { return x * 180.0 / std::numbers::pi; }
double radians_of(double x) { return x * std::numbers::pi / 180.0; }
double haversin_of(double x) { return (1.0 - std::cos(x)) / 2.0; }

Result<Value> fn_atan2(Args args, const CallContext&) {
  if (args[0].is_null() || args[1].is_null()) return Value::null();
  auto y = number_argument("atan2", args[0]);
  if (!y.ok()) return y.status();
  auto x = number_argument("atan2", args[1]);
  if (!x.ok()) return x.status();
  return Value::floating(std::atan2(*y, *x));
}

Result<Value> fn_e(Args, const CallContext&) { return Value::floating(std::numbers::e); }
Result<Value> fn_pi(Args, const CallContext&) { return Value::floating(std::numbers::pi); }

// A float in [0, 1), from a generator per thread seeded once from the system.
Result<Value> fn_rand(Args, const CallContext&) {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return Value::floating(std::uniform_real_distribution<double>(0.0, 1.0)(generator));
}

Result<Value> fn_is_nan(Args args, const CallContext&) {
  if (args[0].is_null()) return Value::null();
  auto x = number_argument("isNaN", args[0]);
  if (!x.ok()) return x.status();
  return Value::boolean(std::isnan(*x));
}

// Milliseconds since the Unix epoch, of the statement's clock (the same in the whole statement).
Result<Value> fn_timestamp(Args, const CallContext& context) {
  return Value::integer(context.statement_nanos / 1000000);
}

}  // namespace

void add_math_functions(FunctionTable& table) {
  table.insert({
      {"round", {1, 3, fn_round}},
      {"exp", {1, 1, unary_float<exp_of>}},
      {"log", {1, 1, unary_float<log_of>}},
      {"log10", {1, 1, unary_float<log10_of>}},
      {"sin", {1, 1, unary_float<sin_of>}},
      {"cos", {1, 1, unary_float<cos_of>}},
      {"tan", {1, 1, unary_float<tan_of>}},
      {"asin", {1, 1, unary_float<asin_of>}},
      {"acos", {1, 1, unary_float<acos_of>}},
      {"atan", {1, 1, unary_float<atan_of>}},
      {"cot", {1, 1, unary_float<cot_of>}},
      {"degrees", {1, 1, unary_float<degrees_of>}},
      {"radians", {1, 1, unary_float<radians_of>}},
      {"haversin", {1, 1, unary_float<haversin_of>}},
      {"atan2", {2, 2, fn_atan2}},
      {"e", {0, 0, fn_e}},
      {"pi", {0, 0, fn_pi}},
      {"rand", {0, 0, fn_rand}},
      {"isnan", {1, 1, fn_is_nan}},
      {"timestamp", {0, 0, fn_timestamp}},
  });
}

}  // namespace expgraph::cypher
