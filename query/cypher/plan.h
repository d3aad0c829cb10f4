// The logical plan of a Cypher read query: a linear pipeline of steps (scans that anchor a
// pattern, expansions over the topology mirror, filters, projections, aggregation, sorting),
// each naming the row slots it reads and writes. Built by the planner, run by the executor,
// shown by EXPLAIN. Plain data; immutable once built, so safe to read from several threads.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "graph/records.h"
#include "ontology/ontology.h"
#include "query/cypher/ast.h"
#include "storage/key_codec.h"

namespace expgraph::cypher {

// Names visible between two projections and the row slot each lives in. Every variable keeps
// its slot for the whole segment, so operators write their own slots in place.
struct Schema {
  std::unordered_map<std::string, int> slots;
  std::vector<std::string> names;  // by slot
  // The slot of `name`, added when new.
  int slot_of(const std::string& name);
  // The slot of `name`, or -1 when it is not in this schema.
  int find(const std::string& name) const;
  int width() const { return static_cast<int>(names.size()); }
};

enum class StepKind {
  kNodeByKey,        // (n:Type {key: k}): one key-map lookup
  kNodeByIndex,      // (n:Type {p: v}) with p indexed: an index-prefix scan
  kLabelScan,        // (n:Type): every node of the type
  kAllNodesScan,     // (n): every node
  kRelationshipEnds,  // ()-[r]-() with r bound earlier: the node before r from r's ends
  kExpand,           // one hop over the mirror
  kVarLengthExpand,  // *min..max hops, relationship-unique per path
  kBuildPath,        // p = (...): assembles a path value from bound slots
  kFilter,
  kOptional,  // OPTIONAL MATCH: the inner steps, or the input row with nulls
  kUnwind,
  kProjection,
  kAggregation,
  kStoreCount,  // count(*) of a label or an edge type, from the mirror's counts: no scan
  kDistinct,
  kSort,
  kSkip,
  kLimit,
};

std::string_view step_kind_name(StepKind kind);

// A relationship slot bound earlier in the same MATCH: a new relationship must differ from it
// (openCypher relationship uniqueness). `is_list` for var-length slots.
struct UniqueRelationship {
  int slot = -1;
  bool is_list = false;
};

struct PlanStep {
  StepKind kind = StepKind::kFilter;
  int schema = 0;  // the schema the step's expressions are evaluated in

  // Scans: the node slot, its label, and the looked-up property (key lookups: "key").
  int node_slot = -1;
  std::string label;
  SymbolId label_id = 0;
  std::string property;
  SymbolId property_id = 0;
  PropertyType property_type = PropertyType::kString;
  const Expr* value = nullptr;  // key / indexed value; UNWIND list; SKIP / LIMIT count

  // Expansions: from -> to, in `direction` relative to the traversal order.
  int from_slot = -1;
  int rel_slot = -1;
  int to_slot = -1;
  bool to_bound = false;            // the far end is already bound: only check it
  bool rel_bound = false;           // the relationship is already bound: only follow it
  std::vector<SymbolId> to_labels;  // every one must be the far node's type
  std::vector<std::string> to_label_names;
  std::vector<SymbolId> rel_types;  // alternatives; empty means any
  std::vector<std::string> rel_type_names;
  expgraph::Direction direction = expgraph::Direction::kBoth;  // graph direction
  bool backward = false;  // expanding right to left: a var-length list is reversed on output
  int min_hops = 1;
  int max_hops = 1;
  bool default_max_hops = false;  // no upper bound was written: max_hops is the default depth
  const Expr* rel_properties = nullptr;  // var-length only: each hop must match this map
  std::vector<UniqueRelationship> unique_against;

  // kBuildPath: alternating node and relationship slots, from the pattern's first node.
  std::vector<int> path_nodes;
  std::vector<UniqueRelationship> path_relationships;
  int path_slot = -1;

  // kFilter
  const Expr* predicate = nullptr;

  // kOptional
  std::vector<PlanStep> inner;

  // kProjection / kAggregation: items in output order, written to slots 0..n-1 of `output`.
  int output_schema = -1;
  std::vector<const Expr*> items;
  std::vector<std::string> item_names;
  std::vector<bool> item_is_aggregate;  // kAggregation: false for grouping keys
  std::vector<const Expr*> aggregates;  // kAggregation: every aggregate call inside the items
  // ORDER BY keys, evaluated at projection time and appended after the output schema's slots;
  // kSort sorts on them and drops them.
  std::vector<const Expr*> sort_keys;
  std::vector<bool> descending;
  int distinct_width = 0;  // kDistinct: how many leading slots make a row distinct

  // kStoreCount: an Aggregation whose items are all plain counts of the rows that a scan
  // (and at most one expansion) would have produced; it keeps the Aggregation's output fields.
  // Counts nodes of `label_id` (every node when 0) or, with `count_edges`, edges of
  // `rel_types` (one type, or every edge when empty).
  bool count_edges = false;
};

struct Plan {
  std::vector<Schema> schemas;  // schemas[0] is the empty start
  std::vector<PlanStep> steps;
  std::vector<std::string> columns;  // the RETURN column names
  // Expressions the planner synthesised (inline property maps, column references); the
  // steps point into them and into the query's AST, which must outlive the plan.
  std::vector<ExprPtr> owned;
};

// {"plan": [...], "columns": [...]}: what EXPLAIN returns.
nlohmann::json plan_to_json(const Plan& plan);

// The graph direction in which a pattern relationship of `direction` is followed, walking the
// pattern forward (left to right) or backward.
expgraph::Direction graph_direction(cypher::Direction direction, bool forward);

}  // namespace expgraph::cypher
