#include "query/cypher/functions.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "query/cypher/function_registry.h"
#include "query/cypher/unicode_case.h"
#include "query/cypher/value_ops.h"

namespace expgraph::cypher {

Status argument_type_error(std::string_view function, const Value& arg, std::string_view wanted) {
  return type_error(std::string(function) + "() expects " + std::string(wanted) + " but got " +
                    std::string(type_name(arg.type())));
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

namespace {


// String functions walk valid UTF-8 in place: a table of offsets would take eight bytes for
// each byte of text, outside the memory budget.
bool starts_code_point(char byte) { return (static_cast<unsigned char>(byte) & 0xC0) != 0x80; }

int64_t code_point_count(std::string_view text) {
  return std::count_if(text.begin(), text.end(), starts_code_point);
}

// The byte offset of code point `index` (>= 0) in `text`, or text.size() past the end.
size_t code_point_offset(std::string_view text, int64_t index) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (starts_code_point(text[i]) && index-- == 0) return i;
  }
  return text.size();
}

std::string_view substring_code_points(std::string_view text, int64_t start, int64_t length) {
  size_t begin = code_point_offset(text, start);
  return text.substr(begin, code_point_offset(text.substr(begin), length));
}

// A string result, charged before it is copied out.
Result<Value> charged_string(std::string_view text, QueryBudget& budget) {
  EXPGRAPH_RETURN_IF_ERROR(budget.build(string_bytes(text.size())));
  return Value::string(std::string(text));
}

Result<int64_t> int_argument(std::string_view function, const Value& arg) {
  if (!arg.is_int()) return argument_type_error(function, arg, "an INTEGER");
  return arg.as_int();
}

std::optional<int64_t> parse_int(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_double(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A float truncated toward zero, or nullopt when it has no int64 value (NaN, out of range).
std::optional<int64_t> truncate_to_int(double d) {
  if (std::isnan(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0) {
    return std::nullopt;
  }
  return static_cast<int64_t>(std::trunc(d));
}

Result<Value> entity_properties(std::string_view function, const Value& entity,
                                const PropertyLoader* loader) {
  if (entity.is_map()) return entity;
  if (!entity.is_node() && !entity.is_relationship()) {
    return argument_type_error(function, entity, "a MAP, NODE or RELATIONSHIP");
  }
  if (loader == nullptr) {
    return Status::internal(std::string(function) + "() on a graph entity needs a property loader");
  }
  Result<Value::Map> properties = loader->load_properties(entity);
  if (!properties.ok()) return properties.status();
  return Value::map(std::move(properties).value());
}

// --- Graph entities -----------------------------------------------------------------------

Result<Value> fn_id(Args args, const CallContext&) {
  if (args[0].is_null()) return Value::null();
  if (!args[0].is_node()) return argument_type_error("id", args[0], "a NODE");
  uint64_t id = args[0].as_node().id;
  if (id > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return Status::unprocessable("integer_overflow", "node id does not fit in an INTEGER");
  }
  return Value::integer(static_cast<int64_t>(id));
}

Result<Value> fn_labels(Args args, const CallContext&) {
  if (args[0].is_null()) return Value::null();
  if (!args[0].is_node()) return argument_type_error("labels", args[0], "a NODE");
  return Value::list({Value::string(args[0].as_node().type)});
}

Result<Value> fn_type(Args args, const CallContext&) {
  if (args[0].is_null()) return Value::null();
  if (!args[0].is_relationship()) return argument_type_error("type", args[0], "a RELATIONSHIP");
  return Value::string(args[0].as_relationship().type);
}

Result<Value> fn_keys(Args args, const CallContext& context) {
  if (args[0].is_null()) return Value::null();
  Result<Value> properties = entity_properties("keys", args[0], context.loader);
  if (!properties.ok()) return properties;
  Value::List keys;
  for (const auto& [key, value] : properties->as_map()) keys.push_back(Value::string(key));
  return Value::list(std::move(keys));
}

Result<Value> fn_properties(Args args, const CallContext& context) {
  if (args[0].is_null()) return Value::null();
  return entity_properties("properties", args[0], context.loader);
}

Result<Value> fn_nodes(Args args, const CallContext&) {
  if (args[0].is_null()) return Value::null();
  if (!args[0].is_path()) return argument_type_error("nodes", args[0], "a PATH");
  Value::List nodes;
  for (const NodeRef& node : args[0].as_path().nodes)
    nodes.push_back(Value::node(node.id, node.type));
  return Value::list(std::move(nodes));
}

Result<Value> fn_relationships(Args args, const CallContext&) {
  if (args[0].is_null()) return Value::null();
  if (!args[0].is_path()) return argument_type_error("relationships", args[0], "a PATH");
  Value::List rels;
  for (const RelationshipRef& rel : args[0].as_path().relationships) {
    rels.push_back(Value::relationship(rel.src, rel.dst, rel.type));
  }
  return Value::list(std::move(rels));
}

// --- Sizes and null handling ----------------------------------------------------------------

Result<Value> fn_size(Args args, const CallContext&) {
  const Value& arg = args[0];
  if (arg.is_null()) return Value::null();
  if (arg.is_list()) return Value::integer(static_cast<int64_t>(arg.as_list().size()));
  if (arg.is_string()) {
    return Value::integer(code_point_count(arg.as_string()));
  }
  return argument_type_error("size", arg, "a LIST or STRING");
}

Result<Value> fn_length(Args args, const CallContext& context) {
  const Value& arg = args[0];
  if (arg.is_path())
    return Value::integer(static_cast<int64_t>(arg.as_path().relationships.size()));
  if (arg.is_null() || arg.is_list() || arg.is_string()) return fn_size(args, context);
  return argument_type_error("length", arg, "a PATH, LIST or STRING");
}

Result<Value> fn_coalesce(Args args, const CallContext&) {
  for (const Value& arg : args) {
    if (!arg.is_null()) return arg;
  }
  return Value::null();
}

// --- Conversions --------------------------------------------------------------------------

Result<Value> fn_to_string(Args args, const CallContext&) {
  const Value& arg = args[0];
  switch (arg.type()) {
    case Value::Type::kNull:
      return Value::null();
    case Value::Type::kString:
      return arg;
    case Value::Type::kInt:
      return Value::string(std::to_string(arg.as_int()));
    case Value::Type::kFloat:
      return Value::string(format_float(arg.as_float()));
    case Value::Type::kBool:
      return Value::string(arg.as_bool() ? "true" : "false");
    case Value::Type::kDate:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
      return Value::string(temporal_text(arg));
    default:
      return argument_type_error("toString", arg,
                                 "a STRING, INTEGER, FLOAT, BOOLEAN or temporal value");
  }
}

Result<Value> fn_to_integer(Args args, const CallContext&) {
  const Value& arg = args[0];
  switch (arg.type()) {
    case Value::Type::kNull:
      return Value::null();
    case Value::Type::kInt:
      return arg;
    case Value::Type::kBool:
      return Value::integer(arg.as_bool() ? 1 : 0);
    case Value::Type::kFloat: {
      std::optional<int64_t> truncated = truncate_to_int(arg.as_float());
      return truncated ? Value::integer(*truncated) : Value::null();
    }
    case Value::Type::kString: {
      if (std::optional<int64_t> parsed = parse_int(arg.as_string()))
        return Value::integer(*parsed);
      // '42.7' converts like the float 42.7 does: truncated toward zero.
      if (std::optional<double> parsed = parse_double(arg.as_string())) {
        std::optional<int64_t> truncated = truncate_to_int(*parsed);
        if (truncated) return Value::integer(*truncated);
      }
      return Value::null();
    }
    default:
      return argument_type_error("toInteger", arg, "a STRING, INTEGER, FLOAT or BOOLEAN");
  }
}

Result<Value> fn_to_float(Args args, const CallContext&) {
  const Value& arg = args[0];
  switch (arg.type()) {
    case Value::Type::kNull:
      return Value::null();
    case Value::Type::kFloat:
      return arg;
    case Value::Type::kInt:
      return Value::floating(static_cast<double>(arg.as_int()));
    case Value::Type::kString: {
      std::optional<double> parsed = parse_double(arg.as_string());
      return parsed ? Value::floating(*parsed) : Value::null();
    }
    default:
      return argument_type_error("toFloat", arg, "a STRING, INTEGER or FLOAT");
  }
}

Result<Value> fn_to_boolean(Args args, const CallContext&) {
  const Value& arg = args[0];
  switch (arg.type()) {
    case Value::Type::kNull:
      return Value::null();
    case Value::Type::kBool:
      return arg;
    case Value::Type::kInt:
      return Value::boolean(arg.as_int() != 0);
    case Value::Type::kString: {
      std::string lowered = lower_ascii(arg.as_string());
      if (lowered == "true") return Value::boolean(true);
      if (lowered == "false") return Value::boolean(false);
      return Value::null();
    }
    default:
      return argument_type_error("toBoolean", arg, "a STRING, INTEGER or BOOLEAN");
  }
}

// --- Maths ----------------------------------------------------------------------------------

Result<Value> fn_abs(Args args, const CallContext&) {
  const Value& arg = args[0];
  if (arg.is_null()) return Value::null();
  if (arg.is_int()) {
    if (arg.as_int() == std::numeric_limits<int64_t>::min()) {
      return Status::unprocessable("integer_overflow",
                                   "integer overflow in abs(" + std::to_string(arg.as_int()) + ")");
    }
    return Value::integer(arg.as_int() < 0 ? -arg.as_int() : arg.as_int());
  }
  if (arg.is_float()) return Value::floating(std::fabs(arg.as_float()));
  return argument_type_error("abs", arg, "a number");
}

template <double (*kOp)(double)>
Result<Value> float_function(const char* name, Args args) {
  if (args[0].is_null()) return Value::null();
  if (!args[0].is_number()) return argument_type_error(name, args[0], "a number");
  return Value::floating(kOp(args[0].as_number()));
}

double ceil_of(double x) { return std::ceil(x); }
double floor_of(double x) { return std::floor(x); }
double sqrt_of(double x) { return std::sqrt(x); }

Result<Value> fn_ceil(Args args, const CallContext&) {
  return float_function<ceil_of>("ceil", args);
}
Result<Value> fn_floor(Args args, const CallContext&) {
  return float_function<floor_of>("floor", args);
}
Result<Value> fn_sqrt(Args args, const CallContext&) {
  return float_function<sqrt_of>("sqrt", args);
}

Result<Value> fn_sign(Args args, const CallContext&) {
  const Value& arg = args[0];
  if (arg.is_null()) return Value::null();
  if (!arg.is_number()) return argument_type_error("sign", arg, "a number");
  double x = arg.as_number();
  if (std::isnan(x)) return Value::null();
  return Value::integer(x > 0 ? 1 : (x < 0 ? -1 : 0));
}

// --- Strings --------------------------------------------------------------------------------

template <std::string (*kMap)(std::string_view)>
Result<Value> map_case(const char* name, Args args, const CallContext& context) {
  if (args[0].is_null()) return Value::null();
  if (!args[0].is_string()) return argument_type_error(name, args[0], "a STRING");
  const std::string& text = args[0].as_string();
  EXPGRAPH_RETURN_IF_ERROR(context.budget.build(string_bytes(text.size())));
  std::string out = kMap(text);
  // A few letters take more UTF-8 bytes in their other case (U+023A 'Ⱥ' two, its lower case
  // three): that growth, at most half the text's size, is charged once known.
  if (out.size() > text.size()) {
    EXPGRAPH_RETURN_IF_ERROR(context.budget.build(out.size() - text.size()));
  }
  return Value::string(std::move(out));
}

Result<Value> fn_to_lower(Args args, const CallContext& context) {
  return map_case<unicode_lower>("toLower", args, context);
}
Result<Value> fn_to_upper(Args args, const CallContext& context) {
  return map_case<unicode_upper>("toUpper", args, context);
}

Result<Value> trim_impl(const char* name, Args args, const CallContext& context, bool left,
                        bool right) {
  if (args[0].is_null()) return Value::null();
  if (!args[0].is_string()) return argument_type_error(name, args[0], "a STRING");
  constexpr std::string_view kSpace = " \t\n\r\f\v";
  std::string_view text = args[0].as_string();
  if (left) {
    size_t first = text.find_first_not_of(kSpace);
    text.remove_prefix(first == std::string_view::npos ? text.size() : first);
  }
  if (right) {
    size_t last = text.find_last_not_of(kSpace);
    text = last == std::string_view::npos ? std::string_view() : text.substr(0, last + 1);
  }
  return charged_string(text, context.budget);
}

Result<Value> fn_trim(Args args, const CallContext& context) {
  return trim_impl("trim", args, context, true, true);
}
Result<Value> fn_ltrim(Args args, const CallContext& context) {
  return trim_impl("ltrim", args, context, true, false);
}
Result<Value> fn_rtrim(Args args, const CallContext& context) {
  return trim_impl("rtrim", args, context, false, true);
}

Result<Value> fn_substring(Args args, const CallContext& context) {
  for (const Value& arg : args) {
    if (arg.is_null()) return Value::null();
  }
  if (!args[0].is_string()) return argument_type_error("substring", args[0], "a STRING");
  Result<int64_t> start = int_argument("substring", args[1]);
  if (!start.ok()) return start.status();
  int64_t length = std::numeric_limits<int64_t>::max();
  if (args.size() > 2) {
    Result<int64_t> given = int_argument("substring", args[2]);
    if (!given.ok()) return given.status();
    length = *given;
  }
  if (*start < 0 || length < 0) return type_error("substring() start and length must be >= 0");
  return charged_string(substring_code_points(args[0].as_string(), *start, length), context.budget);
}

Result<Value> left_right(const char* name, Args args, const CallContext& context, bool left) {
  if (args[0].is_null() || args[1].is_null()) return Value::null();
  if (!args[0].is_string()) return argument_type_error(name, args[0], "a STRING");
  Result<int64_t> length = int_argument(name, args[1]);
  if (!length.ok()) return length.status();
  if (*length < 0) return type_error(std::string(name) + "() length must be >= 0");
  const std::string& text = args[0].as_string();
  int64_t start = left ? 0 : std::max<int64_t>(0, code_point_count(text) - *length);
  return charged_string(substring_code_points(text, start, *length), context.budget);
}

Result<Value> fn_left(Args args, const CallContext& context) {
  return left_right("left", args, context, true);
}
Result<Value> fn_right(Args args, const CallContext& context) {
  return left_right("right", args, context, false);
}

// Where the next piece of `text` from `position` ends: the next occurrence of `delimiter` or,
// for an empty delimiter, the next code point; npos after the last piece.
size_t piece_end(std::string_view text, std::string_view delimiter, size_t position) {
  if (!delimiter.empty()) return text.find(delimiter, position);
  if (position >= text.size()) return std::string_view::npos;
  size_t end = position + 1;
  while (end < text.size() && !starts_code_point(text[end])) ++end;
  return end < text.size() ? end : std::string_view::npos;
}

// How many pieces piece_end() cuts `text` into, counting no further than `enough` (the count
// at which the caller's result no longer fits its budget: the search can be long, and is timed).
Result<uint64_t> count_pieces(std::string_view text, std::string_view delimiter, uint64_t enough,
                              QueryBudget& budget) {
  uint64_t count = 1;
  for (size_t end = piece_end(text, delimiter, 0); end != std::string_view::npos && count < enough;
       end = piece_end(text, delimiter, end + delimiter.size())) {
    EXPGRAPH_RETURN_IF_ERROR(budget.tick());
    ++count;
  }
  return count;
}

Result<Value> fn_replace(Args args, const CallContext& context) {
  for (const Value& arg : args) {
    if (arg.is_null()) return Value::null();
    if (!arg.is_string()) return argument_type_error("replace", arg, "STRINGs");
  }
  const std::string& text = args[0].as_string();
  const std::string& search = args[1].as_string();
  const std::string& replacement = args[2].as_string();
  if (search.empty()) return args[0];
  // Sized before it is built: a few nested replace() calls can ask for gigabytes.
  uint64_t growth = replacement.size() > search.size() ? replacement.size() - search.size() : 0;
  uint64_t enough = growth == 0
                        ? UINT64_MAX
                        : static_cast<uint64_t>(context.budget.limits().memory_bytes) / growth + 2;
  auto pieces = count_pieces(text, search, enough, context.budget);
  if (!pieces.ok()) return pieces.status();
  uint64_t hits = *pieces - 1;
  unsigned __int128 length = static_cast<unsigned __int128>(hits) * replacement.size() +
                             text.size() - hits * search.size();
  EXPGRAPH_RETURN_IF_ERROR(context.budget.build(
      length >= UINT64_MAX / 2 ? UINT64_MAX : string_bytes(static_cast<uint64_t>(length))));
  std::string out;
  out.reserve(static_cast<size_t>(length));
  size_t position = 0;
  // A unit of work per KiB appended: a long replacement makes each step slow.
  uint32_t units = 1 + static_cast<uint32_t>(std::min<size_t>(replacement.size() >> 10, 1 << 20));
  for (size_t hit = text.find(search); hit != std::string::npos;
       hit = text.find(search, position)) {
    EXPGRAPH_RETURN_IF_ERROR(context.budget.tick(units));
    out.append(text, position, hit - position);
    out += replacement;
    position = hit + search.size();
  }
  out.append(text, position);
  return Value::string(std::move(out));
}

Result<Value> fn_split(Args args, const CallContext& context) {
  for (const Value& arg : args) {
    if (arg.is_null()) return Value::null();
    if (!arg.is_string()) return argument_type_error("split", arg, "STRINGs");
  }
  const std::string& text = args[0].as_string();
  const std::string& delimiter = args[1].as_string();
  if (text.empty() && delimiter.empty()) return Value::list({});
  // Each part takes a Value: splitting a string can take far more memory than the string.
  uint64_t enough = static_cast<uint64_t>(context.budget.limits().memory_bytes) / sizeof(Value) + 2;
  auto count = count_pieces(text, delimiter, enough, context.budget);
  if (!count.ok()) return count.status();
  uint64_t part_bytes = string_bytes(0) - sizeof(Value) + 1;  // and its share of `text`
  EXPGRAPH_RETURN_IF_ERROR(
      context.budget.build(list_bytes(*count) + *count * part_bytes + text.size()));
  Value::List parts;
  parts.reserve(*count);
  size_t position = 0;
  for (size_t end = piece_end(text, delimiter, 0);; end = piece_end(text, delimiter, position)) {
    EXPGRAPH_RETURN_IF_ERROR(context.budget.tick());
    parts.push_back(Value::string(text.substr(position, end - position)));
    if (end == std::string::npos) break;
    position = end + delimiter.size();
  }
  return Value::list(std::move(parts));
}

// --- Lists ----------------------------------------------------------------------------------

Result<Value> fn_reverse(Args args, const CallContext& context) {
  const Value& arg = args[0];
  if (arg.is_null()) return Value::null();
  if (arg.is_list()) {
    EXPGRAPH_RETURN_IF_ERROR(context.budget.build(list_bytes(arg.as_list().size())));
    return Value::list(Value::List(arg.as_list().rbegin(), arg.as_list().rend()));
  }
  if (!arg.is_string()) return argument_type_error("reverse", arg, "a LIST or STRING");
  const std::string& text = arg.as_string();
  EXPGRAPH_RETURN_IF_ERROR(context.budget.build(string_bytes(text.size())));
  std::string out;
  out.reserve(text.size());
  for (size_t end = text.size(); end > 0;) {
    size_t begin = end - 1;
    while (begin > 0 && !starts_code_point(text[begin])) --begin;
    out.append(text, begin, end - begin);
    end = begin;
  }
  return Value::string(std::move(out));
}

Result<Value> list_element(const char* name, Args args, bool first) {
  if (args[0].is_null()) return Value::null();
  if (!args[0].is_list()) return argument_type_error(name, args[0], "a LIST");
  const Value::List& items = args[0].as_list();
  if (items.empty()) return Value::null();
  return first ? items.front() : items.back();
}

Result<Value> fn_head(Args args, const CallContext&) { return list_element("head", args, true); }
Result<Value> fn_last(Args args, const CallContext&) { return list_element("last", args, false); }

Result<Value> fn_tail(Args args, const CallContext& context) {
  if (args[0].is_null()) return Value::null();
  if (!args[0].is_list()) return argument_type_error("tail", args[0], "a LIST");
  const Value::List& items = args[0].as_list();
  if (items.empty()) return Value::list({});
  EXPGRAPH_RETURN_IF_ERROR(context.budget.build(list_bytes(items.size() - 1)));
  return Value::list(Value::List(items.begin() + 1, items.end()));
}

Result<Value> fn_range(Args args, const CallContext& context) {
  std::vector<int64_t> numbers;
  for (const Value& arg : args) {
    Result<int64_t> number = int_argument("range", arg);
    if (!number.ok()) return number.status();
    numbers.push_back(*number);
  }
  int64_t start = numbers[0];
  int64_t end = numbers[1];
  int64_t step = numbers.size() > 2 ? numbers[2] : 1;
  if (step == 0) return type_error("range() step must not be 0");
  // Element count in 128-bit arithmetic: end - start may overflow int64.
  __int128 span = static_cast<__int128>(end) - start;
  // A step pointing away from the end gives nothing; span / step alone would truncate toward
  // zero and give one element when the step is longer than the span.
  if ((span > 0 && step < 0) || (span < 0 && step > 0)) return Value::list({});
  __int128 count = (span / step) + 1;
  // Charged before anything is built, so range(1, 1000000000) fails at once.
  EXPGRAPH_RETURN_IF_ERROR(context.budget.build(
      count >= UINT64_MAX / sizeof(Value) ? UINT64_MAX : list_bytes(static_cast<uint64_t>(count))));
  Value::List items;
  items.reserve(static_cast<size_t>(count));
  for (__int128 i = 0; i < count; ++i) {
    EXPGRAPH_RETURN_IF_ERROR(context.budget.tick());
    items.push_back(Value::integer(static_cast<int64_t>(start + i * step)));
  }
  return Value::list(std::move(items));
}

const FunctionTable& function_table() {
  static const FunctionTable table = [] {
  FunctionTable table{
      {"id", {1, 1, fn_id}},
      {"labels", {1, 1, fn_labels}},
      {"type", {1, 1, fn_type}},
      {"keys", {1, 1, fn_keys}},
      {"properties", {1, 1, fn_properties}},
      {"nodes", {1, 1, fn_nodes}},
      {"relationships", {1, 1, fn_relationships}},
      {"size", {1, 1, fn_size}},
      {"length", {1, 1, fn_length}},
      {"coalesce", {1, SIZE_MAX, fn_coalesce}},
      {"tostring", {1, 1, fn_to_string}},
      {"tointeger", {1, 1, fn_to_integer}},
      {"tofloat", {1, 1, fn_to_float}},
      {"toboolean", {1, 1, fn_to_boolean}},
      {"abs", {1, 1, fn_abs}},
      {"ceil", {1, 1, fn_ceil}},
      {"floor", {1, 1, fn_floor}},
      {"sqrt", {1, 1, fn_sqrt}},
      {"sign", {1, 1, fn_sign}},
      {"tolower", {1, 1, fn_to_lower}},
      {"toupper", {1, 1, fn_to_upper}},
      {"trim", {1, 1, fn_trim}},
      {"ltrim", {1, 1, fn_ltrim}},
      {"rtrim", {1, 1, fn_rtrim}},
      {"substring", {2, 3, fn_substring}},
      {"left", {2, 2, fn_left}},
      {"right", {2, 2, fn_right}},
      {"replace", {3, 3, fn_replace}},
      {"split", {2, 2, fn_split}},
      {"reverse", {1, 1, fn_reverse}},
      {"head", {1, 1, fn_head}},
      {"last", {1, 1, fn_last}},
      {"tail", {1, 1, fn_tail}},
      {"range", {2, 3, fn_range}},
  };
  add_math_functions(table);
  add_conversion_functions(table);
  add_temporal_functions(table);
  add_temporal_clock_functions(table);
  return table;
  }();
  return table;
}

}  // namespace

bool is_aggregate_function(std::string_view name) {
  std::string lowered = lower_ascii(name);
  return lowered == "count" || lowered == "sum" || lowered == "avg" || lowered == "min" ||
         lowered == "max" || lowered == "collect" || lowered == "stdev" || lowered == "stdevp" ||
         lowered == "percentilecont" || lowered == "percentiledisc";
}

size_t aggregate_argument_count(std::string_view name) {
  std::string lowered = lower_ascii(name);
  return lowered == "percentilecont" || lowered == "percentiledisc" ? 2 : 1;
}

namespace {

// The definition of `name` when it exists and takes `arg_count` arguments: the one lookup both
// the binder's check and each call make.
Result<const FunctionDef*> find_function(std::string_view name, size_t arg_count) {
  auto it = function_table().find(lower_ascii(name));
  if (it == function_table().end()) {
    return Status::unprocessable("unknown_function",
                                 "unknown function '" + std::string(name) + "'");
  }
  const FunctionDef& def = it->second;
  if (arg_count < def.min_args || arg_count > def.max_args) {
    std::string expected =
        def.min_args == def.max_args
            ? std::to_string(def.min_args)
            : (def.max_args == SIZE_MAX
                   ? "at least " + std::to_string(def.min_args)
                   : std::to_string(def.min_args) + " to " + std::to_string(def.max_args));
    return Status::unprocessable("invalid_arguments", std::string(name) + "() takes " + expected +
                                                          " argument(s) but got " +
                                                          std::to_string(arg_count));
  }
  return &def;
}

}  // namespace

Status check_scalar_call(std::string_view name, size_t arg_count) {
  auto def = find_function(name, arg_count);
  return def.ok() ? Status() : def.status();
}

Result<Value> call_function(std::string_view name, std::span<const Value> args, QueryBudget& budget,
                            const PropertyLoader* loader, std::optional<int64_t> statement_nanos) {
  auto def = find_function(name, args.size());
  if (!def.ok()) return def.status();
  const int64_t now = statement_nanos.value_or(statement_clock_now());
  return (*def)->function(args, CallContext{budget, loader, now});
}

int64_t statement_clock_now() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
}

}  // namespace expgraph::cypher
