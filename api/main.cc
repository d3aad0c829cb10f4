// expgraphd: opens the graph under --data with the ontology, then serves the HTTP API until
// SIGTERM or SIGINT, on which it stops accepting, finishes requests in flight and closes
// RocksDB cleanly. With --replica-of it is a read replica (docs/scale-out.md): it bootstraps
// from the primary when --data is empty, runs the primary's ontology and follows its writes.
// A replica reopens its data while running (a fresh checkpoint to swap in after falling behind
// the primary's kept WAL, or a new ontology): the serving loop below stops the server (requests
// in flight finish on the old data), closes everything, swaps the directories and opens them
// again exactly as at start.
#include <malloc.h>
#include <unistd.h>

#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "api/auth/api_keys.h"
#include "api/daemon_config.h"
#include "api/replication/replica_bootstrap.h"
#include "api/replication/replica_directories.h"
#include "api/replication/replica_follower.h"
#include "api/replication/replica_status.h"
#include "api/server.h"
#include "graph/graph_store.h"
#include "ontology/ontology.h"
#include "query/insights/result_stats_enricher.h"
#include "query/similarity/glove_embedder.h"
#include "query/similarity/similarity_index.h"
#include "storage/kv_store.h"
#include "storage/replica_promotion.h"
#include "storage/replication_history.h"

namespace {

// The default ontology: beside the binary's source tree when run from a build, or installed.
std::string default_ontology_path() {
  std::error_code unreadable;  // skipped, not thrown out of serve_round
  for (const char* candidate :
       {"ontology/marketing.json", EXPGRAPH_SOURCE_ONTOLOGY, "/usr/share/expgraph/marketing.json"}) {
    if (std::filesystem::exists(candidate, unreadable)) return candidate;
  }
  return "ontology/marketing.json";
}

// The web UI's bundle: the one the build made (api/web/CMakeLists.txt), or an installed one.
std::string default_web_dir() {
  std::error_code unreadable;  // skipped, not thrown out of serve_round
  for (const char* candidate : {EXPGRAPH_BUILD_WEB_DIR, "/usr/share/expgraph/web"}) {
    if (std::filesystem::exists(std::string(candidate) + "/index.html", unreadable)) {
      return candidate;
    }
  }
  return EXPGRAPH_BUILD_WEB_DIR;
}

// The learned forecast's word-vector features made it better on validation whatever index
// searches (docs/insights.md), so it reads the glove matrix even when the search embedder is
// another: the file at --word-vectors when it is there (it must load when --word-vectors was
// given). Empty when the embedder is glove (the forecast shares the index's) or there is none.
expgraph::Result<std::optional<expgraph::similarity::GloveEmbedder>> load_forecast_word_vectors(
    const expgraph::api::DaemonConfig& config) {
  using namespace expgraph;
  using Vectors = std::optional<similarity::GloveEmbedder>;
  const std::string& path = config.similarity.word_vectors_path;
  if (config.similarity.embedder == similarity::EmbedderKind::kGlove) return Vectors();
  std::error_code unreadable;
  if (!config.word_vectors_given && !std::filesystem::exists(path, unreadable)) {
    std::fprintf(stderr,
                 "expgraphd: no word vectors at %s: the learned forecast trains without its "
                 "word-vector features (tools/fetch-word-vectors fetches them)\n",
                 path.c_str());
    return Vectors();
  }
  auto loaded = similarity::GloveEmbedder::load(path);
  if (!loaded.ok()) return Status(loaded.status()).prepend("the forecast's word vectors");
  return Vectors(std::move(loaded).value());
}

// Libraries loaded with the binary may start threads before main() blocks the stop signals
// (OpenBLAS, which FAISS pulls in, starts its pool from a load-time constructor). A stop signal
// delivered to such a thread would take the default action and kill the process instead of
// reaching the waiter, so this handler, which only runs in those threads, forwards it.
pthread_t stop_signal_waiter;

void forward_stop_signal(int signal_number) { pthread_kill(stop_signal_waiter, signal_number); }

// Stops the server of the current round from another thread: a stop signal ends the process, a
// reopen request (from the replica's follower) ends only the round. httplib ignores a stop that
// comes before it listens, so the stop is repeated until the round's serve() has returned.
class ServingControl {
 public:
  // The round's server is about to serve; false when a stop came first (do not serve).
  bool serving(expgraph::api::ApiServer* server) {
    std::lock_guard lock(mutex_);
    if (shutting_down_.load() || reopen_.load()) return false;
    server_ = server;
    return true;
  }
  void served() {
    std::lock_guard lock(mutex_);
    server_ = nullptr;
    changed_.notify_all();
  }
  void shut_down() { stop_round(shutting_down_); }
  void reopen() { stop_round(reopen_); }
  bool shutting_down() const { return shutting_down_.load(); }
  // Whether the round ended for a reopen; clears the request.
  bool take_reopen() { return reopen_.exchange(false); }

