// The primary's side of read replicas (docs/scale-out.md):
//   GET /v1/replication/checkpoint          a consistent copy of the database's files, streamed
//                                           as a checkpoint archive
//                                           (api/replication/stream_format.h)
//   GET /v1/replication/updates?since=SEQ   the write batches committed after SEQ, as RocksDB's
//                                           WAL gives them, streamed for up to max_seconds with a
//                                           heartbeat every second; 410 when the kept WAL no
//                                           longer reaches back to SEQ (bootstrap again).
//                                           With &reply_interval_ms=N the replica promises
//                                           replies; the stream's id is in the
//                                           Expgraph-Stream-Id header.
//   POST /v1/replication/replies            a replica's reply on its stream: the position it
//                                           has applied (api/replication/update_streams.h)
//   GET /v1/replication/replicas            the live update streams, with each replica's
//                                           applied position, lag and last reply, and the
//                                           checkpoint downloads in progress
//                                           (api/replication/checkpoint_downloads.h)
// All need the admin role: the data includes the API keys' hashes. A replica answers 421 with
// its primary's address: sequences are the primary's, so replicas do not chain.
// Each stream holds a worker until it ends, and a replica that stops reading (a stopped
// process, a stuck network) cannot be told from a caught-up one until its TCP buffers are full:
// an idle stream sends a heartbeat of a few bytes a second, which the peer's kernel takes
// whether its process reads or not. So streams are capped (--max-replication-streams, below the
// workers that reads need): beyond the cap, 503 with Retry-After, which followers retry.
// A replica that promised replies and sends none for --replication-reply-timeout has its stream
// ended by the primary, which frees the slot at once (a stopped replica would otherwise keep it
// until max_seconds on a quiet primary).
// None of these three counts against --max-concurrent-requests (Concurrency::kExempt): a
// saturated primary answered a replica's replies 429, the replies stopped arriving, and the
// primary cut the healthy stream after --replication-reply-timeout; and the checkpoint and
// update streams have their own cap, whose 503 replicas wait out, where a 429 failed a replica's
// first bootstrap. A reply is one small body checked against the registry. GET
// /v1/replication/replicas is an ordinary admin read and stays limited.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "api/http/http_json.h"
#include "api/replication/checkpoint_downloads.h"
#include "api/replication/stream_format.h"
#include "api/replication/update_streams.h"
#include "api/replication/write_redirect.h"
#include "api/routes/routes.h"
#include "storage/replication_history.h"

namespace expgraph::api {

namespace {

namespace fs = std::filesystem;

constexpr size_t kChunkBytes = 256 * 1024;
constexpr size_t kMaxBatchGroupBytes = 4 << 20;
constexpr int64_t kDefaultStreamSeconds = 300;
constexpr int64_t kMaxStreamSeconds = 3600;
constexpr auto kHeartbeatInterval = std::chrono::seconds(1);
// How often a caught-up stream looks for new writes: a read of an atomic counter, so cheap, and
// short against the lag it adds.
constexpr auto kPollInterval = std::chrono::milliseconds(2);
// What a replica refused a stream waits before asking again: long enough not to spin, short
// against the lag --replica-max-lag-ms allows.
constexpr int kRetryAfterSeconds = 2;
// The longest reply interval a replica may announce (an hour, as max_seconds).
constexpr int64_t kMaxReplyIntervalMs = 3600 * 1000;
constexpr size_t kMaxReplicaNameBytes = 200;

// A stream slot, or an empty one with `response` set to the 503 that refuses the stream.
ConcurrencyLimit::Slot take_stream_slot(ConcurrencyLimit& streams, httplib::Response& response) {
  ConcurrencyLimit::Slot slot = streams.try_acquire();
  if (!slot.acquired()) {
    send_error(response, Status::overloaded("all " + std::to_string(streams.limit()) +
                                            " replication streams of this primary are in use "
                                            "(--max-replication-streams); retry shortly"));
    response.status = 503;
    response.set_header("Retry-After", std::to_string(kRetryAfterSeconds));
  }
  return slot;
}

// A checkpoint being streamed: its files, read one after another, and the directory removed
// when the stream ends (also when the client goes away), with the stream slot it holds and its
// registration, which lists it in GET /v1/replication/replicas for as long.
struct CheckpointStream {
  explicit CheckpointStream(ConcurrencyLimit::Slot held) : slot(std::move(held)) {}

  ConcurrencyLimit::Slot slot;
  fs::path directory;
  std::vector<std::pair<std::string, uint64_t>> files;
  uint64_t sequence = 0;
  size_t next_file = 0;
  std::ifstream current;
  bool header_sent = false;
  bool ended = false;
  uint64_t file_bytes_filled = 0;  // of the files' contents, put in chunks so far
  std::unique_ptr<replication::CheckpointDownloads::Registration> registration;

