#include "tools/cli/cli_client.h"

#include <cstdio>
#include <cstdlib>

namespace expgraph::cli {

CliClient::CliClient(const std::string& url)
    : url_(url), client_(std::make_unique<httplib::Client>(url)) {
  client_->set_connection_timeout(5, 0);
  // Imports and big queries may take long; the server has its own limits.
  client_->set_read_timeout(600, 0);
  client_->set_write_timeout(600, 0);
  client_->set_tcp_nodelay(true);
  // A server with --auth on wants a key on every request (see README "Authentication").
  if (const char* key = std::getenv("EXPGRAPH_API_KEY"); key != nullptr && *key != '\0') {
    client_->set_bearer_token_auth(key);
  }
}

Reply CliClient::convert(const httplib::Result& result) {
  Reply reply;
  reply.url = url_;
  if (!result) {
    reply.transport_error = httplib::to_string(result.error());
    return reply;
  }
  reply.status = result->status;
  reply.body = result->body;
  return reply;
}

Reply CliClient::get(const std::string& path) { return convert(client_->Get(path)); }

Reply CliClient::get_streamed(const std::string& path,
                              const std::function<bool(const char*, size_t)>& receive) {
  // Error bodies are collected instead of streamed, to be reported.
  std::string error_body;
  int status = 0;
  auto result = client_->Get(
      path,
      [&](const httplib::Response& response) {
        status = response.status;
        return true;
      },
      [&](const char* data, size_t size) {
        if (status >= 200 && status < 300) return receive(data, size);
        error_body.append(data, size);
        return true;
      });
  Reply reply = convert(result);
  if (reply.status != 0 && !reply.ok()) reply.body = error_body;
  return reply;
}

Reply CliClient::post(const std::string& path, const std::string& body,
                      const std::string& content_type) {
  return convert(client_->Post(path, body, content_type));
}

int CliClient::report_failure(const Reply& reply) {
  if (reply.status == 0) {
    std::fprintf(stderr,
                 "expgraph: cannot reach the server at %s: %s (set --url or EXPGRAPH_URL)\n",
                 reply.url.c_str(), reply.transport_error.c_str());
    return kExitUnreachable;
  }
  nlohmann::json body = nlohmann::json::parse(reply.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    const nlohmann::json& error = body["error"];
    std::fprintf(stderr, "expgraph: %d %s: %s\n", reply.status,
                 error.value("code", "error").c_str(), error.value("message", "").c_str());
    if (error.contains("details") && error["details"].is_array()) {
      for (const auto& detail : error["details"]) {
        if (detail.is_string()) std::fprintf(stderr, "  - %s\n", detail.get<std::string>().c_str());
      }
    }
  } else {
    std::fprintf(stderr, "expgraph: HTTP %d: %s\n", reply.status, reply.body.c_str());
  }
  return kExitServerError;
}

}  // namespace expgraph::cli
