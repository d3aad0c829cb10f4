// libFuzzer target: the importers' RFC 4180 CSV reader over arbitrary bytes, with both
// separators, reading every record and looking up columns as the importers do.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "tools/importers/csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace expgraph;
  std::string text(reinterpret_cast<const char*>(data), size);
  for (char separator : {',', ';'}) {
    std::istringstream in(text);
    CsvOptions options;
    options.separator = separator;
    auto reader = CsvReader::open(in, options);
    if (!reader.ok()) continue;
    (void)reader->require_columns({"id", "name"});
    CsvRow row;
    // A bounded loop: next() must always make progress or stop.
    for (size_t records = 0; records <= size + 1; ++records) {
      auto more = reader->next(&row);
      if (!more.ok() || !*more) break;
      if (row.fields.size() != reader->header().size()) __builtin_trap();
    }
  }
  return 0;
}
