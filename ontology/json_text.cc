#include "ontology/json_text.h"

#include <algorithm>
#include <string>

namespace expgraph {

namespace {

Status too_deep() {
  return Status::invalid_argument("JSON nests deeper than " + std::to_string(kMaxJsonDepth) +
                                  " levels (the limit)");
}

// Whether `value`, itself at `depth` levels, holds arrays or objects deeper than `max_depth`.
bool value_too_deep(const nlohmann::json& value, int depth, int max_depth) {
  if (!value.is_array() && !value.is_object()) return false;
  if (depth >= max_depth) return true;
  for (const nlohmann::json& item : value) {
    if (value_too_deep(item, depth + 1, max_depth)) return true;
  }
  return false;
}

}  // namespace

JsonBrackets scan_json_brackets(std::string_view text, int max_depth) {
  JsonBrackets found;
  int depth = 0;
  bool in_string = false;
  for (size_t at = 0; at < text.size(); ++at) {
    char c = text[at];
    if (in_string) {
      if (c == '\\') {
        ++at;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      found.depth = std::max(found.depth, ++depth);
      if (depth > max_depth) return found;
    } else if ((c == ']' || c == '}') && --depth <= 0) {
      found.end = at + 1;
      return found;
    }
  }
  return found;
}

Result<nlohmann::json> parse_json_text(std::string_view text) {
  if (scan_json_brackets(text).depth > kMaxJsonDepth) return too_deep();
  nlohmann::json document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!document.is_discarded()) return document;
  // Parse again with exceptions only to get the position and reason for the message. Not only
  // parse_error: a number too large for a double is an out_of_range (found by tools/fuzz).
  try {
    nlohmann::json unused = nlohmann::json::parse(text);
    (void)unused;
  } catch (const nlohmann::json::exception& error) {
    return Status::invalid_argument("not valid JSON", {error.what()});
  }
  return Status::invalid_argument("not valid JSON");
}

bool nests_deeper_than(const nlohmann::json& value, int max_depth) {
  return value_too_deep(value, 0, max_depth);
}

Status check_json_depth(const nlohmann::json& value) {
  return nests_deeper_than(value, kMaxJsonDepth) ? too_deep() : Status();
}

}  // namespace expgraph
