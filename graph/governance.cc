#include "graph/governance.h"

#include "graph/records.h"

namespace expgraph::governance {

namespace {

std::string string_value(const nlohmann::json* properties, std::string_view name) {
  if (properties == nullptr || !properties->is_object()) return {};
  auto found = properties->find(std::string(name));
  return found != properties->end() && found->is_string() ? found->get<std::string>()
                                                          : std::string();
}

}  // namespace

void stamp_approval(const NodeType& type, const nlohmann::json* previous,
                    nlohmann::json& properties, std::string_view actor, int64_t now_ms) {
  if (type.name != kGovernedType || type.property(kApprovedByProperty) == nullptr) return;
  const std::string by(kApprovedByProperty), at(kApprovedAtProperty);
  bool shipped = string_value(&properties, kDecisionProperty) == kShipDecision;
  // A new node may bring its approval along (an import of an export or of past decisions), so
  // that export and re-import reproduce the graph; the change log still names who wrote it.
  if (previous == nullptr && shipped && !string_value(&properties, kApprovedByProperty).empty()) {
    return;
  }
  properties.erase(by);
  properties.erase(at);
  if (!shipped) return;
  if (string_value(previous, kDecisionProperty) == kShipDecision) {
    // Still shipped: the original approval stands.
    for (const std::string& name : {by, at}) {
      auto kept = previous->find(name);
      if (kept != previous->end()) properties[name] = *kept;
    }
    return;
  }
  properties[by] = std::string(actor);
  if (type.property(kApprovedAtProperty) != nullptr) properties[at] = format_timestamp(now_ms);
}

Status check_conclusion(const NodeType& type, const nlohmann::json* previous,
                        const nlohmann::json& properties, size_t result_edges) {
  if (type.name != kGovernedType) return Status();
  std::string before = string_value(previous, kStatusProperty);
  if (string_value(&properties, kStatusProperty) != kConcludedState) return Status();
  if (before.empty() || before == kConcludedState) return Status();
  std::string move =
      std::string(kStatusProperty) + " " + before + " -> " + std::string(kConcludedState);
  if (string_value(&properties, kDecisionProperty).empty()) {
    return Status::ontology_violation("illegal " + move + ": a concluded " + type.name +
                                      " needs a " + std::string(kDecisionProperty));
  }
  if (result_edges == 0) {
    return Status::ontology_violation("illegal " + move + ": a concluded " + type.name +
                                      " needs at least one Result (" + std::string(kResultEdge) +
                                      " edge)");
  }
  return Status();
}

}  // namespace expgraph::governance
