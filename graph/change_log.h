// Reading the change log: the versions of one node (through the `history` column family, an
// index by node written in the same WriteBatch as each log record) and the whole log filtered
// and paged by sequence. Used by the audit and history routes. Read-only; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "graph/change_record.h"
#include "graph/graph_store.h"

namespace expgraph {

// The log records of one node, oldest first, including those of earlier incarnations of the
// same type/key (deleted and re-created); at most `limit`, starting after `after_sequence`.
// not_found when the type is unknown; an empty list when the node never existed.
Result<std::vector<ChangeRecord>> node_history(const GraphStore& graph, const NodeRef& ref,
                                               size_t limit, uint64_t after_sequence = 0);

// Which log records list_changes returns; empty fields do not filter.
struct ChangeFilter {
  std::string actor;     // exact actor name
  int64_t since_ms = 0;  // records at or after this time
  std::string type;      // node type of node changes, edge type of edge changes
};

struct ChangePage {
  std::vector<ChangeRecord> changes;
  uint64_t next_cursor = 0;  // the sequence to continue after; 0 when the log is exhausted
  size_t bytes = 0;          // the stored size of the records in `changes`
};

// A page of the log holds at most this many bytes of records (as stored), and at least one
// record: a count limit alone let one reader request of 10,000 large writes answer 144 MiB.
inline constexpr size_t kMaxChangePageBytes = size_t{16} << 20;

// Log records in sequence order after `after_sequence` that match `filter`, at most `limit`.
// A page also ends after `max_scanned` records examined, so a rare filter costs bounded time per
// call, and once its records reach `max_bytes`; the cursor then continues the scan.
Result<ChangePage> list_changes(const GraphStore& graph, const ChangeFilter& filter, size_t limit,
                                uint64_t after_sequence, size_t max_scanned = 100000,
                                size_t max_bytes = kMaxChangePageBytes);

// Fills the `history` column family from the log for databases written before it existed
// (GraphStore::open calls it once; a marker in `meta` records that it ran).
Status backfill_history(GraphStore& graph);

}  // namespace expgraph
