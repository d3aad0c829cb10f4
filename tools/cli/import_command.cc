// expgraph import: sends JSON Lines (or a public data set converted on the fly) to
// POST /v1/import in bodies of a few MiB cut on line boundaries, with progress and a report.
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "tools/cli/commands.h"
#include "tools/cli/progress.h"
#include "tools/importers/importer.h"

namespace expgraph::cli {

namespace {

constexpr size_t kChunkBytes = size_t{4} << 20;  // well under the server's 16 MiB default
constexpr size_t kRejectionsShown = 20;
constexpr size_t kChangesShown = 20;

constexpr const char* kImportUsage =
    "usage: expgraph import FILE [--format jsonl|upworthy|hillstrom|fb-ads|growthbook]\n"
    "                            [--atomic] [--batch-size N] [--no-overwrite]\n"
    "  FILE            JSON Lines, one {\"node\": {...}} or {\"edge\": {...}} per line ('-': "
    "stdin),\n"
    "                  or with --format a public data set's CSV converted on the fly:\n"
    "                  upworthy (upworthy-packages-2013-2014.csv), hillstrom (hillstrom.csv),\n"
    "                  fb-ads (KAG_conversion_data.csv); or GrowthBook's REST API answers:\n"
    "                  growthbook (GET /api/v1/experiments and .../{id}/results as JSON or\n"
    "                  JSON Lines); see docs/importers.md\n"
    "  --atomic        all or nothing (the file must fit in one request body)\n"
    "  --batch-size N  lines per write batch on the server (default 10000)\n"
    "  --no-overwrite  keep the nodes already stored as they are (reported as kept); without\n"
    "                  it, every existing node the import changes is listed with its changes\n"
    "Exit code 0 when every line was accepted, 1 when the server rejected any.\n";

struct ImportTotals {
  size_t lines = 0;
  size_t rejected = 0;
  size_t kept = 0;  // existing nodes left as they were (--no-overwrite)
  nlohmann::json nodes{{"created", 0}, {"updated", 0}, {"unchanged", 0}};
  nlohmann::json edges{{"created", 0}, {"updated", 0}, {"unchanged", 0}};
  nlohmann::json rejections = nlohmann::json::array();
  nlohmann::json changes = nlohmann::json::array();  // existing nodes changed, the first ones
  size_t changes_omitted = 0;

  void add(const nlohmann::json& report) {
    lines += report.value("lines", size_t{0});
    rejected += report.value("rejected", size_t{0});
    for (const char* outcome : {"created", "updated", "unchanged"}) {
      nodes[outcome] = nodes[outcome].get<size_t>() + report["nodes"].value(outcome, size_t{0});
      edges[outcome] = edges[outcome].get<size_t>() + report["edges"].value(outcome, size_t{0});
    }
    for (const auto& rejection : report["rejections"]) {
      if (rejections.size() < kRejectionsShown) rejections.push_back(rejection);
    }
    kept += report["nodes"].value("kept", size_t{0});
    changes_omitted += report.value("changes_omitted", size_t{0});
    for (const auto& change : report.value("changes", nlohmann::json::array())) {
      if (changes.size() < kChangesShown) {
        changes.push_back(change);
      } else {
        ++changes_omitted;
      }
    }
  }

  // "Metric/conversion: definition "old" -> "new"; unit null -> "%"" per changed node.
  void print_changes() const {
    if (changes.empty()) return;
    std::printf("existing nodes changed (old -> new):\n");
    for (const auto& change : changes) {
      std::string line = "  ";
      line += change.value("node", "");
      line += ":";
      const char* separator = " ";
      for (const auto& [name, values] : change["changed"].items()) {
        line += separator;
        line += name;
        line += " ";
        line += values["old"].dump();
        line += " -> ";
        line += values["new"].dump();
        separator = "; ";
      }
      if (change.contains("properties_omitted")) {
        line += "; and ";
        line += change["properties_omitted"].dump();
        line += " more properties";
      }
      std::printf("%s\n", line.c_str());
    }
    if (changes_omitted > 0) std::printf("  ... and %zu more changed nodes\n", changes_omitted);
  }

