#include "query/cypher/value_ops.h"

#include <algorithm>
#include <cmath>
#include <compare>
#include <functional>
#include <limits>

#include "query/cypher/temporal_ops.h"

namespace expgraph::cypher {

namespace {

using Type = Value::Type;

// Exact comparison of an int64 with a double: converting the integer to double would round
// integers above 2^53 and make distinct values compare equal.
std::partial_ordering compare_int_double(int64_t i, double d) {
  if (std::isnan(d)) return std::partial_ordering::unordered;
  // 2^63 is exactly representable; every int64 is below it and at or above -2^63.
  constexpr double kTwo63 = 9223372036854775808.0;
  if (d >= kTwo63) return std::partial_ordering::less;
  if (d < -kTwo63) return std::partial_ordering::greater;
  double truncated = std::trunc(d);
  int64_t whole = static_cast<int64_t>(truncated);
  if (i != whole) return i < whole ? std::partial_ordering::less : std::partial_ordering::greater;
  double fraction = d - truncated;
  if (fraction > 0) return std::partial_ordering::less;
  if (fraction < 0) return std::partial_ordering::greater;
  return std::partial_ordering::equivalent;
}

// Both values must be numbers.
std::partial_ordering compare_numbers(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return a.as_int() <=> b.as_int();
  if (a.is_float() && b.is_float()) return a.as_float() <=> b.as_float();
  if (a.is_int()) return compare_int_double(a.as_int(), b.as_float());
  return 0 <=> compare_int_double(b.as_int(), a.as_float());
}

int sign_of(std::strong_ordering o) { return o < 0 ? -1 : (o > 0 ? 1 : 0); }

template <typename T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

bool holds_result(CompareOp op, std::partial_ordering o) {
  switch (op) {
    case CompareOp::kEq:
      return o == 0;
    case CompareOp::kNe:
      return o != 0;
    case CompareOp::kLt:
      return o < 0;
    case CompareOp::kLe:
      return o <= 0;
    case CompareOp::kGt:
      return o > 0;
    case CompareOp::kGe:
      return o >= 0;
  }
  return false;
}

// The ordering of two values for <, <=, >, >=: nullopt means the comparison is null (a null
// somewhere that matters, or incomparable types); unordered means NaN was involved (false).
std::optional<std::partial_ordering> comparable_order(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  if (a.is_number() && b.is_number()) return compare_numbers(a, b);
  if (involves_temporal(a, b)) return temporal_comparable_order(a, b);
  if (a.type() != b.type()) return std::nullopt;
  switch (a.type()) {
    case Type::kString:
      return a.as_string() <=> b.as_string();
    case Type::kBool:
      return a.as_bool() <=> b.as_bool();
    case Type::kList: {
      const Value::List& x = a.as_list();
      const Value::List& y = b.as_list();
      size_t common = std::min(x.size(), y.size());
      for (size_t i = 0; i < common; ++i) {
        std::optional<std::partial_ordering> element = comparable_order(x[i], y[i]);
        if (!element) return std::nullopt;
        if (*element != 0) return element;
      }
      return x.size() <=> y.size();
    }
    default:
      return std::nullopt;
  }
}

int type_rank(const Value& v) {
  switch (v.type()) {
    case Type::kMap:
      return 0;
    case Type::kNode:
      return 1;
    case Type::kRelationship:
      return 2;
    case Type::kList:
      return 3;
    case Type::kPath:
      return 4;
    case Type::kDateTime:
      return 5;
    case Type::kLocalDateTime:
      return 6;
    case Type::kDate:
      return 7;
    case Type::kTime:
      return 8;
    case Type::kLocalTime:
      return 9;
    case Type::kDuration:
      return 10;
    case Type::kString:
      return 11;
    case Type::kBool:
      return 12;
    case Type::kInt:
    case Type::kFloat:
      return 13;
    case Type::kNull:
      return 14;
  }
  return 15;
}

int order_nodes(const NodeRef& a, const NodeRef& b) {
  if (a.id != b.id) return a.id < b.id ? -1 : 1;
  return three_way(a.type, b.type);
}

int order_relationships(const RelationshipRef& a, const RelationshipRef& b) {
  if (a.src != b.src) return a.src < b.src ? -1 : 1;
  if (int c = three_way(a.type, b.type); c != 0) return c;
  if (a.dst != b.dst) return a.dst < b.dst ? -1 : 1;
  return 0;
}

void hash_combine(size_t& seed, size_t h) {
  seed ^= h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
}

Status integer_overflow(std::string_view op, int64_t a, int64_t b) {
  return Status::unprocessable(
      "integer_overflow",
      "integer overflow in " + std::to_string(a) + " " + std::string(op) + " " + std::to_string(b));
}

Status division_by_zero(std::string_view op, int64_t a) {
  return Status::unprocessable("division_by_zero", "division by zero in " + std::to_string(a) +
                                                       " " + std::string(op) + " 0");
}

Status operand_error(std::string_view verb, const Value& a, const Value& b) {
  return type_error("cannot " + std::string(verb) + " " + std::string(type_name(a.type())) +
                    " and " + std::string(type_name(b.type())));
}

std::string number_text(const Value& v) {
  return v.is_int() ? std::to_string(v.as_int()) : format_float(v.as_float());
}

// The shared shape of - * / % ^ on numbers: ints through `int_op` (which reports overflow and
// division by zero), anything with a float through `float_op`.
template <typename IntOp, typename FloatOp>
Result<Value> numeric(std::string_view verb, const Value& a, const Value& b, IntOp int_op,
                      FloatOp float_op) {
  if (a.is_null() || b.is_null()) return Value::null();
  if (!a.is_number() || !b.is_number()) return operand_error(verb, a, b);
  if (a.is_int() && b.is_int()) return int_op(a.as_int(), b.as_int());
  return Value::floating(float_op(a.as_number(), b.as_number()));
}

Result<Value> ternary_binary(const Value& a, const Value& b, Ternary (*op)(Ternary, Ternary)) {
  Result<Ternary> x = to_ternary(a);
  if (!x.ok()) return x.status();
  Result<Ternary> y = to_ternary(b);
  if (!y.ok()) return y.status();
  return from_ternary(op(*x, *y));
}

// Resolves a possibly negative list position against `size`.
int64_t resolve_position(int64_t position, int64_t size) {
  return position < 0 ? position + size : position;
}

}  // namespace

Status type_error(std::string message) {
  return Status::unprocessable("type_error", "type error: " + std::move(message));
}

// --- Three-valued logic -------------------------------------------------------------------

Ternary ternary_not(Ternary a) {
  if (a == Ternary::kNull) return Ternary::kNull;
  return a == Ternary::kTrue ? Ternary::kFalse : Ternary::kTrue;
}

Ternary ternary_and(Ternary a, Ternary b) {
  if (a == Ternary::kFalse || b == Ternary::kFalse) return Ternary::kFalse;
  if (a == Ternary::kNull || b == Ternary::kNull) return Ternary::kNull;
  return Ternary::kTrue;
}

Ternary ternary_or(Ternary a, Ternary b) {
  if (a == Ternary::kTrue || b == Ternary::kTrue) return Ternary::kTrue;
  if (a == Ternary::kNull || b == Ternary::kNull) return Ternary::kNull;
  return Ternary::kFalse;
}

Ternary ternary_xor(Ternary a, Ternary b) {
  if (a == Ternary::kNull || b == Ternary::kNull) return Ternary::kNull;
  return a != b ? Ternary::kTrue : Ternary::kFalse;
}

Result<Ternary> to_ternary(const Value& value) {
  if (value.is_null()) return Ternary::kNull;
  if (value.is_bool()) return value.as_bool() ? Ternary::kTrue : Ternary::kFalse;
  return type_error("expected BOOLEAN but got " + std::string(type_name(value.type())));
}

Value from_ternary(Ternary t) {
  if (t == Ternary::kNull) return Value::null();
  return Value::boolean(t == Ternary::kTrue);
}

Result<Value> logical_and(const Value& a, const Value& b) {
  return ternary_binary(a, b, ternary_and);
}
Result<Value> logical_or(const Value& a, const Value& b) {
  return ternary_binary(a, b, ternary_or);
}
Result<Value> logical_xor(const Value& a, const Value& b) {
  return ternary_binary(a, b, ternary_xor);
}
Result<Value> logical_not(const Value& a) {
  Result<Ternary> x = to_ternary(a);
  if (!x.ok()) return x.status();
  return from_ternary(ternary_not(*x));
}

// --- Equality and comparison -------------------------------------------------------------

Value equals(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value::null();
  if (a.is_number() && b.is_number()) return Value::boolean(compare_numbers(a, b) == 0);
  if (involves_temporal(a, b)) return Value::boolean(temporal_equals(a, b));
  if (a.type() != b.type()) return Value::boolean(false);
  switch (a.type()) {
    case Type::kList: {
      const Value::List& x = a.as_list();
      const Value::List& y = b.as_list();
      if (x.size() != y.size()) return Value::boolean(false);
      bool saw_null = false;
      for (size_t i = 0; i < x.size(); ++i) {
        Value element = equals(x[i], y[i]);
        if (element.is_null()) {
          saw_null = true;
        } else if (!element.as_bool()) {
          return Value::boolean(false);
        }
      }
      return saw_null ? Value::null() : Value::boolean(true);
    }
    case Type::kMap: {
      const Value::Map& x = a.as_map();
      const Value::Map& y = b.as_map();
      if (x.size() != y.size()) return Value::boolean(false);
      bool saw_null = false;
      for (auto xi = x.begin(), yi = y.begin(); xi != x.end(); ++xi, ++yi) {
        if (xi->first != yi->first) return Value::boolean(false);
      }
      for (auto xi = x.begin(), yi = y.begin(); xi != x.end(); ++xi, ++yi) {
        Value element = equals(xi->second, yi->second);
        if (element.is_null()) {
          saw_null = true;
        } else if (!element.as_bool()) {
          return Value::boolean(false);
        }
      }
      return saw_null ? Value::null() : Value::boolean(true);
    }
    default:
      return Value::boolean(a == b);
  }
}

Value compare(CompareOp op, const Value& a, const Value& b) {
  if (op == CompareOp::kEq) return equals(a, b);
  if (op == CompareOp::kNe) {
    Value eq = equals(a, b);
    return eq.is_null() ? eq : Value::boolean(!eq.as_bool());
  }
  std::optional<std::partial_ordering> order = comparable_order(a, b);
  if (!order) return Value::null();
  return Value::boolean(holds_result(op, *order));
}

// --- ORDER BY and DISTINCT -----------------------------------------------------------------

int order_compare(const Value& a, const Value& b) {
  int rank_a = type_rank(a);
  int rank_b = type_rank(b);
  if (rank_a != rank_b) return rank_a < rank_b ? -1 : 1;
  switch (a.type()) {
    case Type::kNull:
      return 0;
    case Type::kInt:
    case Type::kFloat: {
      bool nan_a = a.is_float() && std::isnan(a.as_float());
      bool nan_b = b.is_float() && std::isnan(b.as_float());
      if (nan_a || nan_b) return nan_a == nan_b ? 0 : (nan_a ? 1 : -1);
      std::partial_ordering o = compare_numbers(a, b);
      return o < 0 ? -1 : (o > 0 ? 1 : 0);
    }
    case Type::kBool:
      return three_way(a.as_bool(), b.as_bool());
    case Type::kString:
      return sign_of(a.as_string().compare(b.as_string()) <=> 0);
    case Type::kList: {
      const Value::List& x = a.as_list();
      const Value::List& y = b.as_list();
      size_t common = std::min(x.size(), y.size());
      for (size_t i = 0; i < common; ++i) {
        if (int c = order_compare(x[i], y[i]); c != 0) return c;
      }
      return three_way(x.size(), y.size());
    }
    case Type::kMap: {
      const Value::Map& x = a.as_map();
      const Value::Map& y = b.as_map();
      auto xi = x.begin();
      auto yi = y.begin();
      for (; xi != x.end() && yi != y.end(); ++xi, ++yi) {
        if (int c = three_way(xi->first, yi->first); c != 0) return c;
        if (int c = order_compare(xi->second, yi->second); c != 0) return c;
      }
      return three_way(x.size(), y.size());
    }
    case Type::kNode:
      return order_nodes(a.as_node(), b.as_node());
    case Type::kRelationship:
      return order_relationships(a.as_relationship(), b.as_relationship());
    case Type::kPath: {
      const PathValue& x = a.as_path();
      const PathValue& y = b.as_path();
      size_t common = std::min(x.nodes.size(), y.nodes.size());
      for (size_t i = 0; i < common; ++i) {
        if (int c = order_nodes(x.nodes[i], y.nodes[i]); c != 0) return c;
        if (i < x.relationships.size() && i < y.relationships.size()) {
          int c = order_relationships(x.relationships[i], y.relationships[i]);
          if (c != 0) return c;
        }
      }
      return three_way(x.nodes.size(), y.nodes.size());
    }
    case Type::kDate:
    case Type::kLocalDateTime:
    case Type::kDateTime:
    case Type::kDuration:
    case Type::kLocalTime:
    case Type::kTime:
      return temporal_order_compare(a, b);
  }
  return 0;
}

bool equivalent(const Value& a, const Value& b) { return order_compare(a, b) == 0; }

size_t hash_value(const Value& value) {
  size_t seed = static_cast<size_t>(type_rank(value));
  switch (value.type()) {
    case Type::kNull:
      break;
    case Type::kBool:
      hash_combine(seed, value.as_bool() ? 1 : 2);
      break;
    case Type::kInt:
      hash_combine(seed, std::hash<int64_t>{}(value.as_int()));
      break;
    case Type::kFloat: {
      double d = value.as_float();
      if (std::isnan(d)) {
        hash_combine(seed, 0x7ff8);
      } else if (std::trunc(d) == d && d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
        // Integral floats hash like the equivalent integer (1.0 is equivalent to 1).
        hash_combine(seed, std::hash<int64_t>{}(static_cast<int64_t>(d)));
      } else {
        hash_combine(seed, std::hash<double>{}(d));
      }
      break;
    }
    case Type::kString:
      hash_combine(seed, std::hash<std::string>{}(value.as_string()));
      break;
    case Type::kList:
      for (const Value& item : value.as_list()) hash_combine(seed, hash_value(item));
      break;
    case Type::kMap:
      for (const auto& [key, item] : value.as_map()) {
        hash_combine(seed, std::hash<std::string>{}(key));
        hash_combine(seed, hash_value(item));
      }
      break;
    case Type::kNode:
      hash_combine(seed, std::hash<uint64_t>{}(value.as_node().id));
      break;
    case Type::kRelationship: {
      const RelationshipRef& rel = value.as_relationship();
      hash_combine(seed, std::hash<uint64_t>{}(rel.src));
      hash_combine(seed, std::hash<uint64_t>{}(rel.dst));
      hash_combine(seed, std::hash<std::string>{}(rel.type));
      break;
    }
    case Type::kPath:
      for (const NodeRef& node : value.as_path().nodes) {
        hash_combine(seed, std::hash<uint64_t>{}(node.id));
      }
      break;
    case Type::kDate:
    case Type::kLocalDateTime:
    case Type::kDateTime:
    case Type::kDuration:
    case Type::kLocalTime:
    case Type::kTime:
      hash_combine(seed, temporal_hash(value));
      break;
  }
  return seed;
}

// --- Arithmetic ----------------------------------------------------------------------------

Result<Value> add(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value::null();
  if (!a.is_list() && !b.is_list()) {
    if (auto temporal = temporal_add(a, b)) return *temporal;
  }
  if (a.is_int() && b.is_int()) {
    int64_t sum;
    if (__builtin_add_overflow(a.as_int(), b.as_int(), &sum)) {
      return integer_overflow("+", a.as_int(), b.as_int());
    }
    return Value::integer(sum);
  }
  if (a.is_number() && b.is_number()) return Value::floating(a.as_number() + b.as_number());
  if (a.is_string() && b.is_string()) return Value::string(a.as_string() + b.as_string());
  if (a.is_string() && b.is_number()) return Value::string(a.as_string() + number_text(b));
  if (a.is_number() && b.is_string()) return Value::string(number_text(a) + b.as_string());
  if (a.is_list() || b.is_list()) {
    Value::List items;
    if (a.is_list()) {
      items = a.as_list();
    } else {
      items.push_back(a);
    }
    if (b.is_list()) {
      items.insert(items.end(), b.as_list().begin(), b.as_list().end());
    } else {
      items.push_back(b);
    }
    return Value::list(std::move(items));
  }
  return operand_error("add", a, b);
}

Result<Value> subtract(const Value& a, const Value& b) {
  if (!a.is_null() && !b.is_null()) {
    if (auto temporal = temporal_subtract(a, b)) return *temporal;
  }
  return numeric(
      "subtract", a, b,
      [](int64_t x, int64_t y) -> Result<Value> {
        int64_t r;
        if (__builtin_sub_overflow(x, y, &r)) return integer_overflow("-", x, y);
        return Value::integer(r);
      },
      [](double x, double y) { return x - y; });
}

Result<Value> multiply(const Value& a, const Value& b) {
  if (!a.is_null() && !b.is_null()) {
    if (auto temporal = temporal_multiply(a, b)) return *temporal;
  }
  return numeric(
      "multiply", a, b,
      [](int64_t x, int64_t y) -> Result<Value> {
        int64_t r;
        if (__builtin_mul_overflow(x, y, &r)) return integer_overflow("*", x, y);
        return Value::integer(r);
      },
      [](double x, double y) { return x * y; });
}

Result<Value> divide(const Value& a, const Value& b) {
  if (!a.is_null() && !b.is_null()) {
    if (auto temporal = temporal_divide(a, b)) return *temporal;
  }
  return numeric(
      "divide", a, b,
      [](int64_t x, int64_t y) -> Result<Value> {
        if (y == 0) return division_by_zero("/", x);
        if (x == std::numeric_limits<int64_t>::min() && y == -1) {
          return integer_overflow("/", x, y);
        }
        return Value::integer(x / y);  // C++ truncates toward zero, as Cypher does
      },
      [](double x, double y) { return x / y; });
}

Result<Value> modulo(const Value& a, const Value& b) {
  return numeric(
      "compute the modulo of", a, b,
      [](int64_t x, int64_t y) -> Result<Value> {
        if (y == 0) return division_by_zero("%", x);
        // INT64_MIN % -1 is undefined behaviour in C++; its mathematical value is 0.
        if (y == -1) return Value::integer(0);
        return Value::integer(x % y);  // sign follows the dividend, as in Java/Cypher
      },
      [](double x, double y) { return std::fmod(x, y); });
}

Result<Value> power(const Value& a, const Value& b) {
  return numeric(
      "raise", a, b,
      [](int64_t x, int64_t y) -> Result<Value> {
        return Value::floating(std::pow(static_cast<double>(x), static_cast<double>(y)));
      },
      [](double x, double y) { return std::pow(x, y); });
}

Result<Value> negate(const Value& a) {
  if (a.is_null()) return Value::null();
  if (a.is_int()) {
    if (a.as_int() == std::numeric_limits<int64_t>::min()) {
      return Status::unprocessable("integer_overflow",
                                   "integer overflow in -(" + std::to_string(a.as_int()) + ")");
    }
    return Value::integer(-a.as_int());
  }
  if (a.is_float()) return Value::floating(-a.as_float());
  if (a.is_duration()) {
    auto negated = negate_duration(a.as_duration());
    if (!negated.ok()) return negated.status();
    return Value::duration(*negated);
  }
  return type_error("cannot negate " + std::string(type_name(a.type())));
}

// --- Lists, strings, maps ------------------------------------------------------------------

Result<Value> in_list(const Value& x, const Value& list) {
  if (list.is_null()) return Value::null();
  if (!list.is_list()) {
    return type_error("IN expects a LIST on its right but got " +
                      std::string(type_name(list.type())));
  }
  bool saw_null = false;
  for (const Value& item : list.as_list()) {
    Value eq = equals(x, item);
    if (eq.is_null()) {
      saw_null = true;
    } else if (eq.as_bool()) {
      return Value::boolean(true);
    }
  }
  return saw_null ? Value::null() : Value::boolean(false);
}

Value starts_with(const Value& text, const Value& prefix) {
  if (!text.is_string() || !prefix.is_string()) return Value::null();
  return Value::boolean(std::string_view(text.as_string()).starts_with(prefix.as_string()));
}

Value ends_with(const Value& text, const Value& suffix) {
  if (!text.is_string() || !suffix.is_string()) return Value::null();
  return Value::boolean(std::string_view(text.as_string()).ends_with(suffix.as_string()));
}

Value contains(const Value& text, const Value& part) {
  if (!text.is_string() || !part.is_string()) return Value::null();
  return Value::boolean(text.as_string().find(part.as_string()) != std::string::npos);
}

Result<Value> map_property(const Value& map, std::string_view key) {
  if (map.is_null()) return Value::null();
  if (map.is_temporal_instant() || map.is_duration() || map.is_time_of_day()) {
    return temporal_component(map, key);
  }
  if (!map.is_map()) {
    return type_error("cannot read property '" + std::string(key) + "' of " +
                      std::string(type_name(map.type())));
  }
  auto it = map.as_map().find(key);
  return it == map.as_map().end() ? Value::null() : it->second;
}

Result<Value> index_value(const Value& container, const Value& index) {
  if (container.is_null() || index.is_null()) return Value::null();
  if (container.is_list()) {
    if (!index.is_int()) {
      return type_error("list index must be an INTEGER but got " +
                        std::string(type_name(index.type())));
    }
    const Value::List& items = container.as_list();
    int64_t size = static_cast<int64_t>(items.size());
    int64_t position = resolve_position(index.as_int(), size);
    if (position < 0 || position >= size) return Value::null();
    return items[static_cast<size_t>(position)];
  }
  if (container.is_map()) {
    if (!index.is_string()) {
      return type_error("map key must be a STRING but got " + std::string(type_name(index.type())));
    }
    return map_property(container, index.as_string());
  }
  return type_error("cannot index into " + std::string(type_name(container.type())));
}

Result<Value> slice_value(const Value& list, const std::optional<Value>& from,
                          const std::optional<Value>& to) {
  if (list.is_null()) return Value::null();
  if ((from && from->is_null()) || (to && to->is_null())) return Value::null();
  if (!list.is_list()) {
    return type_error("cannot slice " + std::string(type_name(list.type())));
  }
  if ((from && !from->is_int()) || (to && !to->is_int())) {
    return type_error("list slice bounds must be INTEGERs");
  }
  const Value::List& items = list.as_list();
  int64_t size = static_cast<int64_t>(items.size());
  int64_t begin = from ? std::clamp<int64_t>(resolve_position(from->as_int(), size), 0, size) : 0;
  int64_t end = to ? std::clamp<int64_t>(resolve_position(to->as_int(), size), 0, size) : size;
  if (begin >= end) return Value::list({});
  return Value::list(Value::List(items.begin() + begin, items.begin() + end));
}

}  // namespace expgraph::cypher
