#include "query/cypher/exec/label_scan.h"

#include "query/cypher/exec/aggregation.h"
#include "query/cypher/expression_ops.h"

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
  if (use_.columnar_aggregation) return aggregate_columns(**table);
  const std::string& label = step_->label;
  const std::vector<Check> checks = prefilter_checks(**table, row);
  Status status;
  (*table)->for_each_node([&](NodeId id, const PropertyColumns::Chunk& chunk) {
    status = ctx_.tick();
    if (!status.ok() || stopped()) return false;
    if (!checks.empty() && !may_pass(checks, chunk, id)) return true;
    row[step_->node_slot] = Value::node(id, label);
    status = next_->push(row);
    return status.ok();
  });
  return status;
}

Status LabelScanOp::aggregate_columns(const PropertyColumns::Table& table) {
  auto* aggregation = dynamic_cast<AggregationOp*>(next_);
  if (aggregation == nullptr) return Status::internal("a columnar scan without its aggregation");
  // The same reads property() makes, resolved once.
  std::vector<const GraphAccess::ColumnRead*> key_reads, argument_reads;
  for (const std::string& property : use_.key_properties) {
    key_reads.push_back(&ctx_.access.column_read(step_->label, property));
  }
  for (const std::string& property : use_.argument_properties) {
    argument_reads.push_back(property.empty() ? nullptr
                                              : &ctx_.access.column_read(step_->label, property));
  }
  // The query's reads of the label resolve to the table it scans (GraphAccess keeps one per
  // label per query).
  for (const auto* reads : {&key_reads, &argument_reads}) {
    for (const GraphAccess::ColumnRead* read : *reads) {
      if (read != nullptr && read->table != &table) {
        return Status::internal("a column read of another table than the scan's");
      }
    }
  }
  Value::List key(key_reads.size());
  std::vector<Value> arguments(argument_reads.size());
  Status status;
  auto read = [&](const GraphAccess::ColumnRead* column, const PropertyColumns::Chunk& chunk,
                  NodeId id, Value& out) {
    if (column == nullptr) return true;  // count(*): no argument
    auto value = GraphAccess::read_cell(*column, chunk, id);
    if (!value.ok()) {
      status = value.status();
      return false;
    }
    out = std::move(value).value();
    return true;
  };
  CellGroups cell_groups;
  const GraphAccess::ColumnRead* single_key =
      key_reads.size() == 1 && key_reads[0]->column != GraphAccess::kKeyColumn ? key_reads[0]
                                                                                : nullptr;
  table.for_each_node([&](NodeId id, const PropertyColumns::Chunk& chunk) {
    status = ctx_.tick();
    if (!status.ok() || stopped()) return false;
    size_t* cached = nullptr;
    if (single_key != nullptr) {
      cached = cell_groups.slot(PropertyColumns::Table::value(chunk, id, single_key->column));
    }
    size_t group = cached != nullptr ? *cached : CellGroups::kNone;
    if (group == CellGroups::kNone) {
      for (size_t i = 0; i < key_reads.size(); ++i) {
        if (!read(key_reads[i], chunk, id, key[i])) return false;
      }
      auto found = aggregation->group_index(key);
      if (!found.ok()) {
        status = found.status();
        return false;
      }
      group = *found;
      if (cached != nullptr) *cached = group;
    }
    for (size_t i = 0; i < argument_reads.size(); ++i) {
      if (!read(argument_reads[i], chunk, id, arguments[i])) return false;
    }
    status = aggregation->push_values(group, arguments);
    return status.ok();
  });
  return status;
}

size_t* LabelScanOp::CellGroups::slot(const PropertyColumns::Cell& cell) {
  switch (cell.index()) {
    case 0:
      return &absent;
    case 1:
      return &booleans[std::get<bool>(cell) ? 1 : 0];
    case 2:
      return &integers.try_emplace(std::get<int64_t>(cell), kNone).first->second;
    case 4:
      return &strings
                  .try_emplace(std::get<std::shared_ptr<const std::string>>(cell).get(), kNone)
                  .first->second;
    default:
      return nullptr;  // floats, lists, maps: by value
  }
}

std::vector<LabelScanOp::Check> LabelScanOp::prefilter_checks(
    const PropertyColumns::Table& table, const Row& row) {
  std::vector<Check> checks;
  for (const LabelScanUse::Comparison& comparison : use_.prefilter) {
    const GraphAccess::ColumnRead& read = ctx_.access.column_read(step_->label, comparison.property);
    auto constant = eval(*comparison.constant, row);
    // The leading run ends at a comparison the scan cannot make as the filter would (a
    // parameter that is missing is the filter's error to report).
    if (read.table != &table || !constant.ok()) break;
    checks.push_back({&read, comparison.op, std::move(constant).value(),
                      comparison.constant_on_left});
  }
  return checks;
}

namespace {

// `left op right` for two integers or, for = and <>, two strings: what apply_binary answers for
// them.
template <typename T>
bool compare(BinaryOp op, const T& left, const T& right) {
  switch (op) {
    case BinaryOp::kEq: return left == right;
    case BinaryOp::kNotEq: return left != right;
    case BinaryOp::kLess: return left < right;
    case BinaryOp::kLessEq: return left <= right;
    case BinaryOp::kGreater: return left > right;
    default: return left >= right;  // kGreaterEq: the prefilter holds comparisons only
  }
}

}  // namespace

std::optional<bool> LabelScanOp::compare_cell(const Check& check,
                                              const PropertyColumns::Chunk& chunk, NodeId id) {
  if (check.read->column < 0) return std::nullopt;  // the key, or a column the table lacks
  const PropertyColumns::Cell& cell =
      PropertyColumns::Table::value(chunk, id, check.read->column);
  if (const int64_t* number = std::get_if<int64_t>(&cell); number && check.constant.is_int()) {
    const int64_t constant = check.constant.as_int();
    return check.constant_on_left ? compare(check.op, constant, *number)
                                  : compare(check.op, *number, constant);
  }
  // A declared date or datetime string is compared as a temporal value: not here.
  const auto* text = std::get_if<std::shared_ptr<const std::string>>(&cell);
  const std::optional<PropertyType>& declared = check.read->declared;
  if (text && check.constant.is_string() && declared != PropertyType::kDate &&
      declared != PropertyType::kDateTime &&
      (check.op == BinaryOp::kEq || check.op == BinaryOp::kNotEq)) {
    return compare(check.op, **text, check.constant.as_string());
  }
  return std::nullopt;
}

bool LabelScanOp::may_pass(const std::vector<Check>& checks, const PropertyColumns::Chunk& chunk,
                           NodeId id) {
  for (const Check& check : checks) {
    if (std::optional<bool> direct = compare_cell(check, chunk, id)) {
      if (!*direct) return false;
      continue;
    }
    auto value = GraphAccess::read_cell(*check.read, chunk, id);
    if (!value.ok()) return true;  // the filter reports it
    auto result = check.constant_on_left ? apply_binary(check.op, check.constant, *value)
                                         : apply_binary(check.op, *value, check.constant);
    if (!result.ok()) return true;
    if (result->is_bool() && !result->as_bool()) return false;
    // true or null: the next conjunct decides (null AND false is false too).
  }
  return true;
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
