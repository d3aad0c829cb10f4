#include "query/cypher/exec/label_scan.h"

namespace expgraph::cypher::exec {

Status LabelScanOp::push(Row& row) {
  // A table build reads the whole label and holds up other builds: it keeps the query's deadline.
  const PropertyColumns::BuildCheck deadline = [this] { return ctx_.tick(); };
  if (!use_.any_order) {
    if (use_.whole) {
      // Built now so that the rows' property reads find it; the order stays the keys'.
      auto table = ctx_.access.scan_table(step_->label_id, deadline);
      if (!table.ok()) return table.status();
    }
    return scan_keys(row);
  }
  auto table = ctx_.access.scan_table(step_->label_id, deadline);
  if (!table.ok()) return table.status();
  if (*table == nullptr) return scan_keys(row);
  const std::string& label = step_->label;
  Status status;
  (*table)->for_each_node([&](NodeId id, const PropertyColumns::Chunk&) {
    status = ctx_.tick();
    if (!status.ok() || stopped()) return false;
    row[step_->node_slot] = Value::node(id, label);
    status = next_->push(row);
    return status.ok();
  });
  return status;
}

Status LabelScanOp::scan_keys(Row& row) {
  GraphStore& graph = ctx_.access.graph();
  KvIterator it = graph.storage().scan(Column::kKeys, keys::external_key_prefix(step_->label_id));
  for (; it.valid() && !stopped(); it.next()) {
    EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
    row[step_->node_slot] = ctx_.access.node_value(keys::read_u64(it.value(), 0), step_->label_id);
    EXPGRAPH_RETURN_IF_ERROR(next_->push(row));
  }
  return it.status();
}

}  // namespace expgraph::cypher::exec
