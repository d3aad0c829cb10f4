// Reads the Upworthy archive's CSV for the benches that take its rows directly (embed latency,
// retrieval) rather than through the importer.
#pragma once

#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "tools/importers/csv_reader.h"

namespace expgraph::bench {

// Calls `row(fields, at)` for each record of the CSV at `path`, `at` holding the indexes of
// `columns` in its header, until it returns false. Malformed records are skipped, as the
// importer reports and skips them. False, after printing why, when the file cannot be read or
// lacks a column.
inline bool for_each_upworthy_row(
    const std::string& path, const std::vector<std::string>& columns,
    const std::function<bool(const std::vector<std::string>& fields,
                             const std::vector<size_t>& at)>& row) {
  std::ifstream file(path, std::ios::binary);
  auto reader = CsvReader::open(file);
  if (!file || !reader.ok()) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return false;
  }
  auto at = reader->require_columns(columns);
  if (!at.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), at.status().to_string().c_str());
    return false;
  }
  CsvRow record;
  while (true) {
    auto more = reader->next(&record);
    if (!more.ok()) continue;
    if (!*more || !row(record.fields, *at)) return true;
  }
}

}  // namespace expgraph::bench
