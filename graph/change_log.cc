#include "graph/change_log.h"

namespace expgraph {

namespace {

// Set in `meta` once the history index covers every log record (see backfill_history).
constexpr std::string_view kHistoryBuiltKey = "history/built";
// Records per backfill batch: bounds the memory of one WriteBatch on a large log.
constexpr size_t kBackfillBatch = 10000;

bool matches(const ChangeRecord& record, const ChangeFilter& filter) {
  if (!filter.actor.empty() && record.actor != filter.actor) return false;
  if (filter.since_ms > 0 && record.at_ms < filter.since_ms) return false;
  if (!filter.type.empty()) {
    if (record.subject.contains("node")) {
      auto ref = parse_node_ref(record.subject["node"].get<std::string>());
      if (!ref.ok() || ref->type != filter.type) return false;
    } else if (record.subject.value("edge", std::string()) != filter.type) {
      return false;
    }
  }
  return true;
}

// The history key of a node record, nullopt for edge records or unknown types.
std::optional<std::string> history_key_of(const GraphStore& graph, const ChangeRecord& record) {
  if (!record.subject.contains("node") || !record.subject["node"].is_string()) return std::nullopt;
  auto ref = parse_node_ref(record.subject["node"].get<std::string>());
  if (!ref.ok()) return std::nullopt;
  auto type = graph.symbols().find(SymbolKind::kNodeType, ref->type);
  if (!type) return std::nullopt;
  return keys::history_key(*type, ref->key, record.sequence);
}

}  // namespace

Result<std::vector<ChangeRecord>> node_history(const GraphStore& graph, const NodeRef& ref,
                                               size_t limit, uint64_t after_sequence) {
  auto type = graph.symbols().find(SymbolKind::kNodeType, ref.type);
  if (!type || graph.ontology().node_type(ref.type) == nullptr) {
    return Status::not_found("unknown node type \"" + ref.type + "\"");
  }
  EXPGRAPH_RETURN_IF_ERROR(validate_external_key(ref.key));
  std::vector<ChangeRecord> history;
  KvIterator it = graph.storage().scan(Column::kHistory, keys::history_prefix(*type, ref.key));
  if (after_sequence > 0) it.seek(keys::history_key(*type, ref.key, after_sequence + 1));
  for (; it.valid() && history.size() < limit; it.next()) {
    uint64_t sequence = keys::history_key_sequence(it.key());
    auto bytes = graph.storage().get(Column::kLog, keys::log_key(sequence));
    if (!bytes.ok()) return bytes.status();
    if (!bytes->has_value()) {
      return Status::internal("history of " + ref.to_string() + " names missing log record " +
                              std::to_string(sequence));
    }
    auto record = decode_change_record(sequence, **bytes);
    if (!record.ok()) return record.status();
    history.push_back(std::move(record).value());
  }
  EXPGRAPH_RETURN_IF_ERROR(it.status());
  return history;
}

Result<ChangePage> list_changes(const GraphStore& graph, const ChangeFilter& filter, size_t limit,
                                uint64_t after_sequence, size_t max_scanned, size_t max_bytes) {
  ChangePage page;
  KvIterator it = graph.storage().scan(Column::kLog, "");
  it.seek(keys::log_key(after_sequence + 1));
  size_t scanned = 0;
  uint64_t last = after_sequence;
  for (; it.valid(); it.next()) {
    if (page.changes.size() >= limit || scanned >= max_scanned ||
        (!page.changes.empty() && page.bytes >= max_bytes)) {
      page.next_cursor = last;  // more records remain beyond this page
      break;
    }
    ++scanned;
    last = keys::log_key_sequence(it.key());
    auto record = decode_change_record(last, it.value());
    if (!record.ok()) return record.status();
    if (matches(*record, filter)) {
      page.bytes += it.value().size();
      page.changes.push_back(std::move(record).value());
    }
  }
  EXPGRAPH_RETURN_IF_ERROR(it.status());
  return page;
}

Status backfill_history(GraphStore& graph) {
  KvStore& store = graph.storage();
  auto built = store.get(Column::kMeta, kHistoryBuiltKey);
  if (!built.ok()) return built.status();
  if (built->has_value()) return Status();
  KvWriteBatch batch;
  KvIterator it = store.scan(Column::kLog, "");
  for (; it.valid(); it.next()) {
    auto record = decode_change_record(keys::log_key_sequence(it.key()), it.value());
    if (!record.ok()) return record.status();
    if (auto key = history_key_of(graph, *record)) batch.put(Column::kHistory, *key, "");
    if (batch.operation_count() >= kBackfillBatch) {
      EXPGRAPH_RETURN_IF_ERROR(store.write(batch));
      batch = KvWriteBatch();
    }
  }
  EXPGRAPH_RETURN_IF_ERROR(it.status());
  batch.put(Column::kMeta, kHistoryBuiltKey, "1");
  return store.write(batch);
}

}  // namespace expgraph
