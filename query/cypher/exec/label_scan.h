// LabelScan: the anchor for every node of one label, in the label's key order (the `keys`
// column family), unless nothing downstream can tell the order: then it reads the label's
// table in the store's property columns (graph/property_columns.h) in id order, building the
// table first when the scan reads the whole label. Either way the rows' property reads come
// from the table when the query has one; a plain aggregation of the scanned node's properties
// reads the table's cells without making rows, and a WHERE's leading comparisons are checked
// on the cells before a row is made. Built by PipelineBuilder for StepKind::kLabelScan.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "query/cypher/exec/operator.h"

namespace expgraph::cypher::exec {

// What the steps after a label scan make of its rows (PipelineBuilder::label_scan_use).
struct LabelScanUse {
  // Every row is consumed (no LIMIT or SKIP before an aggregation or sort): worth building the
  // label's table for.
  bool whole = true;
  // Row order is invisible: an aggregation without collect(), or a sort (rows equal in every
  // sort key then come in id order rather than key order).
  bool any_order = false;
  // The scan feeds an aggregation that reads the scanned node's properties only, and plainly:
  // grouping items `n.p`, aggregates count(*) or count / sum / min / max / avg of `n.p` (no
  // DISTINCT), each item a whole grouping key or aggregate. Then, over the label's table, the
  // scan hands the aggregation the cells' values without making rows (PipelineBuilder::
  // columnar_aggregation).
  bool columnar_aggregation = false;
  std::vector<std::string> key_properties;       // the grouping items', in item order
  std::vector<std::string> argument_properties;  // per aggregate ("" for count(*))
  // The leading conjuncts of the WHERE right after the scan (its filter steps) that compare a
  // property of the scanned node with a literal or a parameter (`n.p = 'x'`, `5 < n.q`), in
  // evaluation order. Over the label's table the scan drops a node for which one of them is
  // false before making its row: the filter would short-circuit to false there too (it still
  // checks every row the scan passes on). PipelineBuilder::scan_prefilter.
  struct Comparison {
    std::string property;
    BinaryOp op = BinaryOp::kEq;
    const Expr* constant = nullptr;
    bool constant_on_left = false;
  };
  std::vector<Comparison> prefilter;
};

class LabelScanOp : public Operator {
 public:
  LabelScanOp(Context& context, const PlanStep* step, LabelScanUse use)
      : Operator(context, step), use_(use) {}
  Status push(Row& row) override;

 private:
  Status scan_keys(Row& row);
  // use_.columnar_aggregation over `table`: the aggregation gets each node's values directly.
  Status aggregate_columns(const PropertyColumns::Table& table);
  // With one grouping key, the group of a cell seen before, found from the cell itself (a
  // shared string's address, an integer, a boolean, absent) rather than by making and hashing
  // its value again: equal cells make equal values, so they belong to the same group. A string
  // equal to another at a different address just takes the value path once more.
  struct CellGroups {
    static constexpr size_t kNone = SIZE_MAX;
    // The group index slot of `cell` (kNone until known), null for cells looked up by value.
    size_t* slot(const PropertyColumns::Cell& cell);
    size_t absent = kNone;
    std::array<size_t, 2> booleans = {kNone, kNone};
    std::unordered_map<int64_t, size_t> integers;
    std::unordered_map<const std::string*, size_t> strings;
  };
  // use_.prefilter, resolved against `table`: each comparison's column and constant.
  struct Check {
    const GraphAccess::ColumnRead* read;
    BinaryOp op;
    Value constant;
    bool constant_on_left;
  };
  std::vector<Check> prefilter_checks(const PropertyColumns::Table& table, const Row& row);
  // The check on the cell itself, without a query value, for integers and string equality;
  // nullopt for everything else.
  static std::optional<bool> compare_cell(const Check& check, const PropertyColumns::Chunk& chunk,
                                          NodeId id);
  // False when a check is false for the node (the filter after the scan would drop it).
  static bool may_pass(const std::vector<Check>& checks, const PropertyColumns::Chunk& chunk,
                       NodeId id);

  const LabelScanUse use_;
};

}  // namespace expgraph::cypher::exec
