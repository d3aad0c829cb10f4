// Private to the scalar functions (functions.cc, functions_math.cc, functions_conversion.cc,
// temporal_functions.cc, temporal_clock_functions.cc): the shape of a function and of the table
// functions.cc looks names up in. Each file adds its functions to the table once, at first use.
// Callers use functions.h.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ontology/status.h"
#include "query/cypher/functions.h"
#include "query/cypher/value.h"
#include "query/query_budget.h"

namespace expgraph::cypher {

using Args = std::span<const Value>;
// What a call may use besides its arguments: the query's budget, charged before a function
// builds a string or list, the loader that keys(), properties(), startNode() read with, and
// the statement's clock (nanoseconds since the Unix epoch) that date() and the like read.
struct CallContext {
  QueryBudget& budget;
  const PropertyLoader* loader;
  int64_t statement_nanos;
};
using Function = Result<Value> (*)(Args args, const CallContext& context);

struct FunctionDef {
  size_t min_args;
  size_t max_args;  // SIZE_MAX: variadic
  Function function;
};

// Keyed by the lower-case name ("tostring", "duration.between").
using FunctionTable = std::unordered_map<std::string, FunctionDef>;

// "round() expects a number but got STRING".
Status argument_type_error(std::string_view function, const Value& arg, std::string_view wanted);

void add_math_functions(FunctionTable& table);        // functions_math.cc
void add_conversion_functions(FunctionTable& table);  // functions_conversion.cc
void add_temporal_functions(FunctionTable& table);    // temporal_functions.cc
// date.statement(), datetime.transaction(zone), localtime.realtime(), ...
void add_temporal_clock_functions(FunctionTable& table);  // temporal_clock_functions.cc

}  // namespace expgraph::cypher
