#include "api/convert/jsonl_import.h"

#include <pthread.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "api/convert/graph_json.h"
#include "api/convert/jsonl_line.h"
#include "api/convert/property_changes.h"

namespace expgraph::api {

namespace {

void move_to_request(WriteRequest& request, ImportLine& line) {
  if (line.is_node) {
    request.nodes.push_back(std::move(line.node));
  } else {
    request.edges.push_back(std::move(line.edge));
  }
}

void add_to_request(WriteRequest& request, const ImportLine& line) {
  if (line.is_node) {
    request.nodes.push_back(line.node);
  } else {
    request.edges.push_back(line.edge);
  }
}

// Rejected lines, at most `limit` of them kept with their reasons.
struct Rejections {
  size_t count = 0;
  std::vector<std::pair<size_t, Status>> kept;

  void add(size_t line, const Status& status, size_t limit) {
    ++count;
    if (kept.size() < limit) kept.emplace_back(line, status);
  }
};

// A node named by a line, as views into the line (no copies on the writing thread).
struct NodeName {
  std::string_view type;
  std::string_view key;
  bool operator==(const NodeName&) const = default;
};

struct NodeNameHash {
  size_t operator()(const NodeName& name) const {
    std::hash<std::string_view> hash;
    return hash(name.type) * 31 + hash(name.key);
  }
};

// The import's ordering rule, whatever the batch size or the CLI's splitting: an edge line may
// name only nodes that exist when its line is reached (stored before, or written by an earlier
// line). A WriteRequest plans its nodes before its edges, so an edge naming a node that only a
// later line of the same batch writes would be accepted in a large batch and rejected in a
// small one: such edges are taken out of `lines` and returned with their rejection, unless the
// node was stored already. Run on the writing thread, which has written the earlier batches.
std::vector<std::pair<size_t, Status>> take_forward_edges(std::vector<ImportLine>& lines,
                                                          const GraphStore& graph) {
  std::vector<std::pair<size_t, Status>> rejected;
  // Most batches are all nodes or all edges (files list nodes first); they need no check.
  bool any_node = false, any_edge = false;
  for (const ImportLine& line : lines) (line.is_node ? any_node : any_edge) = true;
  if (!any_node || !any_edge) return rejected;
  std::unordered_map<NodeName, size_t, NodeNameHash> first_written;  // -> index in `lines`
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].is_node)
      first_written.try_emplace(NodeName{lines[i].node.type, lines[i].node.key}, i);
  }
  std::vector<bool> forward(lines.size(), false);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].is_node) continue;
    for (const NodeRef* end : {&lines[i].edge.from, &lines[i].edge.to}) {
      auto written = first_written.find(NodeName{end->type, end->key});
      if (written == first_written.end() || written->second < i) continue;
      auto stored = graph.find_node_id(*end);
      if (stored.ok() && stored->has_value()) continue;
      forward[i] = true;
      rejected.emplace_back(
          lines[i].number,
          Status::not_found("node " + end->to_string() + " does not exist yet: line " +
                            std::to_string(lines[written->second].number) +
                            " writes it; an edge line must come after the lines of the nodes it "
                            "names"));
      break;
    }
  }
  if (rejected.empty()) return rejected;
  size_t kept = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!forward[i]) lines[kept++] = std::move(lines[i]);
  }
  lines.resize(kept);
  return rejected;
}

// Parsing a batch's lines (JSON, UTF-8, field checks) needs no graph, so a parser thread
// parses the next batches while the calling thread writes the previous one: on a machine with
// a core to spare the import runs at the speed of the slower of the two instead of their sum.
// Writes stay on the calling thread (a long-lived server thread: a thread started per batch
// made RocksDB's memtable inserts several times slower as the import went on, presumably
// because each new thread re-seeds RocksDB's thread-local skip-list height generator the same
// way) and in order, and a failed batch is retried line by line before the next is written.
// Parse rejections and write rejections are kept apart (two threads) and merged by line
// number at the end.
class Importer {
 public:
  Importer(GraphStore& graph, const ImportOptions& options) : graph_(graph), options_(options) {}

  WriteRequest new_request() const {
    WriteRequest request;
    request.actor = options_.actor;
    // "Keep existing" is decided by the write itself, under the store's write lock: a check
    // made here, before the write, would let a concurrent write slip in between.
    request.keep_existing = options_.keep_existing;
    return request;
  }

