#include "api/daemon_config.h"

#include <charconv>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace expgraph::api {

namespace {

Result<int64_t> parse_integer(const std::string& name, const std::string& text, int64_t minimum,
                              int64_t maximum) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < minimum ||
      value > maximum) {
    return Status::invalid_argument(name + " must be an integer from " + std::to_string(minimum) +
                                    " to " + std::to_string(maximum) + ", got \"" + text + "\"");
  }
  return value;
}

// Applies one setting, named as its flag without the dashes ("port", "data", ...).
Status apply(DaemonConfig& config, const std::string& name, const std::string& value) {
  if (name == "data") {
    config.data_dir = value;
  } else if (name == "port") {
    auto port = parse_integer("--port", value, 0, 65535);
    if (!port.ok()) return port.status();
    config.server.port = static_cast<int>(*port);
  } else if (name == "bind") {
    config.server.bind = value;
  } else if (name == "ontology") {
    config.ontology_path = value;
  } else if (name == "threads") {
    auto threads = parse_integer("--threads", value, 1, 1024);
    if (!threads.ok()) return threads.status();
    config.server.threads = static_cast<int>(*threads);
  } else if (name == "max-body-bytes") {
    auto bytes = parse_integer("--max-body-bytes", value, 1024, int64_t{1} << 32);
    if (!bytes.ok()) return bytes.status();
    config.server.max_body_bytes = static_cast<size_t>(*bytes);
  } else if (name == "max-body-memory") {
    auto bytes = parse_integer("--max-body-memory", value, 1024, int64_t{1} << 40);
    if (!bytes.ok()) return bytes.status();
    config.server.max_body_memory = static_cast<size_t>(*bytes);
  } else if (name == "read-timeout") {
    auto seconds = parse_integer("--read-timeout", value, 1, 3600);
    if (!seconds.ok()) return seconds.status();
    config.server.read_timeout_seconds = static_cast<int>(*seconds);
  } else if (name == "max-concurrent-requests") {
    auto limit = parse_integer("--max-concurrent-requests", value, 1, 100000);
    if (!limit.ok()) return limit.status();
    config.server.max_concurrent_requests = static_cast<int>(*limit);
  } else if (name == "insights-max-lag-ms") {
    auto ms = parse_integer("--insights-max-lag-ms", value, 0, 3'600'000);
    if (!ms.ok()) return ms.status();
    config.server.insights_max_lag_ms = static_cast<int>(*ms);
  } else if (name == "max-replication-streams") {
    auto limit = parse_integer("--max-replication-streams", value, 1, 1024);
    if (!limit.ok()) return limit.status();
    config.server.max_replication_streams = static_cast<int>(*limit);
  } else if (name == "replication-reply-timeout") {
    auto seconds = parse_integer("--replication-reply-timeout", value, 0, 3600);
    if (!seconds.ok()) return seconds.status();
    config.server.replication_reply_timeout_seconds = static_cast<int>(*seconds);
  } else if (name == "replication-reply-interval") {
    auto seconds = parse_integer("--replication-reply-interval", value, 1, 3600);
    if (!seconds.ok()) return seconds.status();
    config.replication_reply_interval_seconds = static_cast<int>(*seconds);
  } else if (name == "replica-name") {
    if (value.empty() || value.size() > 200) {
      return Status::invalid_argument("--replica-name must be 1 to 200 bytes");
    }
    config.replica_name = value;
  } else if (name == "backup-dir") {
    config.server.backup_dir = value;
  } else if (name == "web-dir") {
    config.web_dir = value;
  } else if (name == "tls-cert") {
    config.server.tls_cert_file = value;
  } else if (name == "tls-key") {
    config.server.tls_key_file = value;
  } else if (name == "embedder") {
    auto kind = similarity::parse_embedder_kind(value);
    if (!kind) {
      return Status::invalid_argument(
          "--embedder must be \"hashing\", \"glove\", \"use\" or \"client\", got \"" + value +
          "\"");
    }
    config.similarity.embedder = *kind;
  } else if (name == "embedding-dimension") {
    auto dimension = parse_integer("--embedding-dimension", value, 8, 65536);
    if (!dimension.ok()) return dimension.status();
    config.similarity.dimension = static_cast<int>(*dimension);
  } else if (name == "word-vectors") {
    config.similarity.word_vectors_path = value;
    config.word_vectors_given = true;
  } else if (name == "sentence-encoder") {
    config.similarity.sentence_encoder_path = value;
  } else if (name == "sync-writes") {
    config.sync_writes = value == "true";
  } else if (name == "auth") {
    if (value == "on" || value == "true") {
      config.server.auth = true;
    } else if (value == "off" || value == "false") {
      config.server.auth = false;
    } else {
      return Status::invalid_argument("--auth must be \"on\" or \"off\", got \"" + value + "\"");
    }
  } else if (name == "replica-of") {
    if (value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0) {
      return Status::invalid_argument("--replica-of must be the primary's http:// or https:// "
                                      "URL, got \"" + value + "\"");
    }
    config.replica_of = value;
    while (!config.replica_of.empty() && config.replica_of.back() == '/') {
      config.replica_of.pop_back();
    }
  } else if (name == "replica-max-lag-ms") {
    auto lag = parse_integer("--replica-max-lag-ms", value, 1, int64_t{1} << 40);
    if (!lag.ok()) return lag.status();
    config.replica_max_lag_ms = *lag;
  } else if (name == "promote") {
    config.promote = value == "true";
  } else if (name == "replica-rebootstrap-on-conflict") {
    config.replica_rebootstrap_on_conflict = value == "true";
  } else if (name == "wal-ttl-seconds") {
    auto seconds = parse_integer("--wal-ttl-seconds", value, 0, int64_t{1} << 40);
    if (!seconds.ok()) return seconds.status();
    config.wal_ttl_seconds = static_cast<uint64_t>(*seconds);
  } else if (name == "wal-size-limit-mb") {
    auto megabytes = parse_integer("--wal-size-limit-mb", value, 0, int64_t{1} << 30);
    if (!megabytes.ok()) return megabytes.status();
    config.wal_size_limit_mb = static_cast<uint64_t>(*megabytes);
  } else if (name == "column-cache-mb") {
    auto megabytes = parse_integer("--column-cache-mb", value, 0, int64_t{1} << 30);
    if (!megabytes.ok()) return megabytes.status();
    config.column_cache_mb = static_cast<uint64_t>(*megabytes);
  } else if (name == "quiet") {
    config.server.log_requests = value != "true";
  } else {
    return Status::invalid_argument("unknown option --" + name + "\n" + daemon_usage());
  }
  return Status();
}

