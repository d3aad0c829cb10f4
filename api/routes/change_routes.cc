// GET /v1/changes?since=SEQ&types=A,B&limit=N&wait=SECONDS: the change feed. The change-log
// records after sequence SEQ (the audit trail's records), oldest first, as JSON Lines, so a
// warehouse sync or a cache can follow every change once, resuming from the last sequence it
// saw. With wait, an empty answer is held until a change arrives (long polling).
//
// Guarantees (docs/integrations.md): sequences are given under the store's write lock in the
// same atomic write as the change, so the log is a gap-free, ordered prefix at every instant and
// survives restarts and kill -9 like the data; the Expgraph-Next-Since header is where the next
// call resumes (the last sequence examined, which passes records the types filter skipped).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "api/http/http_json.h"
#include "api/routes/routes.h"
#include "graph/change_log.h"

namespace expgraph::api {

namespace {

constexpr int64_t kDefaultLimit = 1000;
constexpr int64_t kMaxLimit = 10000;
constexpr int64_t kMaxWaitSeconds = 30;
// Records examined per request before answering with what was found: a rare type filter costs
// bounded time, and the header moves the follower past what was examined.
constexpr size_t kMaxScanned = 200000;
// How often a long poll looks at the last committed sequence. GraphStore has no way to remove
// a WriteObserver, so a notifier owned by the server could outlive neither the store nor be
// dropped before it; a read of one counter under the write lock every few milliseconds is cheap
// and keeps the wake-up well inside the 100 ms the feed promises.
constexpr auto kPollInterval = std::chrono::milliseconds(5);

// The node type of a node change, the edge type of an edge change.
std::string record_type(const ChangeRecord& record) {
  if (auto node = record.subject.find("node"); node != record.subject.end() && node->is_string()) {
    const std::string& ref = node->get_ref<const std::string&>();
    return ref.substr(0, ref.find('/'));
  }
  return record.subject.value("edge", std::string());
}

struct FeedPage {
  std::vector<ChangeRecord> records;
  uint64_t next_since = 0;  // the log is examined through this sequence
};

Result<FeedPage> read_feed(const GraphStore& graph, uint64_t since,
                           const std::set<std::string>& types, size_t limit) {
  FeedPage page;
  page.next_since = since;
  size_t scanned = 0;
  size_t bytes = 0;  // of the records examined, as stored: a page holds about kMaxChangePageBytes
  while (page.records.size() < limit && scanned < kMaxScanned && bytes < kMaxChangePageBytes) {
    // Read before the scan: a scan that reaches the end has seen at least this far.
    uint64_t head = graph.last_sequence();
    size_t batch = std::min(limit, kMaxScanned - scanned);
    auto changes = list_changes(graph, ChangeFilter{}, batch, page.next_since, kMaxScanned,
                                kMaxChangePageBytes - bytes);
    if (!changes.ok()) return changes.status();
    bytes += changes->bytes;
    for (ChangeRecord& record : changes->changes) {
      ++scanned;
      page.next_since = record.sequence;
      if (types.empty() || types.count(record_type(record))) {
        page.records.push_back(std::move(record));
        if (page.records.size() == limit) return page;
      }
    }
    if (changes->next_cursor == 0) {  // the end of the log
      page.next_since = std::max(page.next_since, head);
      break;
    }
  }
  return page;
}

Status changes(const GraphStore& graph, const std::atomic<bool>& stopping,
               const httplib::Request& request, httplib::Response& response) {
  auto since = integer_parameter(request, "since", 0, 0, INT64_MAX);
  if (!since.ok()) return since.status();
  auto limit = integer_parameter(request, "limit", kDefaultLimit, 1, kMaxLimit);
  if (!limit.ok()) return limit.status();
  auto wait = integer_parameter(request, "wait", 0, 0, kMaxWaitSeconds);
  if (!wait.ok()) return wait.status();
  std::set<std::string> types;
  for (const std::string& type : list_parameter(request, "types")) {
    if (graph.ontology().node_type(type) == nullptr && graph.ontology().edge_type(type) == nullptr) {
      return Status::invalid_argument("unknown node or edge type \"" + type + "\" in types");
    }
    types.insert(type);
  }

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(*wait);
  uint64_t position = static_cast<uint64_t>(*since);
  FeedPage page;
  while (true) {
    auto read = read_feed(graph, position, types, static_cast<size_t>(*limit));
    if (!read.ok()) return read.status();
    page = std::move(read).value();
    position = page.next_since;
    if (!page.records.empty() || std::chrono::steady_clock::now() >= deadline) break;
    while (graph.last_sequence() <= position && std::chrono::steady_clock::now() < deadline &&
           !stopping.load(std::memory_order_relaxed)) {
      std::this_thread::sleep_for(kPollInterval);
    }
    if (stopping.load(std::memory_order_relaxed) || graph.last_sequence() <= position) break;
  }

  std::string body;
  for (const ChangeRecord& record : page.records) {
    body += record.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    body += '\n';
  }
  response.status = 200;
  response.set_header("Expgraph-Next-Since", std::to_string(page.next_since));
  response.set_content(body, "application/x-ndjson");
  return Status();
}

}  // namespace

void add_change_routes(Router& router, GraphStore& graph, const std::atomic<bool>& stopping) {
  router.get("/v1/changes", "/v1/changes",
             [&graph, &stopping](const httplib::Request& request, httplib::Response& response) {
               return changes(graph, stopping, request, response);
             });
}

}  // namespace expgraph::api