  void reject(size_t line, const Status& status) {
    write_rejections_.add(line, status, options_.max_reported_rejections);
  }

  // Records a write's outcomes, and each node it updated with the properties it changed (from
  // the stored properties the write itself read under its lock: a read before the write could
  // see another state than the one the write replaced).
  void record(const WriteSummary& summary) {
    report_.node_outcomes.insert(report_.node_outcomes.end(), summary.nodes.begin(),
                                 summary.nodes.end());
    report_.kept += std::count(summary.nodes.begin(), summary.nodes.end(), WriteOutcome::kKept);
    for (size_t i = 0; i < summary.nodes.size() && i < summary.previous_properties.size(); ++i) {
      const std::optional<nlohmann::json>& before = summary.previous_properties[i];
      if (summary.nodes[i] != WriteOutcome::kUpdated || !before) continue;
      if (report_.changes.size() >= options_.max_reported_changes) {
        ++report_.changes_omitted;
        continue;
      }
      const NodeRecord& after = summary.node_records[i];
      nlohmann::json change = property_changes(*before, after.properties);
      change["node"] = after.ref().to_string();
      report_.changes.push_back(std::move(change));
    }
    report_.edge_outcomes.insert(report_.edge_outcomes.end(), summary.edges.begin(),
                                 summary.edges.end());
  }

  // Writes a batch; when it fails on some line, writes its lines one by one so that only the
  // bad ones are rejected. Internal errors (I/O) stop the import.
  Status flush(std::vector<ImportLine>& batch) {
    for (const auto& [line, status] : take_forward_edges(batch, graph_)) reject(line, status);
    if (batch.empty()) return Status();
    // The lines are moved into the request (copying each item's strings and properties showed
    // on the writing thread, the import's bottleneck) and moved back if it must be retried.
    WriteRequest request = new_request();
    for (ImportLine& line : batch) move_to_request(request, line);
    auto summary = graph_.write(request);
    if (summary.ok()) {
      record(*summary);
    } else if (summary.status().code() == StatusCode::kInternal) {
      return summary.status();
    } else {
      size_t node_index = 0, edge_index = 0;
      for (ImportLine& line : batch) {
        if (line.is_node) {
          line.node = std::move(request.nodes[node_index++]);
        } else {
          line.edge = std::move(request.edges[edge_index++]);
        }
      }
      for (const ImportLine& line : batch) {
        WriteRequest single = new_request();
        add_to_request(single, line);
        auto one = graph_.write(single);
        if (one.ok()) {
          record(*one);
        } else if (one.status().code() == StatusCode::kInternal) {
          return one.status();
        } else {
          reject(line.number, one.status());
        }
      }
    }
    spend(std::move(request), batch);
    return Status();
  }

  // Hands a written batch back to the parser thread, which allocated its lines: freeing them
  // there takes that work off the writing thread (the import's bottleneck), and the parser
  // reuses the vector.
  void spend(WriteRequest request, std::vector<ImportLine>& batch) {
    std::lock_guard lock(mutex_);
    spent_.push_back(Spent{std::move(request), std::move(batch)});
    batch.clear();
  }

