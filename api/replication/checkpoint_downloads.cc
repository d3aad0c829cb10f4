#include "api/replication/checkpoint_downloads.h"

#include "api/util/hex.h"
#include "graph/records.h"

namespace expgraph::replication {

namespace {

// 64 random bits as 16 hex digits, as update streams' ids (api/replication/update_streams.cc):
// an operator can tell two downloads from one peer apart, and the ids say nothing of the order.
constexpr size_t kDownloadIdBytes = 8;

}  // namespace

CheckpointDownloads::Registration::~Registration() { owner_.close(order_); }

Result<std::unique_ptr<CheckpointDownloads::Registration>> CheckpointDownloads::open(
    Opening opening) {
  Download download;
  download.peer = std::move(opening.peer);
  download.started_at_ms = now_epoch_ms();
  download.checkpoint_sequence = opening.checkpoint_sequence;
  download.files = opening.files;
  download.total_bytes = opening.total_bytes;
  // Drawn outside the lock (a system call); a clash with a live download's id, one in 2^64 per
  // download, draws again. The list holds at most --max-replication-streams entries, so a look
  // through it is cheap.
  for (;;) {
    auto id = api::random_hex(kDownloadIdBytes);
    if (!id.ok()) return Status(id.status()).prepend("naming a checkpoint download");
    std::lock_guard lock(mutex_);
    bool taken = false;
    for (const auto& [order, other] : downloads_) taken = taken || other.id == *id;
    if (taken) continue;
    download.id = *id;
    const uint64_t order = opened_++;
    downloads_.emplace(order, std::move(download));
    return std::make_unique<Registration>(*this, order, std::move(id).value());
  }
}

void CheckpointDownloads::close(uint64_t order) {
  std::lock_guard lock(mutex_);
  downloads_.erase(order);
}

void CheckpointDownloads::Registration::progress(uint64_t bytes_sent, uint64_t files_sent) {
  std::lock_guard lock(owner_.mutex_);
  auto found = owner_.downloads_.find(order_);
  if (found == owner_.downloads_.end()) return;
  found->second.bytes_sent = bytes_sent;
  found->second.files_sent = files_sent;
}

nlohmann::json CheckpointDownloads::list() const {
  std::lock_guard lock(mutex_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [order, download] : downloads_) {
    out.push_back({
        {"download_id", download.id},
        {"peer", download.peer},
        {"started_at", format_timestamp(download.started_at_ms)},
        {"checkpoint_sequence", download.checkpoint_sequence},
        {"files", download.files},
        {"total_bytes", download.total_bytes},
        {"bytes_sent", download.bytes_sent},
        {"files_sent", download.files_sent},
    });
  }
  return out;
}

size_t CheckpointDownloads::live() const {
  std::lock_guard lock(mutex_);
  return downloads_.size();
}

}  // namespace expgraph::replication
