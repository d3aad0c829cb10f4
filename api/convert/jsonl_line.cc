#include "api/convert/jsonl_line.h"

#include <nlohmann/json.hpp>

#include "api/convert/graph_json.h"
#include "ontology/json_text.h"

namespace expgraph::api {

namespace {

// A cursor over one line for the fast path. Every method returns false when the text is not
// what the plain shape expects there; the caller then gives up and lets nlohmann decide.
class PlainScanner {
 public:
  explicit PlainScanner(std::string_view text) : text_(text) {}

  void skip_space() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r')) {
      ++at_;
    }
  }

  bool take(char c) {
    skip_space();
    if (at_ >= text_.size() || text_[at_] != c) return false;
    ++at_;
    return true;
  }

  bool peek(char c) {
    skip_space();
    return at_ < text_.size() && text_[at_] == c;
  }

  // A string without escapes or control characters (both need the general parser).
  bool string(std::string_view& out) {
    if (!take('"')) return false;
    size_t begin = at_;
    for (; at_ < text_.size(); ++at_) {
      char c = text_[at_];
      if (c == '"') {
        out = text_.substr(begin, at_ - begin);
        ++at_;
        return true;
      }
      if (c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
    }
    return false;
  }

  // The text of an object, from its '{' to the matching '}' (scan_json_brackets); its
  // content is checked by nlohmann afterwards. False when it nests deeper than `max_depth`.
  bool object_text(std::string_view& out, int max_depth) {
    if (!peek('{')) return false;
    JsonBrackets brackets = scan_json_brackets(text_.substr(at_), max_depth);
    if (brackets.end == 0) return false;
    out = text_.substr(at_, brackets.end);
    at_ += brackets.end;
    return true;
  }

  bool at_end() {
    skip_space();
    return at_ == text_.size();
  }

 private:
  std::string_view text_;
  size_t at_ = 0;
};

// {} is by far the most common value, and needs no parser (`out` starts as {}).
bool parse_properties(std::string_view text, nlohmann::json& out) {
  if (text == "{}" && out.is_object() && out.empty()) return true;
  auto properties = parse_json_text(text);
  if (!properties.ok() || !properties->is_object()) return false;
  out = std::move(properties).value();
  return true;
}

// "Type/key" with a valid key; false (the general parser then words the error) otherwise.
bool plain_ref(std::string_view text, NodeRef& out) {
  auto ref = parse_node_ref(text);
  if (!ref.ok()) return false;
  out = std::move(ref).value();
  return true;
}

// The members of an edge or node object, each at most once. Unknown members and embeddings
// are left to the general parser (it names them in its error).
bool plain_members(PlainScanner& scanner, ImportLine& line) {
  bool seen[4] = {false, false, false, false};  // type, from/key, to, properties
  std::string_view type, first, second, properties;
  if (!scanner.take('{')) return false;
  if (!scanner.peek('}')) {
    do {
      std::string_view name;
      if (!scanner.string(name) || !scanner.take(':')) return false;
      int slot;
      if (name == "type") {
        slot = 0;
      } else if (name == (line.is_node ? "key" : "from")) {
        slot = 1;
      } else if (!line.is_node && name == "to") {
        slot = 2;
      } else if (name == "properties") {
        slot = 3;
      } else {
        return false;
      }
      if (seen[slot]) return false;
      seen[slot] = true;
      // The line and the node or edge object enclose the properties: two levels of the limit.
      bool ok = slot == 3 ? scanner.object_text(properties, kMaxJsonDepth - 2)
                          : scanner.string(slot == 0   ? type
                                           : slot == 1 ? first
                                                       : second);
      if (!ok) return false;
    } while (scanner.take(','));
  }
  if (!scanner.take('}')) return false;
  if (!seen[0] || !seen[1] || (!line.is_node && !seen[2])) return false;
  if (line.is_node) {
    if (!validate_external_key(first).ok()) return false;
    line.node.type.assign(type);
    line.node.key.assign(first);
    return !seen[3] || parse_properties(properties, line.node.properties);
  }
  line.edge.type.assign(type);
  if (!plain_ref(first, line.edge.from) || !plain_ref(second, line.edge.to)) return false;
  return !seen[3] || parse_properties(properties, line.edge.properties);
}

// The general parser: nlohmann's document, then the same field checks as the node and edge
// routes, with their error messages.
Result<ImportLine> parse_general_line(std::string_view text, size_t number) {
  std::string what = "line " + std::to_string(number);
  auto parsed = parse_json_text(text);
  if (!parsed.ok()) return Status(parsed.status()).prepend(what);
  nlohmann::json& item = *parsed;
  if (!item.is_object() || item.size() != 1 || (!item.contains("node") && !item.contains("edge"))) {
    return Status::invalid_argument(what + " must be {\"node\": {...}} or {\"edge\": {...}}");
  }
  ImportLine line;
  line.number = number;
  line.is_node = item.contains("node");
  if (line.is_node) {
    auto node = node_write_from_json(item["node"], what);
    if (!node.ok()) return node.status();
    line.node = std::move(node).value();
  } else {
    auto edge = edge_write_from_json(item["edge"], what);
    if (!edge.ok()) return edge.status();
    line.edge = std::move(edge).value();
  }
  return line;
}

}  // namespace

std::optional<ImportLine> parse_plain_import_line(std::string_view text, size_t number) {
  PlainScanner scanner(text);
  std::string_view kind;
  if (!scanner.take('{') || !scanner.string(kind) || !scanner.take(':')) return std::nullopt;
  ImportLine line;
  line.number = number;
  if (kind == "node") {
    line.is_node = true;
  } else if (kind != "edge") {
    return std::nullopt;
  }
  if (!plain_members(scanner, line)) return std::nullopt;
  if (!scanner.take('}') || !scanner.at_end()) return std::nullopt;
  return line;
}

Result<ImportLine> parse_import_line(std::string_view text, size_t number) {
  if (!is_valid_utf8(text)) {
    return Status::invalid_argument("line " + std::to_string(number) + " is not valid UTF-8");
  }
  // The plain shape is parsed without building a JSON document: that document (a map per
  // object, a string per member) was most of the parser thread's time in a bulk import.
  if (auto line = parse_plain_import_line(text, number)) return std::move(*line);
  return parse_general_line(text, number);
}

}  // namespace expgraph::api