  ~CheckpointStream() {
    std::error_code ignored;
    fs::remove_all(directory, ignored);
  }

  // The next piece of the archive into `out`; false at the end.
  Status fill(std::string& out) {
    while (out.size() < kChunkBytes) {
      if (next_file == files.size()) {
        if (ended) return Status();
        replication::append_archive_end(out, sequence);
        ended = true;
        return Status();
      }
      const auto& [name, size] = files[next_file];
      if (!header_sent) {
        replication::append_file_header(out, name, size);
        current.open(directory / name, std::ios::binary);
        if (!current) return Status::internal("cannot read checkpoint file " + name);
        header_sent = true;
      }
      size_t start = out.size();
      out.resize(start + kChunkBytes);
      current.read(out.data() + start, static_cast<std::streamsize>(kChunkBytes));
      out.resize(start + static_cast<size_t>(current.gcount()));
      file_bytes_filled += static_cast<uint64_t>(current.gcount());
      if (current.eof()) {
        current.close();
        header_sent = false;
        ++next_file;
      } else if (!current) {
        return Status::internal("cannot read checkpoint file " + name);
      }
    }
    return Status();
  }
};

Result<std::shared_ptr<CheckpointStream>> make_checkpoint(
    GraphStore& graph, ConcurrencyLimit::Slot slot, replication::CheckpointDownloads& downloads,
    const httplib::Request& request) {
  static std::atomic<uint64_t> counter{0};
  auto stream = std::make_shared<CheckpointStream>(std::move(slot));
  fs::path root = fs::path(graph.storage().path()) / "replication-checkpoints";
  std::error_code error;
  fs::create_directories(root, error);
  if (error) return Status::internal("cannot create " + root.string() + ": " + error.message());
  stream->directory = root / ("checkpoint-" + std::to_string(::getpid()) + "-" +
                              std::to_string(counter.fetch_add(1)));
  EXPGRAPH_RETURN_IF_ERROR(
      graph.storage().checkpoint(stream->directory.string(), &stream->sequence));
  for (const auto& entry : fs::directory_iterator(stream->directory, error)) {
    if (!entry.is_regular_file()) continue;
    stream->files.emplace_back(entry.path().filename().string(), entry.file_size());
  }
  if (error) return Status::internal("cannot list the checkpoint: " + error.message());
  // CURRENT last: a replica that stops reading early has no openable database.
  std::sort(stream->files.begin(), stream->files.end(), [](const auto& a, const auto& b) {
    return (a.first == "CURRENT") < (b.first == "CURRENT") ||
           ((a.first == "CURRENT") == (b.first == "CURRENT") && a.first < b.first);
  });
  uint64_t total_bytes = 0;
  for (const auto& [name, size] : stream->files) total_bytes += size;
  auto registration = downloads.open(replication::CheckpointDownloads::Opening{
      request.remote_addr + ":" + std::to_string(request.remote_port), stream->sequence,
      stream->files.size(), total_bytes});
  if (!registration.ok()) return registration.status();
  stream->registration = std::move(registration).value();
  return stream;
}

Status checkpoint(GraphStore& graph, ConcurrencyLimit& streams,
                  replication::CheckpointDownloads& downloads, const httplib::Request& request,
                  httplib::Response& response) {
  ConcurrencyLimit::Slot slot = take_stream_slot(streams, response);
  if (!slot.acquired()) return Status();
  auto stream = make_checkpoint(graph, std::move(slot), downloads, request);
  if (!stream.ok()) return stream.status();
  std::shared_ptr<CheckpointStream> state = std::move(stream).value();
  response.set_header("Expgraph-Checkpoint-Sequence", std::to_string(state->sequence));
  response.set_chunked_content_provider(
      "application/octet-stream", [state](size_t, httplib::DataSink& sink) {
        std::string chunk;
        if (!state->fill(chunk).ok()) return false;  // the client sees a truncated archive
        if (!chunk.empty() && !sink.write(chunk.data(), chunk.size())) return false;
        // After the write: a client that stops reading shows what it was given before.
        state->registration->progress(state->file_bytes_filled, state->next_file);
        if (state->ended && state->next_file == state->files.size()) sink.done();
        return true;
      });
  return Status();
}

// One replica's stream: the WAL cursor, when to end, the batches read before the stream
// started with the last sequence read before them, and the stream slot it holds.
struct UpdateStream {
  GraphStore& graph;
  const std::atomic<bool>& stopping;
  std::unique_ptr<UpdateCursor> cursor;
  std::chrono::steady_clock::time_point end;
  std::vector<ReplicatedBatch> pending;
  uint64_t pending_latest = 0;
  ConcurrencyLimit::Slot slot;
  // Listed in GET /v1/replication/replicas while the stream lasts; says when the replica's
  // reply is overdue.
  std::unique_ptr<replication::UpdateStreams::Registration> registration;
};

Status updates(GraphStore& graph, const std::atomic<bool>& stopping, ConcurrencyLimit& streams,
               replication::UpdateStreams& registry, const httplib::Request& request,
               httplib::Response& response) {
  if (!request.has_param("since")) {
    return Status::invalid_argument("since (the last sequence the replica applied) is required");
  }
  auto since = integer_parameter(request, "since", 0, 0, INT64_MAX);
  if (!since.ok()) return since.status();
  auto seconds =
      integer_parameter(request, "max_seconds", kDefaultStreamSeconds, 1, kMaxStreamSeconds);
  if (!seconds.ok()) return seconds.status();
  // A replica that replies says how often; an older one says nothing and is never ended for
  // want of replies.
  auto reply_interval = integer_parameter(request, "reply_interval_ms", 0, 1, kMaxReplyIntervalMs);
  if (!reply_interval.ok()) return reply_interval.status();
  auto cursor = graph.storage().read_updates(static_cast<uint64_t>(*since));
  if (!cursor.ok()) return cursor.status();
  // A replica past this primary's last write is told so first (replica_ahead). Otherwise its
  // last epoch (storage/replication_history.h) says whether its position counts this primary's
  // writes: only if the epoch is in this history and was not left before it.
  if (request.has_param("epoch")) {
    const std::string text = request.get_param_value("epoch");
    char* end = nullptr;
    uint64_t epoch = text.empty() || text.size() > 16 ? 0 : std::strtoull(text.c_str(), &end, 16);
    if (epoch == 0 || end == nullptr || *end != '\0') {
      return Status::invalid_argument("epoch must be the replica's last epoch id (hex), got \"" +
                                      text.substr(0, 40) + "\"");
    }
    auto history = read_replication_history(graph.storage());
    if (!history.ok()) return history.status();
    EXPGRAPH_RETURN_IF_ERROR(
        check_replica_history(*history, epoch, static_cast<uint64_t>(*since)));
  }
  // Taken once the request is known to be good: a refused or malformed one answers at once.
  ConcurrencyLimit::Slot slot = take_stream_slot(streams, response);
  if (!slot.acquired()) return Status();
  uint64_t first_latest = graph.storage().latest_sequence();
  // The first read answers 410 now, with a status, rather than cutting the stream later.
  auto first = (*cursor)->next(kMaxBatchGroupBytes);
  if (!first.ok()) {
    if (first.status().error_code() == "updates_gone") {
      send_error(response, first.status());
      response.status = 410;
      return Status();
    }
    return first.status();
  }
  auto registration = registry.open(replication::UpdateStreams::Opening{
      request.remote_addr + ":" + std::to_string(request.remote_port),
      static_cast<uint64_t>(*since), *reply_interval > 0,
      std::chrono::milliseconds(*reply_interval)});
  if (!registration.ok()) return registration.status();
  response.set_header("Expgraph-Stream-Id", (*registration)->id());
  auto stream = std::make_shared<UpdateStream>(UpdateStream{
      graph, stopping, std::move(cursor).value(),
      std::chrono::steady_clock::now() + std::chrono::seconds(*seconds), std::move(first).value(),
      first_latest, std::move(slot), std::move(registration).value()});
  response.set_header("Expgraph-Latest-Sequence", std::to_string(first_latest));
  response.set_chunked_content_provider(
      "application/octet-stream", [stream](size_t, httplib::DataSink& sink) {
        auto heartbeat_due = std::chrono::steady_clock::now() + kHeartbeatInterval;
        std::vector<ReplicatedBatch> batches = std::move(stream->pending);
        stream->pending.clear();
        // The heartbeat after a group of batches carries the last sequence read before the
        // group: the replica is caught up with it once the group is applied, even when writes
        // went on meanwhile (a later one would never be reached under a steady load).
        uint64_t latest = stream->pending_latest;
        // Waits for new batches until the heartbeat is due. A replica whose reply is overdue
        // (stopped, hung) gets the end of the stream, and the worker and slot are free: the
        // end goes into the socket's buffer, which heartbeats alone do not fill.
        while (batches.empty()) {
          if (stream->stopping.load(std::memory_order_relaxed) ||
              std::chrono::steady_clock::now() >= stream->end ||
              stream->registration->reply_overdue()) {
            sink.done();
            return true;
          }
          if (std::chrono::steady_clock::now() >= heartbeat_due) break;
          latest = stream->graph.storage().latest_sequence();
          if (latest > stream->cursor->position()) {
            auto next = stream->cursor->next(kMaxBatchGroupBytes);
            if (!next.ok()) return false;  // the replica reconnects and gets the status then
            batches = std::move(next).value();
          }
          if (batches.empty()) std::this_thread::sleep_for(kPollInterval);
        }
        if (stream->registration->reply_overdue()) {
          sink.done();
          return true;
        }
        std::string frames;
        for (const ReplicatedBatch& batch : batches) replication::append_batch_frame(frames, batch);
        if (batches.empty()) latest = stream->graph.storage().latest_sequence();
        replication::append_heartbeat_frame(frames, latest);
        // Recorded before the write: the replica may apply a batch and reply before the write
        // returns here, and its reply is checked against what was sent.
        stream->registration->sent(frames.size(), batches.size(),
                                   batches.empty() ? 0 : batches.back().last_sequence());
        // Asking whether the stream is writable sends what was written (ConnectionStream
        // buffers a response until it is complete otherwise).
        return sink.write(frames.data(), frames.size()) && sink.is_writable();
      });
  return Status();
}

// POST /v1/replication/replies {"stream_id", "applied_sequence", "replica"?}.
Status reply(GraphStore& graph, replication::UpdateStreams& registry,
             const httplib::Request& request, httplib::Response& response) {
  constexpr std::string_view kWhat = "a replication reply";
  auto body = take_json_body(request);
  if (!body.ok()) return body.status();
  EXPGRAPH_RETURN_IF_ERROR(
      check_fields(*body, {"stream_id", "applied_sequence", "replica"}, kWhat));
  auto id = string_field(*body, "stream_id", kWhat);
  if (!id.ok()) return id.status();
  auto applied = body->find("applied_sequence");
  if (applied == body->end() || !applied->is_number_unsigned()) {
    return Status::invalid_argument(
        "a replication reply needs \"applied_sequence\": the last sequence the replica applied, "
        "a non-negative integer");
  }
  std::string replica;
  if (body->contains("replica")) {
    auto name = string_field(*body, "replica", kWhat);
    if (!name.ok()) return name.status();
    if (name->size() > kMaxReplicaNameBytes) {
      return Status::invalid_argument("\"replica\" is longer than " +
                                      std::to_string(kMaxReplicaNameBytes) + " bytes");
    }
    replica = std::move(name).value();
  }
  auto stream =
      registry.reply(*id, applied->get<uint64_t>(), replica, graph.storage().latest_sequence());
  if (!stream.ok()) return stream.status();
  send_json(response, 200, *stream);
  return Status();
}

// GET /v1/replication/replicas
Status replicas(GraphStore& graph, const ConcurrencyLimit& streams,
                const replication::UpdateStreams& registry,
                const replication::CheckpointDownloads& downloads, httplib::Response& response) {
  const uint64_t latest = graph.storage().latest_sequence();
  send_json(response, 200,
            nlohmann::json{{"primary_sequence", latest},
                           {"reply_timeout_ms", registry.reply_timeout().count()},
                           {"max_streams", streams.limit()},
                           {"streams_in_use", streams.in_flight()},
                           {"dropped_for_reply_timeout", registry.dropped_for_reply_timeout()},
                           {"replicas", registry.list(latest)},
                           {"checkpoint_downloads", downloads.list()}});
  return Status();
}

}  // namespace

void add_replication_routes(Router& router, GraphStore& graph, const std::atomic<bool>& stopping,
                            ConcurrencyLimit& streams, replication::UpdateStreams& registry,
                            replication::CheckpointDownloads& downloads,
                            const replication::ReplicaStatus* replica) {
  router.get_streamed(
      "/v1/replication/checkpoint", "/v1/replication/checkpoint",
      [&graph, &streams, &downloads, replica](const httplib::Request& request,
                                              httplib::Response& response) {
        if (replica != nullptr) return replication::misdirected(*replica, response);
        return checkpoint(graph, streams, downloads, request, response);
      },
      Concurrency::kExempt);
  router.get_streamed(
      "/v1/replication/updates", "/v1/replication/updates",
      [&graph, &stopping, &streams, &registry, replica](const httplib::Request& request,
                                                        httplib::Response& response) {
        if (replica != nullptr) return replication::misdirected(*replica, response);
        return updates(graph, stopping, streams, registry, request, response);
      },
      Concurrency::kExempt);
  router.post(
      "/v1/replication/replies", "/v1/replication/replies",
      [&graph, &registry, replica](const httplib::Request& request, httplib::Response& response) {
        if (replica != nullptr) return replication::misdirected(*replica, response);
        return reply(graph, registry, request, response);
      },
      Concurrency::kExempt);
  router.get("/v1/replication/replicas", "/v1/replication/replicas",
             [&graph, &streams, &registry, &downloads, replica](const httplib::Request&,
                                                                httplib::Response& response) {
               if (replica != nullptr) return replication::misdirected(*replica, response);
               return replicas(graph, streams, registry, downloads, response);
             });
}

}  // namespace expgraph::api
