// expgraphd: opens the graph under --data with the ontology, then serves the HTTP API until
// SIGTERM or SIGINT, on which it stops accepting, finishes requests in flight and closes
// RocksDB cleanly. With --replica-of it is a read replica (docs/scale-out.md): it bootstraps
// from the primary when --data is empty, runs the primary's ontology and follows its writes.
#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "api/auth/api_keys.h"
#include "api/daemon_config.h"
#include "api/replication/replica_bootstrap.h"
#include "api/replication/replica_follower.h"
#include "api/server.h"
#include "graph/graph_store.h"
#include "ontology/ontology.h"
#include "query/insights/result_stats_enricher.h"
#include "query/similarity/similarity_index.h"

namespace {

// The default ontology: beside the binary's source tree when run from a build, or installed.
std::string default_ontology_path() {
  for (const char* candidate :
       {"ontology/marketing.json", EXPGRAPH_SOURCE_ONTOLOGY, "/usr/share/expgraph/marketing.json"}) {
    if (std::filesystem::exists(candidate)) return candidate;
  }
  return "ontology/marketing.json";
}

// The web UI's bundle: the one the build made (api/web/CMakeLists.txt), or an installed one.
std::string default_web_dir() {
  for (const char* candidate : {EXPGRAPH_BUILD_WEB_DIR, "/usr/share/expgraph/web"}) {
    if (std::filesystem::exists(std::string(candidate) + "/index.html")) return candidate;
  }
  return EXPGRAPH_BUILD_WEB_DIR;
}

// Libraries loaded with the binary may start threads before main() blocks the stop signals
// (OpenBLAS, which FAISS pulls in, starts its pool from a load-time constructor). A stop signal
// delivered to such a thread would take the default action and kill the process instead of
// reaching the waiter, so this handler, which only runs in those threads, forwards it.
pthread_t stop_signal_waiter;

void forward_stop_signal(int signal_number) { pthread_kill(stop_signal_waiter, signal_number); }

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

  // glibc raises its mmap threshold to the largest block freed so far (up to 32 MiB), after
  // which request bodies and the values built from them come from the arenas, which keep their
  // pages. A fixed threshold keeps every block of 1 MiB or more in its own mapping, returned to
  // the operating system when freed, so one large request does not leave the process larger.
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif

  // Block the stop signals in every thread; one thread waits for them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  const bool replica = !config->replica_of.empty();
  const char* primary_key = std::getenv("EXPGRAPH_PRIMARY_KEY");
  std::optional<replication::ReplicaStart> replica_start;
  if (replica) {
    auto started = replication::prepare_replica(config->replica_of, config->data_dir,
                                                primary_key != nullptr ? primary_key : "");
    if (!started.ok()) {
      std::fprintf(stderr, "expgraphd: replica of %s: %s\n", config->replica_of.c_str(),
                   started.status().message().c_str());
      return 1;
    }
    replica_start = std::move(started).value();
    if (replica_start->bootstrapped) {
      std::fprintf(stderr, "expgraphd: bootstrapped from %s: %llu bytes, sequence %llu\n",
                   config->replica_of.c_str(),
                   static_cast<unsigned long long>(replica_start->checkpoint_bytes),
                   static_cast<unsigned long long>(replica_start->applied_sequence));
    }
  }

  std::string ontology_path =
      config->ontology_path.empty() ? default_ontology_path() : config->ontology_path;
  // A replica runs the primary's ontology, from its copy of the data.
  auto ontology = replica ? Ontology::from_json(nlohmann::json::parse(
                                replica_start->ontology_document, nullptr, false))
                          : Ontology::load_file(ontology_path);
  if (!ontology.ok()) {
    std::fprintf(stderr, "expgraphd: ontology %s: %s\n", ontology_path.c_str(),
                 ontology.status().message().c_str());
    for (const std::string& detail : ontology.status().details()) {
      std::fprintf(stderr, "  - %s\n", detail.c_str());
    }
    return 1;
  }
  GraphStoreOptions graph_options;
  graph_options.storage.sync_writes = config->sync_writes;
  graph_options.storage.wal_ttl_seconds = config->wal_ttl_seconds;
  graph_options.storage.wal_size_limit_mb = config->wal_size_limit_mb;
  graph_options.storage.replica = replica;
  graph_options.column_cache_bytes = static_cast<size_t>(config->column_cache_mb) << 20;
  std::error_code ignored;
  std::filesystem::create_directories(config->data_dir, ignored);
  auto graph = GraphStore::open(config->data_dir,
                                std::make_shared<Ontology>(std::move(ontology).value()),
                                graph_options);
  if (!graph.ok()) {
    std::fprintf(stderr, "expgraphd: %s\n", graph.status().message().c_str());
    return 1;
  }

