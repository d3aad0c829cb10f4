// DaemonConfig: what expgraphd is told to do, from its command line and an optional JSON
// config file (`--config FILE`; flags given on the command line win over the file).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/server.h"
#include "ontology/status.h"
#include "query/similarity/similarity_index.h"

namespace expgraph::api {

struct DaemonConfig {
  std::string data_dir = "./data";
  std::string ontology_path;  // empty: the default ontology/marketing.json
  bool sync_writes = false;
  bool show_help = false;
  ServerOptions server;
  // --web-dir DIR: the web UI's bundle; unset: the build's (main.cc); "": no UI.
  std::optional<std::string> web_dir;
  // --embedder hashing|glove|use|client, --embedding-dimension N, --word-vectors FILE,
  // --sentence-encoder FILE
  similarity::SimilarityIndexOptions similarity;
  // Whether --word-vectors was given: then the file must load even when the search embedder
  // is not glove, because the learned forecast reads it (main.cc).
  bool word_vectors_given = false;
  // --replica-of URL: run as a read replica of the primary at URL (docs/scale-out.md).
  std::string replica_of;
  // --replica-max-lag-ms N: /readyz answers 503 while the replica is staler than this.
  int64_t replica_max_lag_ms = 30000;
  // --replica-rebootstrap-on-conflict: when the primary is behind this replica (409), set the
  // replica's data aside (kept, not deleted) and bootstrap again from the primary; without it
  // the replica stops following and keeps its data (docs/scale-out.md, "Bootstrapping again").
  bool replica_rebootstrap_on_conflict = false;
  // --replication-reply-interval N: how often (seconds) a replica reports its applied position
  // to its primary on its stream (POST /v1/replication/replies).
  int replication_reply_interval_seconds = 5;
  // --replica-name NAME: how a replica names itself in its replies (default HOST:PORT).
  std::string replica_name;
  // --promote: turn a stopped replica's --data into a primary's (it no longer opens as a
  // replica's) and exit; then start expgraphd on it without --replica-of.
  bool promote = false;
  // --wal-ttl-seconds N, --wal-size-limit-mb N: WAL kept for replicas (KvStoreOptions).
  uint64_t wal_ttl_seconds = 3600;
  uint64_t wal_size_limit_mb = 512;
  // --column-cache-mb N: memory for the property columns that label scans read
  // (GraphStoreOptions::column_cache_bytes; 0: every scan reads storage).
  uint64_t column_cache_mb = 512;
};

// Parses argv (without the program name). Unknown flags and bad values are errors.
Result<DaemonConfig> parse_daemon_args(const std::vector<std::string>& args);
std::string daemon_usage();

}  // namespace expgraph::api
