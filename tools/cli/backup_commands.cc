// expgraph backup (asks the server for an online backup) and expgraph restore (offline: copies
// a backup into an empty data directory and verifies it; no server involved).
#include <cstdio>

#include "storage/backup.h"
#include "tools/cli/commands.h"

namespace expgraph::cli {

namespace {

constexpr const char* kBackupUsage =
    "usage: expgraph backup [--output DIR] [--json]\n"
    "  Asks the server for a consistent backup (RocksDB checkpoint) taken while it serves.\n"
    "  --output DIR  the backup directory, relative to the server's --backup-dir (default\n"
    "                DATA/backups) or absolute inside it; default: a name from the time.\n"
    "  Prints the backup's path, size and sequence number.\n";

constexpr const char* kRestoreUsage =
    "usage: expgraph restore BACKUP_DIR --data EMPTY_DIR\n"
    "  Copies a backup into an empty (or new) data directory and verifies every checksum.\n"
    "  Offline: run it on the machine holding the backup, with no server on EMPTY_DIR; then\n"
    "  start expgraphd --data EMPTY_DIR.\n";

}  // namespace

int run_backup(CliClient& client, const Arguments& args) {
  nlohmann::json body = nlohmann::json::object();
  bool json_output = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::fputs(kBackupUsage, stdout);
      return kExitOk;
    } else if (args[i] == "--output" && i + 1 < args.size()) {
      body["path"] = args[++i];
    } else if (args[i] == "--json") {
      json_output = true;
    } else {
      std::fprintf(stderr, "expgraph backup: unexpected argument \"%s\"\n%s", args[i].c_str(),
                   kBackupUsage);
      return kExitUsage;
    }
  }
  Reply reply = client.post("/v1/admin/backup", body.dump());
  if (!reply.ok()) return CliClient::report_failure(reply);
  nlohmann::json info = nlohmann::json::parse(reply.body, nullptr, false);
  if (json_output || !info.is_object()) {
    std::printf("%s\n", info.dump(2).c_str());
  } else {
    std::printf("backup %s\n  size %llu bytes, sequence %llu, created %s\n",
                info.value("path", "").c_str(),
                static_cast<unsigned long long>(info.value("size_bytes", uint64_t{0})),
                static_cast<unsigned long long>(info.value("sequence", uint64_t{0})),
                info.value("created_at", "").c_str());
  }
  return kExitOk;
}

int run_restore(CliClient&, const Arguments& args) {
  std::string backup_dir;
  std::string data_dir;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::fputs(kRestoreUsage, stdout);
      return kExitOk;
    } else if (args[i] == "--data" && i + 1 < args.size()) {
      data_dir = args[++i];
    } else if (backup_dir.empty() && args[i].rfind("--", 0) != 0) {
      backup_dir = args[i];
    } else {
      std::fprintf(stderr, "expgraph restore: unexpected argument \"%s\"\n%s", args[i].c_str(),
                   kRestoreUsage);
      return kExitUsage;
    }
  }
  if (backup_dir.empty() || data_dir.empty()) {
    std::fputs(kRestoreUsage, stderr);
    return kExitUsage;
  }
  auto report = restore_backup(backup_dir, data_dir);
  if (!report.ok()) {
    std::fprintf(stderr, "expgraph restore: %s\n", report.status().message().c_str());
    return kExitServerError;
  }
  std::printf("restored %s into %s: %llu files, %llu bytes, %llu nodes, checksums verified\n",
              backup_dir.c_str(), data_dir.c_str(), static_cast<unsigned long long>(report->files),
              static_cast<unsigned long long>(report->bytes),
              static_cast<unsigned long long>(report->nodes));
  return kExitOk;
}

}  // namespace expgraph::cli