 private:
  void stop_round(std::atomic<bool>& why) {
    std::unique_lock lock(mutex_);
    why = true;
    while (server_ != nullptr) {
      server_->stop();
      changed_.wait_for(lock, std::chrono::milliseconds(10));
    }
  }

  std::mutex mutex_;  // guards server_
  std::condition_variable changed_;
  expgraph::api::ApiServer* server_ = nullptr;
  std::atomic<bool> shutting_down_{false};
  std::atomic<bool> reopen_{false};
};

// expgraphd --promote --data DIR: the replica must be stopped (RocksDB's lock refuses otherwise).
int promote(const expgraph::api::DaemonConfig& config) {
  using namespace expgraph;
  if (!config.replica_of.empty()) {
    std::fprintf(stderr, "expgraphd: --promote makes a primary: drop --replica-of\n");
    return 2;
  }
  // Refused, changing nothing, while a re-bootstrap's leftovers are beside the data: a later
  // --replica-of start would swap them in over the promoted data (docs/scale-out.md).
  Status pending = replication::check_nothing_pending(config.data_dir);
  if (!pending.ok()) {
    std::fprintf(stderr, "expgraphd: --promote refused, nothing changed: %s\n",
                 pending.message().c_str());
    return 1;
  }
  auto store = KvStore::open(config.data_dir);
  if (!store.ok()) {
    std::fprintf(stderr, "expgraphd: --promote: %s\n", store.status().message().c_str());
    return 1;
  }
  auto applied = promote_replica_data(**store);
  if (!applied.ok()) {
    std::fprintf(stderr, "expgraphd: --promote: %s\n", applied.status().message().c_str());
    return 1;
  }
  std::fprintf(stderr,
               "expgraphd: promoted %s: it holds the old primary's writes through its sequence "
               "%llu and no longer opens as a replica's data; start expgraphd on it without "
               "--replica-of\n",
               config.data_dir.c_str(), static_cast<unsigned long long>(*applied));
  return 0;
}

enum class RoundEnd { kStopped, kReopen, kFailed };

// One opening of the data and serving until stopped or asked to reopen. `replica_status` is
// made at the first round of a replica and kept across rounds.
RoundEnd serve_round(expgraph::api::DaemonConfig& config, ServingControl& control,
                     std::unique_ptr<expgraph::replication::ReplicaStatus>& replica_status,
                     bool first_round);

}  // namespace

