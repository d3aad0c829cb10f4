#include "query/insights/context_keys.h"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace expgraph::insights {

namespace {

constexpr size_t kSuggestions = 5;
// A type with more nodes than this is not scanned for suggestions (the check itself is a key
// lookup and has no limit).
constexpr size_t kMaxScannedKeys = 100000;

std::string folded(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c >= 0x80) out += static_cast<char>(std::tolower(c));
  }
  return out;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::vector<std::string> closest_keys(const std::string& wanted,
                                      const std::vector<std::string>& keys, size_t limit) {
  const std::string target = folded(wanted);
  std::vector<std::tuple<size_t, int, std::string>> ranked;
  for (const std::string& key : keys) {
    const std::string form = folded(key);
    const size_t distance = edit_distance(target, form);
    const bool contains =
        !target.empty() && !form.empty() &&
        (form.find(target) != std::string::npos || target.find(form) != std::string::npos);
    if (!contains && distance * 2 > std::max(target.size(), form.size())) continue;
    ranked.emplace_back(distance, contains ? 0 : 1, key);
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> out;
  for (auto& entry : ranked) {
    if (out.size() == limit) break;
    out.push_back(std::move(std::get<2>(entry)));
  }
  return out;
}

Status check_context_key(const GraphStore& graph, std::string_view field, std::string_view type,
                         const std::string& key) {
  // A key no node can have (over 512 bytes, a control character) is the 400 the node routes
  // give it, not an "unknown" key with suggestions.
  if (Status valid = validate_external_key(key); !valid.ok()) {
    std::string context = "\"";
    context.append(field).append("\"");
    return valid.prepend(context).set_field(std::string(field));
  }
  auto found = graph.find_node_id(NodeRef{std::string(type), key});
  if (!found.ok()) return found.status();
  if (*found) return Status();
  std::vector<std::string> keys;
  std::string cursor;
  do {
    auto page = graph.list_nodes(type, {}, 1000, cursor);
    if (!page.ok()) return page.status();
    for (const NodeRecord& node : page->nodes) keys.push_back(node.key);
    cursor = page->next_cursor;
  } while (!cursor.empty() && keys.size() < kMaxScannedKeys);
  std::vector<std::string> closest = closest_keys(key, keys, kSuggestions);
  // Built with append: "lit" + std::string&& trips GCC 12's -Wrestrict false positive.
  std::string message = "\"";
  message.append(field).append("\": no ").append(type).append(" \"").append(key).append("\"");
  if (closest.empty()) {
    message.append("; no ").append(type).append(" key is close to it");
  } else {
    message.append("; did you mean ");
    for (size_t i = 0; i < closest.size(); ++i) {
      message.append(i == 0 ? "\"" : ", \"").append(closest[i]).append("\"");
    }
    message.append("?");
  }
  return Status(StatusCode::kUnprocessable, std::move(message), std::move(closest),
                "unknown_context_key")
      .set_field(std::string(field));
}

Status check_context_keys(const GraphStore& graph, const std::optional<std::string>& channel,
                          const std::optional<std::string>& segment,
                          const std::optional<std::string>& metric, std::string_view prefix) {
  const std::tuple<const char*, const char*, const std::optional<std::string>*> fields[] = {
      {"channel", "Channel", &channel},
      {"segment", "Segment", &segment},
      {"metric", "Metric", &metric}};
  for (const auto& [field, type, value] : fields) {
    if (!*value) continue;
    std::string name(prefix);
    name += field;
    EXPGRAPH_RETURN_IF_ERROR(check_context_key(graph, name, type, **value));
  }
  return Status();
}

}  // namespace expgraph::insights
