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
// A property value (of type json) nests at most this deep: an export line wraps it in its
// properties, its node or edge and the line, and must stay under kMaxJsonDepth to import again.
inline constexpr int kMaxPropertyDepth = 64;

// What scan_json_brackets found in a text.
struct JsonBrackets {
  // The offset just past the bracket that closes the first array or object of the text;
  // 0 when the text ends (or nests deeper than the scan's limit) before it closes.
  size_t end = 0;
  // The deepest nesting of arrays and objects seen: at most the scan's limit + 1, where it
  // stops.
  int depth = 0;
};

// Counts the brackets at the start of `text` without parsing it: strings are skipped (escapes
// honoured), nothing else is checked, and the scan stops where the first array or object
// closes or as soon as the nesting passes `max_depth`. Used by parse_json_text to refuse a
// deep text before building anything, and by the JSONL fast path to find a value's extent.
// On malformed text the depth may be off, but never below the depth a parser reaches before
// it stops at the error: up to there the text is a valid prefix, read the same way.
JsonBrackets scan_json_brackets(std::string_view text, int max_depth = kMaxJsonDepth);

// Parses `text` as one JSON value. invalid_argument when it is malformed (the reason and
// position in the details) or nests deeper than kMaxJsonDepth; the depth is checked on the
// text before any value is built. Expects valid UTF-8 (callers check it to word the error).
Result<nlohmann::json> parse_json_text(std::string_view text);

// Whether `value` has more than `max_depth` levels of arrays and objects ([1] has one). Its
// recursion stops at the limit.
bool nests_deeper_than(const nlohmann::json& value, int max_depth);

// invalid_argument naming the limit when `value` nests deeper than kMaxJsonDepth; for values
// not parsed by parse_json_text.
Status check_json_depth(const nlohmann::json& value);

}  // namespace expgraph