  void print() const {
    std::printf(
        "lines %zu; nodes: %zu created, %zu updated, %zu unchanged; "
        "edges: %zu created, %zu updated, %zu unchanged; rejected %zu\n",
        lines, nodes["created"].get<size_t>(), nodes["updated"].get<size_t>(),
        nodes["unchanged"].get<size_t>(), edges["created"].get<size_t>(),
        edges["updated"].get<size_t>(), edges["unchanged"].get<size_t>(), rejected);
    if (kept > 0) std::printf("existing nodes kept as they were (--no-overwrite): %zu\n", kept);
    print_changes();
    for (const auto& rejection : rejections) {
      std::printf("  line %zu: %s: %s\n", rejection.value("line", size_t{0}),
                  rejection.value("code", "").c_str(), rejection.value("message", "").c_str());
    }
    if (rejected > rejections.size()) {
      std::printf("  ... and %zu more rejected lines\n", rejected - rejections.size());
    }
  }
};

struct SendOptions {
  bool atomic = false;
  size_t batch_size = 10000;
  bool overwrite = true;  // false: existing nodes are kept (--no-overwrite)
};

// Sends JSONL text in chunks; `first_line` is the file line number of the chunk's first line.
// Chunks go out on a worker thread, one request at a time and in order, so that reading or
// converting the next chunk overlaps with the server importing this one (the CLI and the
// server each keep a core busy instead of waiting for each other). At most one chunk waits
// in the queue, which bounds memory to three chunks.
class ChunkSender {
 public:
  ChunkSender(CliClient& client, const SendOptions& options)
      : client_(client), options_(options), worker_([this] { work(); }) {}
  ~ChunkSender() {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    changed_.notify_all();
    worker_.join();
  }

  // Queues one chunk; false when an earlier chunk was refused (the error is printed).
  bool send(std::string chunk, size_t first_line) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return !queued_ || failed_; });
    if (failed_) return false;
    queued_.emplace(std::move(chunk), first_line);
    changed_.notify_all();
    return true;
  }

  // Waits until every queued chunk is sent; false when any was refused.
  bool finish() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return (!queued_ && !busy_) || failed_; });
    return !failed_;
  }

  // Reports received so far (read after finish(), or for progress: lines only).
  size_t lines_done() {
    std::lock_guard lock(mutex_);
    return totals_.lines;
  }
  const ImportTotals& totals() const { return totals_; }

 private:
  void work() {
    std::unique_lock lock(mutex_);
    for (;;) {
      changed_.wait(lock, [this] { return queued_ || closing_; });
      if (!queued_) return;
      auto [chunk, first_line] = std::move(*queued_);
      queued_.reset();
      busy_ = true;
      changed_.notify_all();
      lock.unlock();
      std::optional<nlohmann::json> report = post(chunk, first_line);
      lock.lock();
      busy_ = false;
      if (report) {
        totals_.add(*report);
      } else {
        failed_ = true;
      }
      changed_.notify_all();
    }
  }

  // The server's report for one chunk; nullopt (after printing the error) when refused.
  std::optional<nlohmann::json> post(const std::string& chunk, size_t first_line) {
    std::string path = "/v1/import?first_line=" + std::to_string(first_line) +
                       "&batch_size=" + std::to_string(options_.batch_size) +
                       (options_.atomic ? "&atomic=true" : "") +
                       (options_.overwrite ? "" : "&overwrite=false");
    Reply reply = client_.post(path, chunk, "application/x-ndjson");
    if (!reply.ok()) {
      CliClient::report_failure(reply);
      return std::nullopt;
    }
    nlohmann::json report = nlohmann::json::parse(reply.body, nullptr, false);
    if (!report.is_object()) {
      std::fprintf(stderr, "expgraph: the server sent an unreadable import report\n");
      return std::nullopt;
    }
    return report;
  }

  CliClient& client_;
  const SendOptions options_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<std::pair<std::string, size_t>> queued_;
  bool busy_ = false;
  bool failed_ = false;
  bool closing_ = false;
  ImportTotals totals_;
  std::thread worker_;  // last: starts once the members above exist
};

int import_jsonl_stream(CliClient& client, std::istream& input, size_t total_bytes,
                        const SendOptions& options) {
  const bool atomic = options.atomic;
  ChunkSender sender(client, options);
  Progress progress("import", total_bytes);
  std::string chunk, line;
  size_t line_number = 0, chunk_first_line = 1, bytes_read = 0;
  while (std::getline(input, line)) {
    ++line_number;
    bytes_read += line.size() + 1;
    chunk += line;
    chunk += '\n';
    if (chunk.size() >= kChunkBytes && !atomic) {
      if (!sender.send(std::move(chunk), chunk_first_line)) return kExitServerError;
      chunk.clear();
      chunk_first_line = line_number + 1;
      progress.update(bytes_read, sender.lines_done());
    }
  }
  if (atomic && chunk.size() > 4 * kChunkBytes) {
    std::fprintf(stderr, "expgraph: --atomic imports must fit in one request (16 MiB)\n");
    return kExitUsage;
  }
  if (!chunk.empty() && !sender.send(std::move(chunk), chunk_first_line)) return kExitServerError;
  if (!sender.finish()) return kExitServerError;
  progress.finish(bytes_read, sender.totals().lines);
  sender.totals().print();
  return sender.totals().rejected == 0 ? kExitOk : kExitServerError;
}

