// SimilarityIndexFixture: a SimilarityIndex over a real GraphStore (ontology/marketing.json) in a
// fresh temporary directory, for the similarity index tests (hashing, glove and use embedders,
// or one a test made).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "graph/graph_store.h"
#include "query/similarity/similarity_index.h"

namespace expgraph::similarity {

class SimilarityIndexFixture : public ::testing::Test {
 protected:
  // `name` names the temporary directory (the process id is added), so suites do not collide.
  explicit SimilarityIndexFixture(const std::string& name)
      : directory_(std::filesystem::temp_directory_path() / (name + std::to_string(getpid()))) {}

  void SetUp() override {
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
    auto ontology =
        Ontology::load_file(std::string(EXPGRAPH_SOURCE_DIR) + "/ontology/marketing.json");
    ASSERT_TRUE(ontology.ok());
    ontology_ = std::make_shared<Ontology>(std::move(ontology).value());
  }
  void TearDown() override {
    index_.reset();
    graph_.reset();
    std::filesystem::remove_all(directory_);
  }

  // (Re)opens the graph in `directory_/db` and the index over it.
  void open(const SimilarityIndexOptions& options = {}) {
    reopen_graph();
    if (graph_ == nullptr) return;
    attach(SimilarityIndex::open(*graph_, options));
  }
  // The same with an embedder the test made (SimilarityIndex::open_with_embedder).
  void open_with_embedder(std::unique_ptr<Embedder> embedder,
                          const SimilarityIndexOptions& options = {}) {
    reopen_graph();
    if (graph_ == nullptr) return;
    attach(SimilarityIndex::open_with_embedder(*graph_, std::move(embedder), options));
  }
  void reopen_graph() {
    index_.reset();
    graph_.reset();
    auto graph = GraphStore::open(db_path(), ontology_);
    ASSERT_TRUE(graph.ok()) << graph.status().to_string();
    graph_ = std::move(graph).value();
  }
  void attach(Result<std::unique_ptr<SimilarityIndex>> index) {
    ASSERT_TRUE(index.ok()) << index.status().to_string();
    index_ = std::move(index).value();
    graph_->add_observer(index_.get());
  }
  std::string db_path() const { return (directory_ / "db").string(); }

  void write(const WriteRequest& request) {
    auto written = graph_->write(request);
    ASSERT_TRUE(written.ok()) << written.status().to_string();
  }

  // The keys of the hits, best first.
  std::vector<std::string> keys(const SearchRequest& request) {
    auto hits = index_->search(request);
    EXPECT_TRUE(hits.ok()) << hits.status().to_string();
    std::vector<std::string> out;
    if (hits.ok()) {
      for (const SearchHit& hit : *hits) out.push_back(hit.node.key);
    }
    return out;
  }

  static SearchRequest query(std::string text, SearchMode mode = SearchMode::kHybrid,
                             size_t k = 10) {
    SearchRequest request;
    request.text = std::move(text);
    request.mode = mode;
    request.k = k;
    return request;
  }

  const std::filesystem::path directory_;
  std::shared_ptr<const Ontology> ontology_;
  std::unique_ptr<GraphStore> graph_;
  std::unique_ptr<SimilarityIndex> index_;
};

}  // namespace expgraph::similarity
