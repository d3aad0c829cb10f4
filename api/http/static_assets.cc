#include "api/http/static_assets.h"

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace expgraph::api {

namespace {

namespace fs = std::filesystem;

// index.html names the bundle's files, which change name with their content: it must be
// checked again on every load, while the files it names can be kept for good.
constexpr const char* kRevalidate = "no-cache";
// The bundler puts a hash of the content in every name under assets/ (api/web/build.mjs).
constexpr const char* kImmutable = "public, max-age=31536000, immutable";

Result<std::string> read_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::internal("cannot read " + path.string());
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// `text` gzip-compressed at the best level; empty on failure.
std::string gzip(const std::string& text) {
  z_stream stream{};
  // 15 window bits + 16: a gzip header and trailer rather than zlib's.
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return "";
  }
  std::string out(deflateBound(&stream, text.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int result = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return result == Z_STREAM_END ? out : "";
}

StaticAsset make_asset(std::string body, std::string_view name, const char* cache_control) {
  StaticAsset asset;
  asset.content_type = std::string(content_type_for(name));
  asset.cache_control = cache_control;
  if (!compressed_by_httplib(asset.content_type)) {
    std::string compressed = gzip(body);
    if (!compressed.empty() && compressed.size() < body.size()) {
      asset.gzip_body = std::move(compressed);
    }
  }
  asset.body = std::move(body);
  return asset;
}

}  // namespace

bool compressed_by_httplib(std::string_view content_type) {
  // The rule of httplib's detail::can_compress_content_type (0.11 to 0.18): the exact type
  // strings below, or any type starting with "text/" but text/event-stream.
  for (std::string_view exact :
       {"image/svg+xml", "application/javascript", "application/json", "application/xml",
        "application/protobuf", "application/xhtml+xml"}) {
    if (content_type == exact) return true;
  }
  return content_type.starts_with("text/") && content_type != "text/event-stream";
}

bool is_plain_file_name(std::string_view name) {
  if (name.empty() || name.front() == '.') return false;
  for (char c : name) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
    if (!plain) return false;
  }
  return true;
}

std::string_view content_type_for(std::string_view file_name) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      // Not text/javascript: httplib would brotli-compress the bundle (~600 KB) on every
      // request, seconds of CPU; as application/javascript with a parameter it is left alone
      // and served gzip-compressed once at load (a JavaScript MIME type all browsers run).
      {".js", "application/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [extension, type] : kTypes) {
    if (file_name.ends_with(extension)) return type;
  }
  return "application/octet-stream";
}

Result<StaticAssets> StaticAssets::load(const std::string& dir) {
  StaticAssets assets;
  fs::path root(dir);
  std::error_code error;
  if (!fs::is_regular_file(root / "index.html", error)) {
    return Status::not_found("no web UI in " + dir + " (index.html missing)");
  }
  auto index = read_file(root / "index.html");
  if (!index.ok()) return index.status();
  assets.files_["index.html"] = make_asset(std::move(index).value(), "index.html", kRevalidate);
  fs::path asset_dir = root / "assets";
  if (!fs::is_directory(asset_dir, error)) return assets;
  for (const fs::directory_entry& entry : fs::directory_iterator(asset_dir, error)) {
    std::string name = entry.path().filename().string();
    // Symbolic links are left out: what is served is what the build put there.
    if (!entry.is_regular_file(error) || entry.is_symlink(error) || !is_plain_file_name(name)) {
      continue;
    }
    auto body = read_file(entry.path());
    if (!body.ok()) return body.status();
    assets.files_["assets/" + name] = make_asset(std::move(body).value(), name, kImmutable);
  }
  if (error) return Status::internal("cannot list " + asset_dir.string() + ": " + error.message());
  return assets;
}

const StaticAsset* StaticAssets::find(std::string_view name) const {
  auto found = files_.find(name);
  return found == files_.end() ? nullptr : &found->second;
}

}  // namespace expgraph::api