// Converts a data set with its importer and sends the items as JSONL chunks.
int import_converted(CliClient& client, const Importer& importer, std::istream& input,
                     const SendOptions& options) {
  ChunkSender sender(client, options);
  Progress progress("import", 0);
  std::string chunk;
  size_t items = 0, chunk_first_line = 1;
  bool refused = false;
  auto sink = [&](const ImportItem& item) -> Status {
    chunk += item.to_jsonl().dump();
    chunk += '\n';
    ++items;
    if (chunk.size() >= kChunkBytes) {
      if (!sender.send(std::move(chunk), chunk_first_line)) {
        refused = true;
        return Status::invalid_argument("the server refused the import");
      }
      chunk.clear();
      chunk_first_line = items + 1;
      progress.update(0, sender.lines_done());
    }
    return Status();
  };
  auto stats = importer(input, sink);
  if (refused) return kExitServerError;
  if (!stats.ok()) {
    std::fprintf(stderr, "expgraph import: %s\n", stats.status().message().c_str());
    return kExitUsage;
  }
  if (!chunk.empty() && !sender.send(std::move(chunk), chunk_first_line)) return kExitServerError;
  if (!sender.finish()) return kExitServerError;
  progress.finish(0, sender.totals().lines);
  std::printf("rows read %zu, skipped %zu\n", stats->rows_read, stats->rows_skipped);
  for (const std::string& warning : stats->warnings)
    std::printf("  warning: %s\n", warning.c_str());
  sender.totals().print();
  return sender.totals().rejected == 0 ? kExitOk : kExitServerError;
}

}  // namespace

int run_import(CliClient& client, const Arguments& args) {
  std::string file, format = "jsonl";
  SendOptions options;
  bool& atomic = options.atomic;
  size_t& batch_size = options.batch_size;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kImportUsage, stdout);
      return kExitOk;
    } else if (arg == "--atomic") {
      atomic = true;
    } else if (arg == "--no-overwrite") {
      options.overwrite = false;
    } else if ((arg == "--format" || arg == "--batch-size") && i + 1 < args.size()) {
      if (arg == "--format") {
        format = args[++i];
      } else {
        batch_size = std::strtoul(args[++i].c_str(), nullptr, 10);
        if (batch_size == 0) {
          std::fputs(kImportUsage, stderr);
          return kExitUsage;
        }
      }
    } else if (file.empty() && (arg == "-" || arg.rfind("--", 0) != 0)) {
      file = arg;
    } else {
      std::fprintf(stderr, "expgraph import: unexpected argument \"%s\"\n%s", arg.c_str(),
                   kImportUsage);
      return kExitUsage;
    }
  }
  if (file.empty()) {
    std::fputs(kImportUsage, stderr);
    return kExitUsage;
  }
  std::optional<Importer> importer;
  if (format != "jsonl") {
    importer = find_importer(format);
    if (!importer) {
      std::fprintf(stderr, "expgraph import: unknown format \"%s\"\n%s", format.c_str(),
                   kImportUsage);
      return kExitUsage;
    }
    if (atomic) {
      std::fprintf(stderr, "expgraph import: --atomic applies to JSON Lines only\n");
      return kExitUsage;
    }
  }
  std::ifstream file_input;
  if (file != "-") {
    file_input.open(file, std::ios::binary);
    if (!file_input) {
      std::fprintf(stderr, "expgraph import: cannot read %s\n", file.c_str());
      return kExitUsage;
    }
  }
  std::istream& input = file == "-" ? std::cin : file_input;
  if (importer) return import_converted(client, *importer, input, options);
  if (file == "-") return import_jsonl_stream(client, std::cin, 0, options);
  std::error_code error;
  size_t size = std::filesystem::file_size(file, error);
  return import_jsonl_stream(client, file_input, error ? 0 : size, options);
}

}  // namespace expgraph::cli