int main(int argc, char** argv) {
  using namespace expgraph;
  auto config = api::parse_daemon_args(std::vector<std::string>(argv + 1, argv + argc));
  if (!config.ok()) {
    std::fprintf(stderr, "expgraphd: %s\n", config.status().message().c_str());
    return 2;
  }
  if (config->show_help) {
    std::fputs(api::daemon_usage().c_str(), stdout);
    return 0;
  }

  if (config->promote) return promote(*config);

  // glibc raises its mmap threshold to the largest block freed so far (up to 32 MiB), after
  // which request bodies and the values built from them come from the arenas, which keep their
  // pages. A fixed threshold keeps every block of 1 MiB or more in its own mapping, returned to
  // the operating system when freed, so one large request does not leave the process larger.
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif

  // Once for every round (a replica opens its data again after a new checkpoint), and before
  // the first round opens the index, which may re-embed for minutes: a bad --word-vectors stops
  // the start at once.
  auto forecast_vectors = load_forecast_word_vectors(*config);
  if (!forecast_vectors.ok()) {
    std::fprintf(stderr, "expgraphd: %s\n", forecast_vectors.status().message().c_str());
    return 1;
  }
  config->server.forecast_embedder =
      forecast_vectors->has_value() ? &**forecast_vectors : nullptr;

  // Block the stop signals in every thread; one thread waits for them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  ServingControl control;
  std::thread signal_waiter([&control, stop_signals] {
    int received = 0;
    sigwait(&stop_signals, &received);
    if (!control.shutting_down()) {
      std::fprintf(stderr, "expgraphd: signal %d, shutting down\n", received);
    }
    control.shut_down();
  });
  stop_signal_waiter = signal_waiter.native_handle();
  struct sigaction forward = {};
  forward.sa_handler = forward_stop_signal;
  sigemptyset(&forward.sa_mask);
  sigaction(SIGTERM, &forward, nullptr);
  sigaction(SIGINT, &forward, nullptr);

  std::unique_ptr<replication::ReplicaStatus> replica_status;
  RoundEnd end = RoundEnd::kReopen;
  for (bool first_round = true; end == RoundEnd::kReopen; first_round = false) {
    end = serve_round(*config, control, replica_status, first_round);
    if (end == RoundEnd::kReopen) {
      std::fprintf(stderr, "expgraphd: data closed; opening it again\n");
    }
  }
  // Wake the waiter (no signal came when serving ended otherwise) so it can be joined.
  control.shut_down();
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();
  if (end == RoundEnd::kFailed) return 1;
  std::fprintf(stderr, "expgraphd: stopped cleanly\n");
  return 0;
}

