// What a write changed in a node, for a person to read in an import report: each property
// whose value differs, old -> new, with long values cut so that a report of many changes stays
// small. Used by the JSONL import (jsonl_import.h). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>

namespace expgraph::api {

inline constexpr size_t kMaxPropertiesPerChange = 20;
inline constexpr size_t kMaxChangedValueChars = 200;

// {"Type/key" is the caller's}: {"changed": {name: {"old": v|null, "new": v|null}}, and
// "properties_omitted": n when more than `max_properties` differ}. Names in sorted order; a
// property added has "old": null, one removed "new": null. Strings (and lists or objects, as
// their JSON text) longer than kMaxChangedValueChars are cut and end with "...".
nlohmann::json property_changes(const nlohmann::json& before, const nlohmann::json& after,
                                size_t max_properties = kMaxPropertiesPerChange);

}  // namespace expgraph::api
