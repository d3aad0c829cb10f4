// Small text helpers shared by the ontology loader and the property validator, so that every
// ontology error message describes values the same way ("got float 1.5", quoted names).
// Internal to ontology/; stateless and thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace expgraph::internal {

// The JSON kind of a value: "null", "bool", "int", "float", "string", "array" or "object".
std::string_view json_kind(const nlohmann::json& value);
// The kind plus a short rendering of scalars: `float 1.5`, `string "abc"` (long strings cut).
std::string describe_json(const nlohmann::json& value);
// `"text"`.
std::string in_quotes(std::string_view text);
// "a, b, c".
std::string join(const std::vector<std::string>& items);

}  // namespace expgraph::internal
