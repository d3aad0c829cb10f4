#include "query/cypher/exec/node_by_key.h"

namespace expgraph::cypher::exec {

Status NodeByKeyOp::push(Row& row) {
  auto key = eval(*step_->value, row);
  if (!key.ok()) return key.status();
  if (!key->is_string()) return Status();  // keys are strings: nothing else matches
  auto id = ctx_.access.graph().find_node_id(expgraph::NodeRef{step_->label, key->as_string()});
  if (!id.ok()) return id.status();
  if (!id->has_value()) return Status();
  row[step_->node_slot] = ctx_.access.node_value(**id, step_->label_id);
  return next_->push(row);
}

}  // namespace expgraph::cypher::exec
