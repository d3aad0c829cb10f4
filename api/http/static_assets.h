// StaticAssets: the web UI's files (index.html and the bundle under assets/), read once from a
// directory at start and then served from memory. A request can only name a file that was in
// the directory at start, so no request path ever reaches the file system (path traversal has
// nothing to traverse). Used by the web routes (api/routes/web_routes.h). Immutable after
// load(): thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "ontology/status.h"

namespace expgraph::api {

struct StaticAsset {
  std::string body;
  // The body gzip-compressed once at load, for clients that accept gzip; empty when the asset
  // is left to httplib's own compression (see content_type_for) or does not shrink.
  std::string gzip_body;
  std::string content_type;
  std::string cache_control;
};

class StaticAssets {
 public:
  // Reads DIR/index.html and the regular files directly under DIR/assets/ whose names are plain
  // (letters, digits, '.', '_', '-', not starting with '.'). not_found when DIR has no
  // index.html: the UI was not built there.
  static Result<StaticAssets> load(const std::string& dir);

  // The file at `name` ("index.html", "assets/app-3F2A.js"); null when there is none.
  const StaticAsset* find(std::string_view name) const;
  size_t size() const { return files_.size(); }

 private:
  std::map<std::string, StaticAsset, std::less<>> files_;
};

// The Content-Type of a file by its extension (utf-8 for text); application/octet-stream for
// extensions the UI does not use.
std::string_view content_type_for(std::string_view file_name);

// Whether httplib compresses a response of this Content-Type itself for a client that accepts
// it (it does for "text/..." and a few exact types, at brotli's slowest quality, per request).
// Assets of other types are compressed once at load instead.
bool compressed_by_httplib(std::string_view content_type);

// Whether `name` is a file name the assets may have: [A-Za-z0-9._-]+, not starting with '.'.
bool is_plain_file_name(std::string_view name);

}  // namespace expgraph::api