namespace {

RoundEnd serve_round(expgraph::api::DaemonConfig& config, ServingControl& control,
                     std::unique_ptr<expgraph::replication::ReplicaStatus>& replica_status,
                     bool first_round) {
  using namespace expgraph;
  const bool replica = !config.replica_of.empty();
  const char* primary_key = std::getenv("EXPGRAPH_PRIMARY_KEY");
  std::optional<replication::ReplicaStart> replica_start;
  if (replica) {
    auto started = replication::prepare_replica(config.replica_of, config.data_dir,
                                                primary_key != nullptr ? primary_key : "");
    if (!started.ok()) {
      std::fprintf(stderr, "expgraphd: replica of %s: %s\n", config.replica_of.c_str(),
                   started.status().message().c_str());
      return RoundEnd::kFailed;
    }
    replica_start = std::move(started).value();
    const replication::SwapOutcome& swap = replica_start->swap;
    if (!swap.removed_partial.empty()) {
      std::fprintf(stderr, "expgraphd: removed an unfinished checkpoint download %s\n",
                   swap.removed_partial.c_str());
    }
    if (swap.swapped) {
      std::fprintf(stderr,
                   "expgraphd: replica data replaced by the fresh checkpoint (sequence "
                   "%llu)\n",
                   static_cast<unsigned long long>(replica_start->applied_sequence));
    }
    if (!swap.kept_old_data.empty()) {
      std::fprintf(stderr,
                   "expgraphd: WARNING: the replica's previous data, which holds writes the "
                   "primary does not have, is kept in %s (open it with expgraphd --data to read "
                   "them; remove it when not needed)\n",
                   swap.kept_old_data.c_str());
    }
    if (replica_start->bootstrapped) {
      std::fprintf(stderr, "expgraphd: bootstrapped from %s: %llu bytes, sequence %llu\n",
                   config.replica_of.c_str(),
                   static_cast<unsigned long long>(replica_start->checkpoint_bytes),
                   static_cast<unsigned long long>(replica_start->applied_sequence));
    }
  }

  std::string ontology_path =
      config.ontology_path.empty() ? default_ontology_path() : config.ontology_path;
  // A replica runs the primary's ontology, from its copy of the data.
  auto ontology = replica ? Ontology::from_json(nlohmann::json::parse(
                                replica_start->ontology_document, nullptr, false))
                          : Ontology::load_file(ontology_path);
  if (!ontology.ok()) {
    const std::string source = replica ? "of the primary, in " + config.data_dir : ontology_path;
    std::fprintf(stderr, "expgraphd: ontology %s: %s\n", source.c_str(),
                 ontology.status().message().c_str());
    for (const std::string& detail : ontology.status().details()) {
      std::fprintf(stderr, "  - %s\n", detail.c_str());
    }
    return RoundEnd::kFailed;
  }
  GraphStoreOptions graph_options;
  graph_options.storage.sync_writes = config.sync_writes;
  graph_options.storage.wal_ttl_seconds = config.wal_ttl_seconds;
  graph_options.storage.wal_size_limit_mb = config.wal_size_limit_mb;
  graph_options.storage.replica = replica;
  graph_options.column_cache_bytes = static_cast<size_t>(config.column_cache_mb) << 20;
  std::error_code ignored;
  std::filesystem::create_directories(config.data_dir, ignored);
  auto graph = GraphStore::open(
      config.data_dir, std::make_shared<Ontology>(std::move(ontology).value()), graph_options);
  if (!graph.ok()) {
    std::fprintf(stderr, "expgraphd: %s\n", graph.status().message().c_str());
    return RoundEnd::kFailed;
  }

  if (!replica) {
    // Each start of a primary begins an epoch of its history, before any write: a replica that
    // applied writes this data no longer has (a restore, a lost tail) or another database's is
    // told so instead of following from a position that counts other writes.
    auto epoch = begin_history_epoch((*graph)->storage());
    if (!epoch.ok()) {
      std::fprintf(stderr, "expgraphd: %s\n", epoch.status().message().c_str());
      return RoundEnd::kFailed;
    }
  }

  // Registered before serving, so that every write reaches the vectors in its own batch. After
  // an embedder change every text is embedded again before it serves; say how far it is.
  similarity::SimilarityIndexOptions index_options = config.similarity;
  index_options.on_reembedded = [](size_t reembedded) {
    std::fprintf(stderr, "expgraphd: similarity index: %zu texts embedded again (the embedder "
                 "changed, or they had no vector)\n", reembedded);
  };
  auto similarity = similarity::SimilarityIndex::open(**graph, index_options);
  if (!similarity.ok()) {
    std::fprintf(stderr, "expgraphd: similarity index: %s\n",
                 similarity.status().message().c_str());
    return RoundEnd::kFailed;
  }
  (*graph)->add_observer(similarity->get());
  // Result statistics are derived from raw counts on every write path (PUT, batch, import).
  static const insights::ResultStatsEnricher result_stats;
  (*graph)->add_enricher(&result_stats);

  auto keys = api::ApiKeyStore::open((*graph)->storage());
  if (!keys.ok()) {
    std::fprintf(stderr, "expgraphd: API keys: %s\n", keys.status().message().c_str());
    return RoundEnd::kFailed;
  }
  // A replica's keys are the primary's, replicated.
  if (config.server.auth && !replica) {
    auto generated = api::bootstrap_admin_key(**keys, std::getenv("EXPGRAPH_ADMIN_KEY"));
    if (!generated.ok()) {
      std::fprintf(stderr, "expgraphd: %s\n", generated.status().message().c_str());
      return RoundEnd::kFailed;
    }
    // Shown once: only its hash is stored.
    if (generated->has_value()) {
      std::fprintf(stderr,
                   "expgraphd: created the first admin key (shown only now, store it):\n"
                   "  %s\n",
                   (*generated)->c_str());
    }
  } else if (!config.server.auth) {
    std::fprintf(stderr,
                 "expgraphd: authentication is off (--auth off): every request is allowed, as "
                 "\"anonymous\"\n");
  }
  std::unique_ptr<replication::ReplicaFollower> follower;
  if (replica) {
    if (!replica_status) {
      replica_status = std::make_unique<replication::ReplicaStatus>(
          config.replica_of, replica_start->applied_sequence, config.replica_max_lag_ms);
    }
    replica_status->reopened(replica_start->applied_sequence);
    if (replica_start->bootstrapped) replica_status->bootstrapped();
    replication::FollowerOptions follow;
    follow.api_key = primary_key != nullptr ? primary_key : "";
    follow.data_dir = config.data_dir;
    follow.rebootstrap_on_conflict = config.replica_rebootstrap_on_conflict;
    follow.request_reopen = [&control] { control.reopen(); };
    follow.reply_interval = std::chrono::seconds(config.replication_reply_interval_seconds);
    follow.replica_name = config.replica_name;
    if (follow.replica_name.empty()) {
      // The host and the port it serves on, which the primary's view of the connection (an
      // ephemeral port, maybe a proxy's address) does not show.
      char host[256] = {};
      if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "replica");
      follow.replica_name = std::string(host) + ":" + std::to_string(config.server.port);
    }
    follower = std::make_unique<replication::ReplicaFollower>(**graph, *replica_status, keys->get(),
                                                              std::move(follow));
    config.server.replica = replica_status.get();
  }
  config.server.web_dir = config.web_dir.value_or(default_web_dir());
  api::ApiServer server(**graph, config.server, similarity->get(), keys->get());
  Status bound = server.bind();
  // Reopened: the port was closed a moment ago; another process may hold it briefly.
  for (int attempt = 0; !bound.ok() && !first_round && attempt < 50; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    bound = server.bind();
  }
  if (!bound.ok()) {
    std::fprintf(stderr, "expgraphd: %s\n", bound.message().c_str());
    return RoundEnd::kFailed;
  }
  // Later rounds listen where this one does (also when --port 0 chose it).
  config.server.port = server.port();
  std::fprintf(stderr, "expgraphd: serving %s (%zu nodes, %zu edges) on %s://%s:%d\n",
               config.data_dir.c_str(), (*graph)->node_count(), (*graph)->edge_count(),
               config.server.tls_cert_file.empty() ? "http" : "https", config.server.bind.c_str(),
               server.port());
  if (server.web_ui_missing().empty()) {
    std::fprintf(stderr, "expgraphd: web UI at %s://%s:%d/\n",
                 config.server.tls_cert_file.empty() ? "http" : "https", config.server.bind.c_str(),
                 server.port());
  } else {
    std::fprintf(stderr, "expgraphd: no web UI: %s\n", server.web_ui_missing().c_str());
  }
  std::fflush(stderr);
  if (!control.serving(&server)) return RoundEnd::kStopped;  // a signal while opening
  if (follower) follower->start();
  Status served = server.serve();
  control.served();
  // The follower stops before the graph closes, after its batch in progress (or its download).
  // Requests in flight have finished: serve() returns after its workers are joined.
  if (follower) follower->stop();
  if (!served.ok()) {
    std::fprintf(stderr, "expgraphd: %s\n", served.message().c_str());
    return RoundEnd::kFailed;
  }
  if (control.take_reopen() && !control.shutting_down()) return RoundEnd::kReopen;
  return RoundEnd::kStopped;
}

}  // namespace
