#include "tools/importers/shared_metrics.h"

namespace expgraph::import_internal {

Status emit_increasing_metric(ItemEmitter& out, const std::string& key, const std::string& name,
                              const std::string& kind, const std::string& definition) {
  return out.node(
      "Metric", key,
      {{"name", name}, {"direction", "increase"}, {"kind", kind}, {"definition", definition}});
}

Status emit_click_through_metric(ItemEmitter& out) {
  return emit_increasing_metric(out, "ctr", "Click-through rate", "binary",
                                "Share of recipients or viewers who click");
}

}  // namespace expgraph::import_internal
