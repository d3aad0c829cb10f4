// libFuzzer target: a POST /v1/import body of JSON Lines, imported into a scratch graph both
// line by line (bad lines rejected, the rest written) and atomically.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/convert/jsonl_import.h"
#include "tools/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace expgraph;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  GraphStore& graph = fuzz::scratch_graph();
  api::ImportOptions options;
  options.batch_size = 3;
  auto report = api::import_jsonl(graph, body, options);
  if (report.ok()) (void)report->to_json();
  options.atomic = true;
  auto atomic = api::import_jsonl(graph, body, options);
  if (atomic.ok()) (void)atomic->to_json();
  return 0;
}
