#include "tools/importers/item_emitter.h"

#include <functional>
#include <utility>

namespace expgraph::import_internal {

Status ItemEmitter::node(const std::string& type, const std::string& key,
                         nlohmann::json properties) {
  const std::string node_ref = ref(type, key);
  // Comparing a hash of the dump keeps memory small for 100k nodes; a collision would only hide
  // a converter bug, never corrupt output.
  const size_t fingerprint = std::hash<std::string>{}(properties.dump());
  auto [it, inserted] = nodes_.emplace(node_ref, fingerprint);
  if (!inserted) {
    if (it->second != fingerprint) {
      return Status::internal("importer emitted " + node_ref + " twice with different properties");
    }
    return Status::ok_status();
  }
  ImportItem item{
      true, nlohmann::json{{"type", type}, {"key", key}, {"properties", std::move(properties)}}};
  EXPGRAPH_RETURN_IF_ERROR(sink_(item));
  ++stats_->nodes_emitted;
  return Status::ok_status();
}

Status ItemEmitter::edge(const std::string& type, const std::string& from, const std::string& to,
                         nlohmann::json properties) {
  if (!has_node(from) || !has_node(to)) {
    return Status::internal("importer emitted edge " + type + " " + from + " -> " + to +
                            " before its endpoints");
  }
  if (!edges_.insert(type + " " + from + " " + to).second) return Status::ok_status();
  ImportItem item{
      false,
      nlohmann::json{
          {"type", type}, {"from", from}, {"to", to}, {"properties", std::move(properties)}}};
  EXPGRAPH_RETURN_IF_ERROR(sink_(item));
  ++stats_->edges_emitted;
  return Status::ok_status();
}

}  // namespace expgraph::import_internal
