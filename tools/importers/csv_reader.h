// An RFC 4180 CSV reader for the importers: quoted fields may hold the separator, doubled
// quotes and line breaks; the first row names the columns. Errors carry the line number.
// Not thread-safe (it consumes a stream); use one reader per stream.
#pragma once

#include <cstddef>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ontology/status.h"

namespace expgraph {

struct CsvOptions {
  char separator = ',';  // ';' for the European-style files
  // Reject fields that are not well-formed UTF-8 (the graph stores only valid UTF-8).
  bool require_utf8 = true;
};

// One record: its fields and the (1-based) line of the input where it starts.
struct CsvRow {
  std::vector<std::string> fields;
  size_t line = 0;
};

class CsvReader {
 public:
  // Reads the header row. Errors (invalid_argument): empty input, a malformed or duplicate
  // column name.
  static Result<CsvReader> open(std::istream& in, CsvOptions options = {});

  // Reads the next record into `row`: true when one was read, false at the end of the input.
  // Blank lines are skipped. Errors (invalid_argument, "line N: ..."): an unterminated quoted
  // field, text after a closing quote, a record whose field count differs from the header's,
  // invalid UTF-8.
  Result<bool> next(CsvRow* row);

  const std::vector<std::string>& header() const { return header_; }
  // The index of a column, nullopt when the header does not name it.
  std::optional<size_t> column(std::string_view name) const;
  // The indexes of `names`, in order; invalid_argument naming every missing column.
  Result<std::vector<size_t>> require_columns(const std::vector<std::string>& names) const;

 private:
  CsvReader(std::istream& in, CsvOptions options) : in_(&in), options_(options) {}
  // Parses one physical record (which may span lines inside quotes); false at end of input.
  Result<bool> read_record(CsvRow* row);

  std::istream* in_;  // borrowed; outlives the reader
  CsvOptions options_;
  std::vector<std::string> header_;
  std::map<std::string, size_t, std::less<>> columns_;
  size_t line_ = 1;  // line of the next character to read
};

}  // namespace expgraph
