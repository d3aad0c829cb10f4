#include "api/http/static_assets.h"

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

}  // namespace

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
      {".js", "text/javascript; charset=utf-8"},
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
  assets.files_["index.html"] = {std::move(index).value(), std::string(content_type_for(".html")),
                                 kRevalidate};
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
    assets.files_["assets/" + name] = {std::move(body).value(),
                                       std::string(content_type_for(name)), kImmutable};
  }
  if (error) return Status::internal("cannot list " + asset_dir.string() + ": " + error.message());
  return assets;
}

const StaticAsset* StaticAssets::find(std::string_view name) const {
  auto found = files_.find(name);
  return found == files_.end() ? nullptr : &found->second;
}

}  // namespace expgraph::api
