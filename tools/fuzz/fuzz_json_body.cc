// libFuzzer target: an HTTP request body as the node, edge and batch routes read it. Parses it
// strictly (api/http/http_json), decodes node and edge writes (api/convert/graph_json) and
// validates them against the marketing ontology, as the routes do before any write.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/convert/graph_json.h"
#include "api/http/http_json.h"
#include "tools/fuzz/fuzz_support.h"

namespace {

void check_node(const nlohmann::json& item) {
  using namespace expgraph;
  auto node = api::node_write_from_json(item, "node");
  if (!node.ok()) return;
  const Ontology& ontology = fuzz::marketing_ontology();
  if (const NodeType* type = ontology.node_type(node->type)) {
    (void)ontology.validate_node(*type, node->properties, nullptr);
    // The same properties as the stored version: exercises the lifecycle transition checks.
    (void)ontology.validate_node(*type, node->properties, &node->properties);
  }
}

void check_edge(const nlohmann::json& item) {
  using namespace expgraph;
  auto edge = api::edge_write_from_json(item, "edge");
  if (!edge.ok()) return;
  const Ontology& ontology = fuzz::marketing_ontology();
  if (const EdgeType* type = ontology.edge_type(edge->type)) {
    (void)type->allows_source(edge->from.type);
    (void)type->allows_target(edge->to.type);
    (void)ontology.validate_edge_properties(*type, edge->properties);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace expgraph;
  std::string body(reinterpret_cast<const char*>(data), size);
  auto object = api::parse_json_object(body);
  if (!object.ok()) return 0;
  (void)api::properties_from_json(*object, "body");
  (void)api::embedding_from_json(*object, "body");
  check_node(*object);
  check_edge(*object);
  // A batch body: {"nodes": [...], "edges": [...]}.
  for (const char* member : {"nodes", "edges"}) {
    auto found = object->find(member);
    if (found == object->end() || !found->is_array()) continue;
    for (const nlohmann::json& item : *found) {
      if (member[0] == 'n') {
        check_node(item);
      } else {
        check_edge(item);
      }
    }
  }
  return 0;
}
