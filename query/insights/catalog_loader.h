// Reading the ExperimentCatalog from a GraphStore: the whole of it, or an earlier catalog brought
// up to date from the change log.
//
// A whole load reads every experiment's neighbourhood (about 1.1 s CPU on the Upworthy archive,
// 52,000 node reads). After a few writes most of it is unchanged: update_catalog reads the log
// records written since the earlier catalog, reads again only the experiments (and assets) they
// touch, and shares the rest with the earlier catalog (cow_vector.h), so a catalog after a
// write costs milliseconds. When the records
// hold a change it does not follow (a deletion, a metric's direction), or so many that a whole
// load is as cheap, it says so and the caller loads the whole catalog.
// Stateless functions, safe to call from any thread (GraphStore is thread-safe).
#pragma once

#include <cstddef>
#include <optional>

#include "graph/graph_store.h"
#include "query/insights/experiment_catalog.h"

namespace expgraph::insights {

// Reads every Experiment and its neighbourhood. Errors: storage errors only.
Result<ExperimentCatalog> load_catalog(const GraphStore& graph);

struct CatalogUpdate {
  ExperimentCatalog catalog;
  size_t changes = 0;           // log records read
  size_t experiments_read = 0;  // experiments read again (new ones included)
  // The indexes of the assets added or read again (none: text indexes still hold); the other
  // assets are those of the previous catalog, at the same indexes.
  std::vector<size_t> assets_read;
};

struct CatalogUpdateLimits {
  // More log records than this: a whole load (decoding the records costs about as much).
  size_t max_changes = 20000;
  // More experiments to read again than this share of the catalog: a whole load.
  double max_share_read = 0.25;
};

// `previous` (loaded from `graph` by load_catalog or update_catalog) brought up to the graph's
// last sequence. nullopt when a whole load is needed instead: a node or an edge was deleted, a
// Metric's direction changed, the log has a gap, or the limits above are passed. The result
// holds what a whole load at the same moment would, experiments in key order; assets added
// since `previous` come after its assets (a whole load orders them by first use).
// Errors: storage errors, a log record that does not decode.
Result<std::optional<CatalogUpdate>> update_catalog(const GraphStore& graph,
                                                    const ExperimentCatalog& previous,
                                                    const CatalogUpdateLimits& limits = {});

}  // namespace expgraph::insights
