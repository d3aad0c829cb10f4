// Converters from the public data sets in ../shared/data (CSV), and from other experimentation
// tools' exports, to expgraph graph items, the
// lines of the JSONL import (`POST /v1/import`). Used by the `expgraph import` CLI and by tests.
// Each converter is a pure function of its input stream: thread-safe, deterministic.
#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ontology/status.h"

namespace expgraph {

// One graph item. body = {"type","key","properties"} for a node, or
// {"type","from":"Type/key","to":"Type/key","properties"} for an edge.
struct ImportItem {
  bool is_node = true;
  nlohmann::json body;

  // The JSONL line of the generic import: {"node": body} or {"edge": body}.
  nlohmann::json to_jsonl() const;
};

// Receives the items in order; a non-ok Status stops the conversion and is returned by it.
using ItemSink = std::function<Status(const ImportItem&)>;

struct ImportStats {
  size_t rows_read = 0;     // data rows of the CSV (header excluded)
  size_t rows_skipped = 0;  // rows not converted; each one explained in `warnings`
  std::vector<std::string> warnings;
  size_t nodes_emitted = 0;  // distinct nodes sent to the sink
  size_t edges_emitted = 0;  // distinct edges sent to the sink
};

// Every converter reads one whole data file and emits each node once, before the edges that use
// it, and each edge once. Keys are derived from the data only, so a re-import yields the same
// items. Errors: invalid_argument for a malformed file (with its line number), or the sink's
// Status.

// upworthy/upworthy-packages-2013-2014.csv: one Experiment per clickability_test_id.
Result<ImportStats> import_upworthy(std::istream& csv, const ItemSink& sink);
// hillstrom/hillstrom.csv: one three-arm e-mail Experiment with per-segment Results.
Result<ImportStats> import_hillstrom(std::istream& csv, const ItemSink& sink);
// campaigns/KAG_conversion_data.csv: Facebook campaigns, ad sets and ads (rates, no lifts).
Result<ImportStats> import_fb_ads(std::istream& csv, const ItemSink& sink);

// GrowthBook's REST API answers as JSON (the experiment list, results answers, or JSON Lines of
// them): experiments, variants, metrics, results, learnings (query/interchange/growthbook_import.h).
// rows_read counts experiments and results documents, rows_skipped the experiments and metric
// rows left out, each with a warning.
Result<ImportStats> import_growthbook(std::istream& json, const ItemSink& sink);

using Importer = std::function<Result<ImportStats>(std::istream&, const ItemSink&)>;

// "upworthy" | "hillstrom" | "fb-ads" | "growthbook" -> the converter; nullopt for an unknown name.
std::optional<Importer> find_importer(std::string_view name);
// The names find_importer accepts, in a stable order (for help texts and errors).
std::vector<std::string> importer_names();

}  // namespace expgraph
