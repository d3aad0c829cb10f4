// SymbolTable: the one place that maps ontology names (node types, edge types, property names)
// to the compact ids used in keys. Ids are persisted in the `meta` column family and never
// reused, so keys written under one ontology stay readable under the next.
// Built once at open (all names registered up front), then read-only: thread-safe for reads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/key_codec.h"
#include "storage/kv_store.h"

namespace expgraph {

enum class SymbolKind { kNodeType, kEdgeType, kProperty };

class SymbolTable {
 public:
  // Loads every symbol stored in `store`.
  static Result<SymbolTable> load(const KvStore& store);

  // Assigns ids to the names not known yet and persists them; call before serving.
  Status register_names(KvStore& store, SymbolKind kind, const std::vector<std::string>& names);

  std::optional<SymbolId> find(SymbolKind kind, std::string_view name) const;
  // The name of an id; empty when unknown.
  const std::string& name(SymbolKind kind, SymbolId id) const;

 private:
  struct Names {
    std::map<std::string, SymbolId, std::less<>> ids;
    std::vector<std::string> names;  // indexed by id; ids start at 1, names[0] is ""
  };
  Names& names_of(SymbolKind kind) { return tables_[static_cast<int>(kind)]; }
  const Names& names_of(SymbolKind kind) const { return tables_[static_cast<int>(kind)]; }

  Names tables_[3];
};

}  // namespace expgraph