bool is_switch(const std::string& name) {
  return name == "sync-writes" || name == "quiet" || name == "help" ||
         name == "replica-rebootstrap-on-conflict" || name == "promote";
}

bool is_known_flag(const std::string& name) {
  for (const char* known : {"data",
                            "port",
                            "bind",
                            "ontology",
                            "threads",
                            "max-body-bytes",
                            "max-body-memory",
                            "read-timeout",
                            "embedder",
                            "embedding-dimension",
                            "word-vectors",
                            "sentence-encoder",
                            "sync-writes",
                            "quiet",
                            "help",
                            "config",
                            "auth",
                            "max-concurrent-requests",
                            "insights-max-lag-ms",
                            "max-replication-streams",
                            "replication-reply-timeout",
                            "replication-reply-interval",
                            "replica-name",
                            "backup-dir",
                            "web-dir",
                            "tls-cert",
                            "tls-key",
                            "replica-of",
                            "replica-max-lag-ms",
                            "replica-rebootstrap-on-conflict",
                            "promote",
                            "wal-ttl-seconds",
                            "wal-size-limit-mb",
                            "column-cache-mb"}) {
    if (name == known) return true;
  }
  return false;
}

Status apply_config_file(DaemonConfig& config, const std::string& path) {
  std::ifstream file(path);
  if (!file) return Status::invalid_argument("cannot read config file " + path);
  std::stringstream text;
  text << file.rdbuf();
  nlohmann::json document = nlohmann::json::parse(text.str(), nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    return Status::invalid_argument("config file " + path + " is not a JSON object");
  }
  for (const auto& [name, value] : document.items()) {
    std::string text_value = value.is_string() ? value.get<std::string>() : value.dump();
    Status status = apply(config, name, text_value);
    if (!status.ok()) return status.prepend("config file " + path);
  }
  return Status();
}

}  // namespace

