// GraphAccess: how one query reads the graph beyond the topology mirror. Node keys and
// properties come from the store's property columns when the node's type has a table there
// (graph/property_columns.h), else from RocksDB, lazily, the first time a query touches them,
// cached for the rest of the query; relationship properties likewise. Also renders nodes and
// relationships for the response. One instance per query: not thread-safe.
//
// Each node type's table is taken once per query, the first time the query reads the type, and
// held to its end: the query reads every node of the type as of one moment, each write's nodes
// of that type entirely or not at all. Tables of different types are taken at different moments,
// so a write that touched two types may be seen in one and not the other. A node missing from
// its type's snapshot (created since) is read from RocksDB.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "graph/graph_store.h"
#include "graph/property_columns.h"
#include "query/cypher/functions.h"
#include "query/cypher/value.h"

namespace expgraph::cypher {

class GraphAccess : public PropertyLoader {
 public:
  explicit GraphAccess(GraphStore& graph) : graph_(graph) {}

  GraphStore& graph() { return graph_; }

  // A node value for an id, with its type from the mirror (null when the node is gone).
  Value node_value(NodeId id, SymbolId type) const;
  // The node's external key.
  Result<std::string> node_key(uint64_t id);
  // The property table a label scan of `type` reads, built on first use; null when the type is
  // not cached (too large, or the query already read the type without a table). `check` is
  // the query's deadline, called while the table is built. Errors: storage errors of the
  // build, and `check`'s (query_timeout: the build is abandoned).
  Result<std::shared_ptr<const PropertyColumns::Table>> scan_table(
      SymbolId type, const PropertyColumns::BuildCheck& check);
  // `entity.name` for a node or relationship: the stored property, or null when absent.
  // On nodes, `key` is the external key (a pseudo-property every node has).
  Result<Value> property(const Value& entity, std::string_view name);
  // PropertyLoader: the stored properties of a node or relationship.
  Result<Value::Map> load_properties(const Value& entity) const override;
  // PropertyLoader: the node with this id, typed from the mirror.
  Value node_by_id(uint64_t id) const override;
  // {"type", "key", "properties"} for a node, {"type", "from", "to", "properties"} for a
  // relationship, {"nodes", "relationships"} for a path.
  nlohmann::json render(const Value& entity);

  // One resolved `type.property` read: the table, its column (-1: absent, kKeyColumn: the key)
  // and the declared type (for date and datetime strings).
  struct ColumnRead {
    std::string type;
    std::string property;
    const PropertyColumns::Table* table = nullptr;
    int column = -1;
    std::optional<PropertyType> declared;
    // The chunk of the last id read (scans read ids in order, so the next is likely in it).
    mutable size_t chunk_index = SIZE_MAX;
    mutable const PropertyColumns::Chunk* chunk = nullptr;
  };
  static constexpr int kKeyColumn = -2;

  // The read of `type_name.property` for this query (resolved once, then kept): what property()
  // uses, and what a scan reading whole columns uses, so that both give the same values.
  const ColumnRead& column_read(const std::string& type_name, std::string_view property) const;
  // The value `read` gives for node `id` of `chunk` (a chunk of read.table holding the node).
  static Result<Value> read_cell(const ColumnRead& read, const PropertyColumns::Chunk& chunk,
                                 NodeId id);

 private:
  struct NodeData {
    std::string key;
    Value::Map properties;
  };
  using RelationshipKey = std::tuple<uint64_t, std::string, uint64_t>;

  // A node type's table for this query, with what reading its columns needs.
  struct TypeTable {
    std::shared_ptr<const PropertyColumns::Table> table;  // null: read from storage
    const NodeType* definition = nullptr;
  };
  Result<const NodeData*> node_data(uint64_t id) const;
  Result<const Value::Map*> relationship_properties(const RelationshipRef& rel) const;
  // This query's table of a node type (taken on first use; null table when not cached).
  const TypeTable& type_table(const std::string& type_name) const;
  // A cell of a column as a query value (a declared date or datetime string as a temporal).
  // Errors: a value that is not a query value (as from_json).
  static Result<Value> cell_value(const PropertyColumns::Cell& cell,
                                  std::optional<PropertyType> declared);

  GraphStore& graph_;
  // Caches, filled on first access (mutable: load_properties is const in PropertyLoader).
  mutable std::unordered_map<uint64_t, std::unique_ptr<NodeData>> nodes_;
  mutable std::map<RelationshipKey, std::unique_ptr<Value::Map>> relationships_;
  mutable std::unordered_map<std::string, TypeTable> tables_;  // by node type name
  mutable std::vector<std::unique_ptr<ColumnRead>> column_reads_;  // few: a linear search
};

}  // namespace expgraph::cypher
