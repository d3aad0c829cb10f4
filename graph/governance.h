// Lifecycle governance beyond the ontology's transition table (the seeds' promotion gates):
// an Experiment may only move to `concluded` with a Result attached and a `decision`, and
// promotion to decision `ship` records who approved it and when. GraphStore's write plan applies
// these to every node write; they do nothing for an ontology without these names.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "ontology/ontology.h"
#include "ontology/status.h"

namespace expgraph::governance {

// The names the rules are about, in one place.
inline constexpr std::string_view kGovernedType = "Experiment";
inline constexpr std::string_view kStatusProperty = "status";
inline constexpr std::string_view kConcludedState = "concluded";
inline constexpr std::string_view kResultEdge = "HAS_RESULT";
inline constexpr std::string_view kDecisionProperty = "decision";
inline constexpr std::string_view kShipDecision = "ship";
// Written by the server (see stamp_approval for the one exception, imports).
inline constexpr std::string_view kApprovedByProperty = "approved_by";
inline constexpr std::string_view kApprovedAtProperty = "approved_at";

// Sets the approval properties of a node about to be written: kept from `previous` while the
// decision stays ship, set to `actor` and `now` when it becomes ship, removed otherwise; on an
// existing node client-sent values never survive. A node created with decision ship keeps the
// approved_by it is created with (imports), or gets `actor` and `now`. No-op for other types.
void stamp_approval(const NodeType& type, const nlohmann::json* previous,
                    nlohmann::json& properties, std::string_view actor, int64_t now_ms);

// ontology_violation unless a move into `concluded` (from another stored state) comes with a
// decision and at least one Result; `result_edges` counts the node's outgoing HAS_RESULT edges
// once the whole request is applied. A node created concluded passes: imported past tests
// arrive concluded before their results (the ontology allows any initial state).
Status check_conclusion(const NodeType& type, const nlohmann::json* previous,
                        const nlohmann::json& properties, size_t result_edges);

}  // namespace expgraph::governance
