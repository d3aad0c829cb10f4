// ItemEmitter: the one place the importers send graph items through. It emits each node once
// (a shared Asset or Segment may be met on many rows), each edge once, and refuses an edge whose
// endpoints were not emitted before it, so every converter keeps the order the import needs.
// Not thread-safe: one emitter per conversion.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <unordered_map>

#include "tools/importers/importer.h"

namespace expgraph::import_internal {

class ItemEmitter {
 public:
  ItemEmitter(const ItemSink& sink, ImportStats* stats) : sink_(sink), stats_(stats) {}

  // Sends the node unless one with this type and key was already sent. Sending the same key
  // with different properties is a converter bug (e.g. a key collision): internal error.
  Status node(const std::string& type, const std::string& key, nlohmann::json properties);
  // Sends the edge unless the same (type, from, to) was already sent; internal error when an
  // endpoint was not emitted yet. `from` and `to` are "Type/key".
  Status edge(const std::string& type, const std::string& from, const std::string& to,
              nlohmann::json properties = nlohmann::json::object());

  bool has_node(const std::string& ref) const { return nodes_.count(ref) != 0; }

 private:
  const ItemSink& sink_;
  ImportStats* stats_;
  std::unordered_map<std::string, size_t> nodes_;  // "Type/key" -> hash of its properties
  std::set<std::string> edges_;                    // "TYPE Type/key Type/key"
};

// "Type/key".
inline std::string ref(const std::string& type, const std::string& key) { return type + "/" + key; }

}  // namespace expgraph::import_internal
