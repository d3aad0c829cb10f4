#include "storage/symbol_table.h"

namespace expgraph {

namespace {

// meta keys: "symbol/<kind letter>/<name>" -> id (u32 big-endian).
constexpr std::string_view kSymbolPrefix = "symbol/";

char kind_letter(SymbolKind kind) {
  switch (kind) {
    case SymbolKind::kNodeType: return 'n';
    case SymbolKind::kEdgeType: return 'e';
    case SymbolKind::kProperty: return 'p';
  }
  return '?';
}

std::string symbol_prefix(SymbolKind kind) {
  std::string prefix(kSymbolPrefix);
  prefix.push_back(kind_letter(kind));
  prefix.push_back('/');
  return prefix;
}

}  // namespace

Result<SymbolTable> SymbolTable::load(const KvStore& store) {
  SymbolTable table;
  for (SymbolKind kind : {SymbolKind::kNodeType, SymbolKind::kEdgeType, SymbolKind::kProperty}) {
    Names& names = table.names_of(kind);
    names.names.assign(1, std::string());
    std::string prefix = symbol_prefix(kind);
    KvIterator it = store.scan(Column::kMeta, prefix);
    for (; it.valid(); it.next()) {
      if (it.value().size() != 4) return Status::internal("corrupt symbol entry");
      std::string name(it.key().substr(prefix.size()));
      SymbolId id = keys::read_u32(it.value(), 0);
      if (names.names.size() <= id) names.names.resize(id + 1);
      names.names[id] = name;
      names.ids.emplace(std::move(name), id);
    }
    // A scan cut short by an I/O error would lose names, and new ones would then reuse ids.
    EXPGRAPH_RETURN_IF_ERROR(it.status());
  }
  return table;
}

Status SymbolTable::register_names(KvStore& store, SymbolKind kind,
                                   const std::vector<std::string>& new_names) {
  Names& names = names_of(kind);
  KvWriteBatch batch;
  for (const std::string& name : new_names) {
    if (names.ids.contains(name)) continue;
    auto id = static_cast<SymbolId>(names.names.size());
    names.names.push_back(name);
    names.ids.emplace(name, id);
    std::string value;
    keys::append_u32(value, id);
    batch.put(Column::kMeta, symbol_prefix(kind) + name, value);
  }
  if (batch.operation_count() == 0) return Status();
  return store.write(batch);
}

std::optional<SymbolId> SymbolTable::find(SymbolKind kind, std::string_view name) const {
  const Names& names = names_of(kind);
  auto it = names.ids.find(name);
  if (it == names.ids.end()) return std::nullopt;
  return it->second;
}

const std::string& SymbolTable::name(SymbolKind kind, SymbolId id) const {
  const Names& names = names_of(kind);
  if (id >= names.names.size()) return names.names[0];
  return names.names[id];
}

}  // namespace expgraph
