// GraphAccess: how one query reads the graph beyond the topology mirror. Node keys and
// properties are fetched from RocksDB lazily, the first time a query touches them, and cached
// for the rest of the query; relationship properties likewise. Also renders nodes and
// relationships for the response. One instance per query: not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <unordered_map>

#include "graph/graph_store.h"
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

 private:
  struct NodeData {
    std::string key;
    Value::Map properties;
  };
  using RelationshipKey = std::tuple<uint64_t, std::string, uint64_t>;

  Result<const NodeData*> node_data(uint64_t id) const;
  Result<const Value::Map*> relationship_properties(const RelationshipRef& rel) const;

  GraphStore& graph_;
  // Caches, filled on first access (mutable: load_properties is const in PropertyLoader).
  mutable std::unordered_map<uint64_t, std::unique_ptr<NodeData>> nodes_;
  mutable std::map<RelationshipKey, std::unique_ptr<Value::Map>> relationships_;
};

}  // namespace expgraph::cypher
