// NodeEnricher: a pre-write hook through which a layer above graph/ adds derived properties to a
// node before GraphStore validates and plans it (query/insights computes Result statistics from
// raw counts this way), so every write path (PUT, batch, import) stores the same derived values.
#pragma once

#include <nlohmann/json.hpp>

#include "ontology/ontology.h"
#include "ontology/status.h"

namespace expgraph {

class NodeEnricher {
 public:
  virtual ~NodeEnricher() = default;
  // Called under the store's write lock for every node written, with the properties as sent.
  // May add or replace properties (the result is then validated like any write) or refuse the
  // whole request with an error (e.g. counts that contradict each other). Must be deterministic
  // so that rewriting the same node leaves it unchanged.
  virtual Status enrich(const NodeType& type, nlohmann::json& properties) const = 0;
};

}  // namespace expgraph