  // Called by the parser thread: queues a batch for the writing thread (at most two wait).
  // Fails when the writer stopped on an error, which ends the parsing.
  Status start_flush(std::vector<ImportLine>& batch) {
    if (batch.empty()) return Status();
    std::vector<Spent> spent;  // freed here, outside the lock
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return queue_.size() < 2 || writer_stopped_; });
    if (writer_stopped_) return Status::internal("import stopped");
    queue_.push_back(std::move(batch));
    batch.clear();
    spent.swap(spent_);
    changed_.notify_all();
    lock.unlock();
    if (!spent.empty()) {
      spent.back().lines.clear();
      batch.swap(spent.back().lines);
    }
    return Status();
  }

  // The writing side: flushes queued batches until the parser is done and the queue empty.
  Status write_queued() {
    for (;;) {
      std::vector<ImportLine> batch;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return !queue_.empty() || parser_done_; });
        if (queue_.empty()) return Status();
        batch = std::move(queue_.front());
        queue_.pop_front();
        changed_.notify_all();
      }
      Status status = flush(batch);
      if (!status.ok()) {
        std::lock_guard lock(mutex_);
        writer_stopped_ = true;
        changed_.notify_all();
        return status;
      }
    }
  }

  // Merges both rejection lists into the report, in line order, capped.
  void finish_rejections() {
    std::vector<std::pair<size_t, Status>> all = parse_rejections_.kept;
    all.insert(all.end(), write_rejections_.kept.begin(), write_rejections_.kept.end());
    std::stable_sort(all.begin(), all.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    if (all.size() > options_.max_reported_rejections) {
      all.resize(options_.max_reported_rejections);
    }
    report_.rejected = parse_rejections_.count + write_rejections_.count;
    for (const auto& [line, status] : all) {
      report_.rejections.push_back(
          {{"line", line}, {"code", status.error_code()}, {"message", status.message()}});
    }
  }

  Result<ImportReport> run(std::string_view body) {
    if (options_.atomic) {
      EXPGRAPH_RETURN_IF_ERROR(run_lines(body));
      finish_rejections();
      return report_;
    }
    Status parsed;
    std::thread parser([&] {
      pthread_setname_np(pthread_self(), "import-parse");  // see HttpServer::work
      parsed = run_lines(body);
      std::lock_guard lock(mutex_);
      parser_done_ = true;
      changed_.notify_all();
    });
    Status written = write_queued();
    parser.join();
    EXPGRAPH_RETURN_IF_ERROR(written);
    EXPGRAPH_RETURN_IF_ERROR(parsed);
    finish_rejections();
    return report_;
  }

 private:
  Status run_lines(std::string_view body) {
    std::vector<ImportLine> batch;
    size_t number = options_.first_line_number;
    for (size_t begin = 0; begin < body.size(); ++number) {
      size_t end = body.find('\n', begin);
      if (end == std::string_view::npos) end = body.size();
      std::string_view text = body.substr(begin, end - begin);
      begin = end + 1;
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      if (text.find_first_not_of(" \t") == std::string_view::npos) continue;
      ++report_.lines;
      auto line = parse_import_line(text, number);
      if (!line.ok()) {
        if (options_.atomic) return line.status();
        parse_rejections_.add(number, line.status(), options_.max_reported_rejections);
        continue;
      }
      batch.push_back(std::move(line).value());
      if (!options_.atomic && batch.size() >= options_.batch_size) {
        EXPGRAPH_RETURN_IF_ERROR(start_flush(batch));
      }
    }
    return options_.atomic ? write_atomic(batch) : start_flush(batch);
  }

  // The whole body as one write; the first forward edge fails it like any bad line.
  Status write_atomic(std::vector<ImportLine>& lines) {
    auto forward = take_forward_edges(lines, graph_);
    if (!forward.empty()) {
      return forward[0].second.prepend("line " + std::to_string(forward[0].first));
    }
    WriteRequest request = new_request();
    for (ImportLine& line : lines) move_to_request(request, line);
    // Nothing is retried: the write may move the property values out of the request.
    auto summary = graph_.write(std::move(request));
    if (!summary.ok()) return summary.status();
    record(*summary);
    return Status();
  }

  GraphStore& graph_;
  const ImportOptions& options_;
  ImportReport report_;          // lines counted by the parser, outcomes recorded by the writer
  Rejections parse_rejections_;  // the parser thread's
  Rejections write_rejections_;  // the writing thread's
  // A written batch: the request its lines were moved into, and the lines.
  struct Spent {
    WriteRequest request;
    std::vector<ImportLine> lines;
  };
  std::mutex mutex_;  // guards the five members below
  std::condition_variable changed_;
  std::deque<std::vector<ImportLine>> queue_;
  bool parser_done_ = false;
  bool writer_stopped_ = false;
  std::vector<Spent> spent_;  // written batches for the parser thread to free
};

}  // namespace

nlohmann::json ImportReport::to_json() const {
  nlohmann::json nodes = outcome_counts(node_outcomes);
  if (keep_existing) nodes["kept"] = kept;
  return {{"lines", lines},
          {"nodes", std::move(nodes)},
          {"edges", outcome_counts(edge_outcomes)},
          {"overwrite", !keep_existing},
          {"changes", changes},
          {"changes_omitted", changes_omitted},
          {"rejected", rejected},
          {"rejections", rejections}};
}

Result<ImportReport> import_jsonl(GraphStore& graph, std::string_view body,
                                  const ImportOptions& options) {
  Importer importer(graph, options);
  auto report = importer.run(body);
  if (report.ok()) report->keep_existing = options.keep_existing;
  return report;
}

}  // namespace expgraph::api