std::string daemon_usage() {
  return "usage: expgraphd [--data DIR] [--port N] [--bind ADDRESS] [--ontology FILE]\n"
         "                 [--threads N] [--max-body-bytes N] [--max-body-memory N]\n"
         "                 [--read-timeout SECONDS] [--sync-writes] [--quiet]\n"
         "                 [--embedder hashing|glove|use|client] [--embedding-dimension N]\n"
         "                 [--word-vectors FILE] [--sentence-encoder FILE] [--auth on|off]\n"
         "                 [--max-concurrent-requests N] [--insights-max-lag-ms N]\n"
         "                 [--max-replication-streams N]\n"
         "                 [--replication-reply-timeout SECONDS]\n"
         "                 [--backup-dir DIR]\n"
         "                 [--tls-cert FILE --tls-key FILE] [--web-dir DIR] [--config FILE]\n"
         "                 [--replica-of URL] [--replica-max-lag-ms N]\n"
         "                 [--replica-rebootstrap-on-conflict] [--promote]\n"
         "                 [--replication-reply-interval SECONDS] [--replica-name NAME]\n"
         "                 [--wal-ttl-seconds N] [--wal-size-limit-mb N]\n"
         "                 [--column-cache-mb N]\n"
         "  --data DIR          RocksDB directory (default ./data)\n"
         "  --port N            TCP port (default 8080; 0 picks a free one)\n"
         "  --bind ADDRESS      address to listen on (default 127.0.0.1)\n"
         "  --ontology FILE     ontology JSON (default ontology/marketing.json)\n"
         "  --threads N         HTTP worker threads: requests served at once (default 64)\n"
         "  --max-body-bytes N  request body limit, as sent and decompressed (default 16 MiB)\n"
         "  --max-body-memory N request bodies held at once, 429 beyond (default 4 x\n"
         "                      --max-body-bytes; at least --max-body-bytes)\n"
         "  --read-timeout SECONDS  a request's head and body must arrive within this time of\n"
         "                      its first byte, 408 beyond (default 60)\n"
         "  --embedder KIND     similarity search vectors: hashing (built in, default),\n"
         "                      glove (pretrained word vectors, see --word-vectors),\n"
         "                      use (a sentence encoder, see --sentence-encoder) or\n"
         "                      client (clients send each node's \"embedding\")\n"
         "  --embedding-dimension N  vector size (default 384; client: what clients send)\n"
         "  --word-vectors FILE the glove matrix (default ./data/word-vectors/glove-100d.bin,\n"
         "                      made by tools/fetch-word-vectors); the learned forecast reads\n"
         "                      it whatever the embedder, when it is there\n"
         "  --sentence-encoder FILE  the use model (default\n"
         "                      ./data/sentence-encoder/use-lite.bin, made by\n"
         "                      tools/fetch-sentence-encoder)\n"
         "  --max-concurrent-requests N  /v1 requests handled at once, 429 beyond (default 48;\n"
         "                      keep it below --threads so health checks still get a worker)\n"
         "  --insights-max-lag-ms N  how far behind the graph's writes an insight answer\n"
         "                      (similar tests, patterns, forecast, program stats) may be\n"
         "                      while a whole reload of its snapshot runs (after deletions\n"
         "                      or imports; updates after other writes are waited for)\n"
         "                      (default 5000; 0: every answer covers all prior writes)\n"
         "  --max-replication-streams N  replicas' update streams and checkpoint downloads\n"
         "                      served at once, each holding a worker while it lasts; 503\n"
         "                      beyond (default: --threads / 8, at least 1)\n"
         "  --replication-reply-timeout SECONDS  end a replica's update stream when the\n"
         "                      replica sent no reply for this long, freeing its slot (default\n"
         "                      30; 0: never; replicas of older versions are never ended)\n"
         "  --backup-dir DIR    where POST /v1/admin/backup writes (default DATA/backups)\n"
         "  --tls-cert FILE     serve HTTPS with this PEM certificate (needs --tls-key)\n"
         "  --tls-key FILE      the PEM private key of --tls-cert (unencrypted)\n"
         "  --web-dir DIR       the web UI's bundle, served at / (default: the build's web/,\n"
         "                      made by tools/build; \"\" serves no UI)\n"
         "  --sync-writes       fsync the WAL on every write (survives power loss)\n"
         "  --quiet             no per-request log lines\n"
         "  --auth on|off       require API keys (default on; see README \"Authentication\")\n"
         "  --replica-of URL    run as a read replica of the primary at URL: bootstrap from its\n"
         "                      checkpoint when --data is empty, then follow its writes;\n"
         "                      writes answer 421 (EXPGRAPH_PRIMARY_KEY: an admin key of the\n"
         "                      primary; see docs/scale-out.md)\n"
         "  --replica-max-lag-ms N  a replica staler than this is not ready (default 30000)\n"
         "  --replication-reply-interval SECONDS  how often a replica reports its applied\n"
         "                      position to the primary (default 5; below the primary's\n"
         "                      --replication-reply-timeout)\n"
         "  --replica-name NAME how a replica names itself to the primary (default HOST:PORT)\n"
         "  --replica-rebootstrap-on-conflict  when the primary is behind this replica (409),\n"
         "                      set its data aside as DATA.conflict-* and bootstrap again\n"
         "                      (default: stop following, keep the data, not ready)\n"
         "  --promote           make the stopped replica's --data a primary's and exit; then\n"
         "                      start expgraphd on it without --replica-of\n"
         "  --wal-ttl-seconds N WAL kept for replicas to catch up from (default 3600)\n"
         "  --wal-size-limit-mb N  and at most this much of it (default 512; 0 and 0: none)\n"
         "  --column-cache-mb N memory for the in-memory property columns that label scans\n"
         "                      read (default 512; a type that does not fit, or 0: scans read\n"
         "                      storage; see docs/cypher.md)\n"
         "  --config FILE       JSON object of the same settings, e.g. {\"port\": 8080}\n";
}

