#include "api/routes/web_routes.h"

namespace expgraph::api {

namespace {

// Scripts, styles and fetches from this origin only (the bundle ships every library; no CDN).
// Inline styles are allowed because the graph and chart libraries set style attributes.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'";

// Whether the request's Accept-Encoding lists gzip without q=0.
bool accepts_gzip(const httplib::Request& request) {
  const std::string& accepted = request.get_header_value("Accept-Encoding");
  size_t at = accepted.find("gzip");
  if (at == std::string::npos) return false;
  size_t end = accepted.find(',', at);
  std::string_view item(accepted.data() + at,
                        (end == std::string::npos ? accepted.size() : end) - at);
  return item.find("q=0") == std::string_view::npos || item.find("q=0.") != std::string_view::npos;
}

Status serve(const StaticAssets* assets, const std::string& missing_reason, std::string_view name,
             const httplib::Request& request, httplib::Response& response) {
  if (assets == nullptr) return Status::not_found(missing_reason);
  const StaticAsset* asset = assets->find(name);
  if (asset == nullptr) return Status::not_found("no file /" + std::string(name) + " in the UI");
  response.set_header("Cache-Control", asset->cache_control);
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("Content-Security-Policy", kContentSecurityPolicy);
  response.set_header("Referrer-Policy", "no-referrer");
  if (!asset->gzip_body.empty()) {
    response.set_header("Vary", "Accept-Encoding");
    if (accepts_gzip(request)) {
      response.set_header("Content-Encoding", "gzip");
      response.set_content(asset->gzip_body, asset->content_type);
      return Status();
    }
  }
  response.set_content(asset->body, asset->content_type);
  return Status();
}

}  // namespace

void add_web_routes(Router& router, std::shared_ptr<const StaticAssets> assets,
                    std::string missing_reason) {
  auto reason = std::make_shared<const std::string>(std::move(missing_reason));
  router.get("/", "/",
             [assets, reason](const httplib::Request& request, httplib::Response& response) {
               return serve(assets.get(), *reason, "index.html", request, response);
             });
  // One path segment: the name is looked up among the files loaded at start, never opened.
  router.get("/assets/([^/]+)", "/assets/{file}",
             [assets, reason](const httplib::Request& request, httplib::Response& response) {
               return serve(assets.get(), *reason, "assets/" + request.matches[1].str(), request,
                            response);
             });
}

}  // namespace expgraph::api
