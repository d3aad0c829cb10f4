// The conversion and predicate functions beyond toString/toInteger/toFloat/toBoolean
// (functions.cc): the ...OrNull variants, the list conversions, exists(), isEmpty(), nullIf(),
// char_length(), btrim() and startNode()/endNode().
#include <string>

#include "query/cypher/function_registry.h"
#include "query/cypher/value_ops.h"

namespace expgraph::cypher {

namespace {

// Calls the strict conversion `name` and turns a type_error into null, as the ...OrNull
// functions promise.
Result<Value> or_null(std::string_view name, Args args, const CallContext& context) {
  auto result = call_function(name, args, context.budget, context.loader, context.statement_nanos);
  if (!result.ok() && result.status().error_code() == "type_error") return Value::null();
  return result;
}

Result<Value> fn_to_string_or_null(Args args, const CallContext& context) {
  return or_null("toString", args, context);
}
Result<Value> fn_to_integer_or_null(Args args, const CallContext& context) {
  return or_null("toInteger", args, context);
}
Result<Value> fn_to_float_or_null(Args args, const CallContext& context) {
  return or_null("toFloat", args, context);
}
Result<Value> fn_to_boolean_or_null(Args args, const CallContext& context) {
  return or_null("toBoolean", args, context);
}

// toXList(list): each element converted with toXOrNull; null gives null.
Result<Value> convert_list(std::string_view function, std::string_view element_function,
                           Args args, const CallContext& context) {
  if (args[0].is_null()) return Value::null();
  if (!args[0].is_list()) return argument_type_error(function, args[0], "a LIST");
  const Value::List& items = args[0].as_list();
  EXPGRAPH_RETURN_IF_ERROR(context.budget.build(list_bytes(items.size())));
  Value::List out;
  out.reserve(items.size());
  for (const Value& item : items) {
    EXPGRAPH_RETURN_IF_ERROR(context.budget.tick());
    auto converted = or_null(element_function, std::span<const Value>(&item, 1), context);
    if (!converted.ok()) return converted;
    out.push_back(std::move(converted).value());
  }
  return Value::list(std::move(out));
}

Result<Value> fn_to_string_list(Args args, const CallContext& context) {
  return convert_list("toStringList", "toString", args, context);
}
Result<Value> fn_to_integer_list(Args args, const CallContext& context) {
  return convert_list("toIntegerList", "toInteger", args, context);
}
Result<Value> fn_to_float_list(Args args, const CallContext& context) {
  return convert_list("toFloatList", "toFloat", args, context);
}
Result<Value> fn_to_boolean_list(Args args, const CallContext& context) {
  return convert_list("toBooleanList", "toBoolean", args, context);
}

// exists(x): whether x is not null (`exists(n.prop)`; patterns are handled by the parser).
Result<Value> fn_exists(Args args, const CallContext&) {
  return Value::boolean(!args[0].is_null());
}

Result<Value> fn_is_empty(Args args, const CallContext&) {
  const Value& arg = args[0];
  if (arg.is_null()) return Value::null();
  if (arg.is_list()) return Value::boolean(arg.as_list().empty());
  if (arg.is_map()) return Value::boolean(arg.as_map().empty());
  if (arg.is_string()) return Value::boolean(arg.as_string().empty());
  return argument_type_error("isEmpty", arg, "a LIST, MAP or STRING");
}

// nullIf(a, b): null when a = b, else a.
Result<Value> fn_null_if(Args args, const CallContext&) {
  return is_true(equals(args[0], args[1])) ? Value::null() : args[0];
}

Result<Value> fn_char_length(Args args, const CallContext& context) {
  if (args[0].is_null()) return Value::null();
  if (!args[0].is_string()) return argument_type_error("char_length", args[0], "a STRING");
  return call_function("size", args, context.budget, context.loader, context.statement_nanos);
}

// btrim(s[, characters]): trim(s), or without the given characters at both ends.
Result<Value> fn_btrim(Args args, const CallContext& context) {
  for (const Value& arg : args) {
    if (arg.is_null()) return Value::null();
    if (!arg.is_string()) return argument_type_error("btrim", arg, "STRINGs");
  }
  if (args.size() == 1) {
    return call_function("trim", args, context.budget, context.loader, context.statement_nanos);
  }
  std::string_view text = args[0].as_string();
  const std::string& characters = args[1].as_string();
  size_t first = text.find_first_not_of(characters);
  if (first == std::string_view::npos) return Value::string("");
  size_t last = text.find_last_not_of(characters);
  text = text.substr(first, last - first + 1);
  EXPGRAPH_RETURN_IF_ERROR(context.budget.build(string_bytes(text.size())));
  return Value::string(std::string(text));
}

Result<Value> relationship_end(std::string_view function, Args args, const CallContext& context,
                               bool start) {
  if (args[0].is_null()) return Value::null();
  if (!args[0].is_relationship()) return argument_type_error(function, args[0], "a RELATIONSHIP");
  if (context.loader == nullptr) {
    return Status::internal(std::string(function) + "() needs the graph");
  }
  const RelationshipRef& rel = args[0].as_relationship();
  return context.loader->node_by_id(start ? rel.src : rel.dst);
}

Result<Value> fn_start_node(Args args, const CallContext& context) {
  return relationship_end("startNode", args, context, true);
}
Result<Value> fn_end_node(Args args, const CallContext& context) {
  return relationship_end("endNode", args, context, false);
}

}  // namespace

void add_conversion_functions(FunctionTable& table) {
  table.insert({
      {"tostringornull", {1, 1, fn_to_string_or_null}},
      {"tointegerornull", {1, 1, fn_to_integer_or_null}},
      {"tofloatornull", {1, 1, fn_to_float_or_null}},
      {"tobooleanornull", {1, 1, fn_to_boolean_or_null}},
      {"tostringlist", {1, 1, fn_to_string_list}},
      {"tointegerlist", {1, 1, fn_to_integer_list}},
      {"tofloatlist", {1, 1, fn_to_float_list}},
      {"tobooleanlist", {1, 1, fn_to_boolean_list}},
      {"exists", {1, 1, fn_exists}},
      {"isempty", {1, 1, fn_is_empty}},
      {"nullif", {2, 2, fn_null_if}},
      {"char_length", {1, 1, fn_char_length}},
      {"character_length", {1, 1, fn_char_length}},
      {"btrim", {1, 2, fn_btrim}},
      {"startnode", {1, 1, fn_start_node}},
      {"endnode", {1, 1, fn_end_node}},
  });
}

}  // namespace expgraph::cypher
