// PatternMatcher: finds the matches of a pattern written inside an expression (a pattern
// predicate or a pattern comprehension) for one row; EXISTS { } and COUNT { } run as clauses
// instead (subquery.h). The pattern's outer variables (PatternExpr::outer_variables,
// resolved by the binder) are read from the row; its other variables are bound in a local scope
// that each match hands to the caller. Relationships are unique within the pattern, var-length
// relationships keep to their bounds, and every hop checks the query's deadline. Used by the
// Evaluator; not thread-safe (one per evaluation).
#pragma once

#include <functional>
#include <vector>

#include "ontology/status.h"
#include "query/cypher/ast.h"
#include "query/cypher/evaluator.h"

namespace expgraph::cypher {

class PatternMatcher {
 public:
  // Called once per match with the scope binding the pattern's variables (the WHERE of the
  // pattern already holds); returns whether to look for more matches.
  using OnMatch = std::function<Result<bool>(const Scope& scope)>;
  enum class Outcome { kMatched, kNullEndpoint };

  PatternMatcher(Evaluator& evaluator, const PatternExpr& pattern, const Scope& outer);

  // Runs on_match for each match. kNullEndpoint, without matching, when an outer variable used
  // as a node or relationship is null; type_error when it holds anything else.
  Result<Outcome> run(const OnMatch& on_match);

 private:
  struct Step {
    size_t rel;    // index in the part's relationships
    bool forward;  // traversed from nodes[rel] to nodes[rel + 1]
  };

  Result<bool> match_part(size_t part);
  Result<bool> walk(size_t part, const std::vector<Step>& steps, size_t index);
  Result<bool> var_length(size_t part, const std::vector<Step>& steps, size_t index, NodeId node,
                          int depth, std::vector<RelationshipRef>& hops_so_far);
  Result<bool> arrive(size_t part, const std::vector<Step>& steps, size_t index, NodeId node);
  Result<bool> node_fits(const NodePattern& node, NodeId id);
  Result<bool> relationship_fits(const RelationshipPattern& rel, const RelationshipRef& ref);
  std::vector<TopologyMirror::Neighbor> hops(NodeId from, const RelationshipPattern& rel,
                                             bool forward) const;
  RelationshipRef relationship(NodeId from, const TopologyMirror::Neighbor& hop) const;
  bool used(const RelationshipRef& rel) const;
  void set_path(size_t part);
  Scope scope() const { return Scope{&schema_, &row_, &outer_}; }

  Evaluator& evaluator_;
  GraphAccess& graph_;
  const PatternExpr& pattern_;
  const Scope& outer_;
  Schema schema_;  // every node, relationship and path of the pattern has a slot
  Row row_;
  std::vector<std::vector<int>> node_slots_;  // [part][node]
  std::vector<std::vector<int>> rel_slots_;   // [part][relationship]
  std::vector<int> path_slots_;               // [part], -1 when unnamed
  std::vector<RelationshipRef> used_;         // relationships of the current match
  const OnMatch* on_match_ = nullptr;
};

}  // namespace expgraph::cypher
