// Reads a stored node record (graph/value_codec.h) straight into Cypher values: the MessagePack
// bytes are walked once and each property becomes a Value, with no JSON document in between.
// Used by GraphAccess for nodes that the property columns do not hold. Stateless, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "ontology/status.h"
#include "query/cypher/value.h"
#include "storage/key_codec.h"

namespace expgraph::cypher {

struct NodeRecordValues {
  std::string type;
  std::string key;
  Value::Map properties;
};

// internal when `bytes` are not a node record; invalid_argument for a value that is no query
// value (as from_json: nested deeper than kMaxJsonDepth, an integer beyond int64).
Result<NodeRecordValues> read_node_record(NodeId id, std::string_view bytes);

}  // namespace expgraph::cypher
