// WriteObserver: how derived state outside graph/ (the similarity index's vectors, for one)
// stays in step with the graph. An observer adds its own column-family writes to the same
// WriteBatch as the graph change, so both commit together or not at all, and updates its
// in-memory state only after the commit.
#pragma once

#include <optional>
#include <vector>

#include "graph/records.h"
#include "ontology/ontology.h"
#include "storage/kv_store.h"

namespace expgraph {

// One node written or deleted by a committed request.
struct NodeChange {
  NodeId id = 0;
  const NodeType* type = nullptr;
  const NodeRecord* before = nullptr;  // null when created
  const NodeRecord* after = nullptr;   // null when deleted
  // A client-supplied embedding sent with the write, if any.
  const std::vector<float>* embedding = nullptr;
};

class WriteObserver {
 public:
  virtual ~WriteObserver() = default;
  // Called under the store's write lock before the commit: may add operations to `batch`, or
  // refuse the whole request by returning an error (e.g. an embedding of the wrong dimension).
  virtual Status prepare(const std::vector<NodeChange>& changes, KvWriteBatch& batch) = 0;
  // Called under the store's write lock after the batch is durable.
  virtual void committed(const std::vector<NodeChange>& changes) = 0;
  // On a read replica, under the store's write lock, after a batch of the primary's write
  // stream is durable: `operations` are the batch's, including what this observer's prepare()
  // added on the primary, so an observer brings its in-memory state in step from them (no new
  // writes). The default runs prepare() into a discarded batch and then committed(), which
  // suits an observer whose in-memory state depends only on the node changes.
  virtual void replicated(const std::vector<NodeChange>& changes,
                          const std::vector<KvOperation>& operations) {
    (void)operations;
    KvWriteBatch discarded;
    if (prepare(changes, discarded).ok()) committed(changes);
  }
};

}  // namespace expgraph
