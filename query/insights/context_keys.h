// Checks the context a planner names (channel, segment, metric of the similar-tests, patterns
// and forecast requests): each must be the key of an existing node, and a misspelt one is
// answered with the closest keys that do exist ("e-mail" -> "email"). Used by the insight routes
// and the search route's filter before any advice or hit is computed, so an unknown key never
// silently matches nothing.
// Thread-safe (reads only).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/graph_store.h"

namespace expgraph::insights {

// OK when `key` is a node of `type`; 400 invalid_argument when it is no valid key at all (as
// validate_external_key); else 422 `unknown_context_key`, whose message names the field and the
// closest keys, and whose details list them (at most 5). `field` is the request's name for it
// ("channel"); both errors carry it as their field (Status::field), which the error JSON says.
Status check_context_key(const GraphStore& graph, std::string_view field, std::string_view type,
                         const std::string& key);

// check_context_key for each of the channel, segment and metric a request names; `prefix` goes
// before the field's name in the error ("filter." for a search's filter).
Status check_context_keys(const GraphStore& graph, const std::optional<std::string>& channel,
                          const std::optional<std::string>& segment,
                          const std::optional<std::string>& metric, std::string_view prefix = "");

// The at most `limit` of `keys` closest to `wanted`: by edit distance between their forms
// lower-cased with everything but letters and digits removed, then by whether one contains the
// other, then by key. Keys further than half the longer form's length are left out.
std::vector<std::string> closest_keys(const std::string& wanted,
                                      const std::vector<std::string>& keys, size_t limit);

}  // namespace expgraph::insights
