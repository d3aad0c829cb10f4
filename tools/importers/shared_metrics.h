// The metrics several data sets declare in the same words, so that every importer that
// measures clicks writes the same Metric/ctr node and re-importing one data set after another
// changes nothing.
#pragma once

#include <string>

#include "tools/importers/item_emitter.h"

namespace expgraph::import_internal {

// A metric where higher is better; `kind` is the ontology's metric kind ("binary", ...).
Status emit_increasing_metric(ItemEmitter& out, const std::string& key, const std::string& name,
                              const std::string& kind, const std::string& definition);
// Metric/ctr: the share of recipients or viewers who click.
Status emit_click_through_metric(ItemEmitter& out);

}  // namespace expgraph::import_internal
