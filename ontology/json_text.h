// The one parser of JSON text that comes from outside the server (request bodies, import
// lines) and the nesting limit that every JSON value it accepts, stores or queries obeys.
// Used by api/ (bodies, JSONL), ontology/ (stored property values) and query/ (Cypher values).
// Stateless functions, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "ontology/status.h"

namespace expgraph {

// Arrays and objects nest at most this deep, in a whole request body or import line as in a
// stored property map: `[]` and `{}` are one level, a scalar none. nlohmann's copy, dump,
// comparison and MessagePack coding recurse once per level, so a deeper value could overflow
// a thread's stack; real data nests a handful of levels.
inline constexpr int kMaxJsonDepth = 256;

// Parses `text` as one JSON value. invalid_argument when it is malformed (the reason and
// position in the details) or nests deeper than kMaxJsonDepth; the depth is checked on the
// text before any value is built. Expects valid UTF-8 (callers check it to word the error).
Result<nlohmann::json> parse_json_text(std::string_view text);

// invalid_argument naming the limit when `value` nests deeper than kMaxJsonDepth; for values
// not parsed by parse_json_text. Its recursion stops at the limit.
Status check_json_depth(const nlohmann::json& value);

}  // namespace expgraph
