// InProcessServer: the api tests' way to talk real HTTP without a child process. Runs an
// ApiServer over the caller's GraphStore on a free loopback port in a background thread and
// stops it on destruction. open_marketing_graph opens a GraphStore over the shipped ontology.
// Not thread-safe: one test thread owns it.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "api/server.h"
#include "graph/graph_store.h"
#include "ontology/ontology.h"

namespace expgraph::testing {

// A GraphStore in `directory` over ontology/marketing.json.
inline Result<std::unique_ptr<GraphStore>> open_marketing_graph(const std::string& directory) {
  auto ontology =
      Ontology::load_file(std::string(EXPGRAPH_SOURCE_DIR) + "/ontology/marketing.json");
  if (!ontology.ok()) return ontology.status();
  return GraphStore::open(directory, std::make_shared<Ontology>(std::move(ontology).value()));
}

class InProcessServer {
 public:
  // Serves `graph` (and `similarity` and the forecast's word vectors `forecast_embedder`, when
  // given, which must outlive the server) with two workers, no request log and no
  // authentication; started() says whether it answers.
  explicit InProcessServer(GraphStore& graph, similarity::SimilarityIndex* similarity = nullptr,
                           const similarity::Embedder* forecast_embedder = nullptr) {
    api::ServerOptions options;
    options.forecast_embedder = forecast_embedder;
    options.port = 0;
    options.threads = 2;
    options.log_requests = false;
    options.auth = false;
    server_ = std::make_unique<api::ApiServer>(graph, options, similarity);
    if (!server_->bind().ok()) return;
    thread_ = std::thread([this] { (void)server_->serve(); });
    // Wait until it serves: a stop() that comes before listening starts would be lost.
    httplib::Client probe = client();
    for (int attempt = 0; attempt < 200; ++attempt) {
      if (probe.Get("/healthz")) {
        started_ = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~InProcessServer() { stop(); }
  InProcessServer(const InProcessServer&) = delete;
  InProcessServer& operator=(const InProcessServer&) = delete;

  bool started() const { return started_; }
  int port() const { return server_->port(); }
  httplib::Client client() const { return httplib::Client("127.0.0.1", server_->port()); }

  // Stops serving and joins the thread; the GraphStore is untouched.
  void stop() {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::unique_ptr<api::ApiServer> server_;
  std::thread thread_;
  bool started_ = false;
};

}  // namespace expgraph::testing
