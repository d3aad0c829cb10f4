#include "query/cypher/exec/filter.h"

namespace expgraph::cypher::exec {

Status FilterOp::push(Row& row) {
  auto keep = ctx_.evaluator.predicate(*step_->predicate, scope(row));
  if (!keep.ok()) return keep.status();
  return *keep ? next_->push(row) : Status();
}

}  // namespace expgraph::cypher::exec
