// LabelScan: the anchor for every node of one label, in the label's key order (the `keys`
// column family), unless nothing downstream can tell the order: then it reads the label's
// table in the store's property columns (graph/property_columns.h) in id order, building the
// table first when the scan reads the whole label. Either way the rows' property reads come
// from the table when the query has one. Built by PipelineBuilder for StepKind::kLabelScan.
#pragma once

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
};

class LabelScanOp : public Operator {
 public:
  LabelScanOp(Context& context, const PlanStep* step, LabelScanUse use)
      : Operator(context, step), use_(use) {}
  Status push(Row& row) override;

 private:
  Status scan_keys(Row& row);

  const LabelScanUse use_;
};

}  // namespace expgraph::cypher::exec