Result<DaemonConfig> parse_daemon_args(const std::vector<std::string>& args) {
  DaemonConfig config;
  // The config file is applied first so that command-line flags override it.
  std::vector<std::pair<std::string, std::string>> flags;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0) {
      return Status::invalid_argument("unexpected argument \"" + arg + "\"\n" + daemon_usage());
    }
    std::string name = arg.substr(2);
    std::string value;
    size_t equals = name.find('=');
    if (equals != std::string::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    }
    // Checked before taking a value, so that a trailing unknown flag is reported as unknown
    // rather than as "needs a value".
    if (!is_known_flag(name)) {
      return Status::invalid_argument("unknown option --" + name + "\n" + daemon_usage());
    }
    if (equals == std::string::npos) {
      if (is_switch(name)) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return Status::invalid_argument("--" + name + " needs a value");
      }
    }
    if (name == "help") {
      config.show_help = true;
    } else if (name == "config") {
      EXPGRAPH_RETURN_IF_ERROR(apply_config_file(config, value));
    } else {
      flags.emplace_back(name, value);
    }
  }
  for (const auto& [name, value] : flags) EXPGRAPH_RETURN_IF_ERROR(apply(config, name, value));
  if (config.server.max_body_memory != 0 &&
      config.server.max_body_memory < config.server.max_body_bytes) {
    return Status::invalid_argument("--max-body-memory must be at least --max-body-bytes (" +
                                    std::to_string(config.server.max_body_bytes) + ")");
  }
  if (config.server.tls_cert_file.empty() != config.server.tls_key_file.empty()) {
    return Status::invalid_argument("--tls-cert and --tls-key go together");
  }
  return config;
}

}  // namespace expgraph::api