  // Registered before serving, so that every write reaches the vectors in its own batch.
  auto similarity = similarity::SimilarityIndex::open(**graph, config->similarity);
  if (!similarity.ok()) {
    std::fprintf(stderr, "expgraphd: similarity index: %s\n",
                 similarity.status().message().c_str());
    return 1;
  }
  (*graph)->add_observer(similarity->get());
  // Result statistics are derived from raw counts on every write path (PUT, batch, import).
  static const insights::ResultStatsEnricher result_stats;
  (*graph)->add_enricher(&result_stats);

  auto keys = api::ApiKeyStore::open((*graph)->storage());
  if (!keys.ok()) {
    std::fprintf(stderr, "expgraphd: API keys: %s\n", keys.status().message().c_str());
    return 1;
  }
  // A replica's keys are the primary's, replicated.
  if (config->server.auth && !replica) {
    auto generated = api::bootstrap_admin_key(**keys, std::getenv("EXPGRAPH_ADMIN_KEY"));
    if (!generated.ok()) {
      std::fprintf(stderr, "expgraphd: %s\n", generated.status().message().c_str());
      return 1;
    }
    // Shown once: only its hash is stored.
    if (generated->has_value()) {
      std::fprintf(stderr,
                   "expgraphd: created the first admin key (shown only now, store it):\n"
                   "  %s\n",
                   (*generated)->c_str());
    }
  } else if (!config->server.auth) {
    std::fprintf(stderr,
                 "expgraphd: authentication is off (--auth off): every request is allowed, as "
                 "\"anonymous\"\n");
  }
  std::unique_ptr<replication::ReplicaStatus> replica_status;
  std::unique_ptr<replication::ReplicaFollower> follower;
  if (replica) {
    replica_status = std::make_unique<replication::ReplicaStatus>(
        config->replica_of, replica_start->applied_sequence, config->replica_max_lag_ms);
    follower = std::make_unique<replication::ReplicaFollower>(
        **graph, *replica_status, keys->get(), primary_key != nullptr ? primary_key : "");
    config->server.replica = replica_status.get();
  }
  config->server.web_dir = config->web_dir.value_or(default_web_dir());
  api::ApiServer server(**graph, config->server, similarity->get(), keys->get());
  Status bound = server.bind();
  if (!bound.ok()) {
    std::fprintf(stderr, "expgraphd: %s\n", bound.message().c_str());
    return 1;
  }
  std::thread signal_waiter([&server, stop_signals] {
    int received = 0;
    sigwait(&stop_signals, &received);
    std::fprintf(stderr, "expgraphd: signal %d, shutting down\n", received);
    server.stop();
  });
  stop_signal_waiter = signal_waiter.native_handle();
  struct sigaction forward = {};
  forward.sa_handler = forward_stop_signal;
  sigemptyset(&forward.sa_mask);
  sigaction(SIGTERM, &forward, nullptr);
  sigaction(SIGINT, &forward, nullptr);
  std::fprintf(stderr, "expgraphd: serving %s (%zu nodes, %zu edges) on %s://%s:%d\n",
               config->data_dir.c_str(), (*graph)->node_count(), (*graph)->edge_count(),
               config->server.tls_cert_file.empty() ? "http" : "https",
               config->server.bind.c_str(), server.port());
  if (server.web_ui_missing().empty()) {
    std::fprintf(stderr, "expgraphd: web UI at %s://%s:%d/\n",
                 config->server.tls_cert_file.empty() ? "http" : "https",
                 config->server.bind.c_str(), server.port());
  } else {
    std::fprintf(stderr, "expgraphd: no web UI: %s\n", server.web_ui_missing().c_str());
  }
  std::fflush(stderr);
  if (follower) follower->start();
  Status served = server.serve();
  // The follower stops before the graph closes, after its batch in progress.
  if (follower) follower->stop();
  // serve() also returns when listening failed; wake the waiter so it can be joined.
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();
  if (!served.ok()) {
    std::fprintf(stderr, "expgraphd: %s\n", served.message().c_str());
    return 1;
  }
  std::fprintf(stderr, "expgraphd: stopped cleanly\n");
  return 0;
}
