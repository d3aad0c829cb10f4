// CheckpointDownloads: the primary's list of the checkpoint downloads it is serving (GET
// /v1/replication/checkpoint, docs/scale-out.md), with how far each has got. A download holds
// one of the --max-replication-streams slots as an update stream does; GET
// /v1/replication/replicas lists both (this and UpdateStreams), so that every slot in use
// names its holder. Used by the replication routes: a download registers itself for as long
// as it lasts and reports its progress as it writes.
// Thread-safe: one mutex guards the list and every download's figures.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "ontology/status.h"

namespace expgraph::replication {

class CheckpointDownloads {
 public:
  struct Opening {
    std::string peer;                  // "address:port" of the downloading connection
    uint64_t checkpoint_sequence = 0;  // the primary's sequence the checkpoint holds through
    uint64_t files = 0;                // files in the checkpoint
    uint64_t total_bytes = 0;          // their sizes added up
  };

  // A download's registration: listed from creation until destroyed. Used by the one thread
  // that writes the download.
  class Registration {
   public:
    Registration(CheckpointDownloads& owner, uint64_t order, std::string id)
        : owner_(owner), order_(order), id_(std::move(id)) {}
    ~Registration();
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

    const std::string& id() const { return id_; }
    // Records how far the download has got, as totals: `bytes_sent` bytes of the checkpoint's
    // files (the archive's framing not counted, so that it ends at total_bytes) and
    // `files_sent` files whole.
    void progress(uint64_t bytes_sent, uint64_t files_sent);

   private:
    CheckpointDownloads& owner_;
    const uint64_t order_;  // its key in the list
    const std::string id_;
  };

  // Registers a new download with a fresh random id (api/util/hex.h); internal, and nothing
  // registered, when the OS's random source fails.
  Result<std::unique_ptr<Registration>> open(Opening opening);

  // Every download in progress, oldest first: {download_id, peer, started_at,
  // checkpoint_sequence, files, total_bytes, bytes_sent, files_sent}.
  nlohmann::json list() const;
  size_t live() const;

 private:
  struct Download {
    std::string id;
    std::string peer;
    int64_t started_at_ms = 0;  // Unix epoch milliseconds
    uint64_t checkpoint_sequence = 0;
    uint64_t files = 0;
    uint64_t total_bytes = 0;
    uint64_t bytes_sent = 0;
    uint64_t files_sent = 0;
  };

  void close(uint64_t order);

  mutable std::mutex mutex_;  // guards downloads_ and opened_
  // Keyed by the order they were opened in, which is the listing's order.
  std::map<uint64_t, Download> downloads_;
  uint64_t opened_ = 0;
};

}  // namespace expgraph::replication
