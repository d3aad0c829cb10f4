// One line of a JSONL import ({"node": {...}} or {"edge": {...}}) turned into a node or edge
// write. Used by jsonl_import (POST /v1/import). Stateless, thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "graph/records.h"

namespace expgraph::api {

struct ImportLine {
  size_t number = 0;  // 1-based line number, for rejections and retries
  bool is_node = false;
  NodeWrite node;  // when is_node
  EdgeWrite edge;  // otherwise
};

// Parses a line; a bad one gives invalid_argument saying "line N ..." and why.
Result<ImportLine> parse_import_line(std::string_view text, size_t number);

// The fast path of parse_import_line, exposed for tests: the line's write when the line has
// the plain shape of a generated or exported file (no escapes in the names and references, no
// embedding, properties an object) and is valid, nullopt otherwise (then the general parser
// decides, with its error messages). Whenever it returns a write, the general parser returns
// the same one. Expects text that is valid UTF-8 (parse_import_line checks that first).
std::optional<ImportLine> parse_plain_import_line(std::string_view text, size_t number);

}  // namespace expgraph::api
