// SimilarityIndex: similarity search over the text of the node types that declare
// `text_properties` in the ontology (Learning.text, Hypothesis.statement/rationale, ...).
// A WriteObserver of the GraphStore: each node's vector is written to the `vectors` column
// family in the same WriteBatch as the node, and the in-memory VectorIndex and Bm25Index are
// updated after the commit. Both indexes are derived state, rebuilt from RocksDB at open.
// Used by the search and recommendation routes and by the insights.
//
// Thread-safety: thread-safe. search() runs concurrently with writes; prepare()/committed()
// are called by GraphStore under its write lock, so they never overlap one another.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "graph/graph_store.h"
#include "graph/write_observer.h"
#include "query/similarity/bm25_index.h"
#include "query/similarity/embedder.h"
#include "query/similarity/query_vector_cache.h"
#include "query/similarity/search_scope.h"
#include "query/similarity/similarity_scale.h"
#include "query/similarity/vector_index.h"

namespace expgraph::similarity {

enum class EmbedderKind {
  kHashing,  // built in: HashingEmbedder, no IDF (deterministic, needs no corpus)
  kGlove,    // GloveEmbedder over the word-vector matrix at `word_vectors_path`
  kSentenceEncoder,  // SentenceEncoderEmbedder (`use`) over the model at `sentence_encoder_path`
  kClient,   // clients send NodeWrite::embedding; the server never embeds text itself
};

// "hashing" / "glove" / "use" / "client"; nullopt for anything else.
std::optional<EmbedderKind> parse_embedder_kind(std::string_view name);

struct SimilarityIndexOptions {
  EmbedderKind embedder = EmbedderKind::kHashing;
  int dimension = 384;  // of the hashing embedder, or what client embeddings must have
  // The matrix of the glove embedder (tools/fetch-word-vectors); its dimension wins over
  // `dimension`.
  std::string word_vectors_path = "./data/word-vectors/glove-100d.bin";
  // The model of the use embedder (tools/fetch-sentence-encoder); its dimension (512) wins
  // over `dimension`.
  std::string sentence_encoder_path = "./data/sentence-encoder/use-lite.bin";
  VectorIndexOptions vector_index;
  Bm25Options bm25;
  // Called at open after each page of texts re-embedded (vectors of another embedder, or
  // none), with the number re-embedded so far: a re-index of many texts takes minutes with a
  // slow embedder, and expgraphd says how far it is. Null: nothing is reported.
  std::function<void(size_t reembedded)> on_reembedded;
  // How many searched texts keep their query vector (QueryVectorCache; 0: none). 256 of the
  // use embedder's, with their texts of at most 4 KiB, take at most about 1.5 MiB.
  size_t query_vector_cache = 256;
};

enum class SearchMode { kVector, kLexical, kHybrid };
// "vector" / "lexical" / "hybrid"; nullopt for anything else.
std::optional<SearchMode> parse_search_mode(std::string_view name);

struct SearchRequest {
  std::string text;
  // The query vector, required for vector/hybrid search with the client embedder.
  std::optional<std::vector<float>> embedding;
  std::vector<std::string> types;  // empty: every type with text properties
  size_t k = 10;
  SearchMode mode = SearchMode::kHybrid;
  SearchFilterSpec filter;
  // The relevance floor: hits whose similarity is below it are not returned. nullopt: no
  // floor (the route applies kDefaultMinSimilarity when the client names none).
  std::optional<double> min_similarity;
  // False: each hit carries its scores and `experiment` only, neither its node record nor its
  // context. For callers that only need which experiments are near (the forecast): reading a
  // hit's context decodes the experiment, its channel, segment, metric and every result.
  bool with_records = true;
};

struct SearchHit {
  // In [0, 1], the same scale in every mode: combined_similarity(components) with the
  // embedder's calibration.
  double similarity = 0.0;
  SimilarityComponents components;
  // The mode's raw ranking score: cosine (vector), BM25 (lexical) or fused reciprocal rank
  // (hybrid). Orders the hits; its scale depends on the mode and the corpus.
  double score = 0.0;
  std::optional<double> bm25;  // raw BM25 when the lexical ranking saw this hit
  std::optional<double> rrf;   // the fused reciprocal rank (hybrid only)
  // The experiment the document belongs to (SearchScope::matches), 0 when none.
  NodeId experiment = 0;
  NodeRecord node;         // empty when the request was without records
  nlohmann::json context;  // see SearchScope::context; null when without records

  // {similarity, score, components: {cosine, lexical, shared_words, query_words, bm25, rrf},
  // node: {type, key, properties}, context}; absent components are null.
  nlohmann::json to_json() const;
};

// A search's hits and what the floor held back.
struct SearchOutcome {
  std::vector<SearchHit> hits;
  // Ranked candidates left out because their similarity was below the floor.
  size_t below_floor = 0;
  // The highest similarity of any ranked candidate, returned or not (nullopt: none ranked).
  std::optional<double> closest_similarity;
};

class SimilarityIndex final : public WriteObserver {
 public:
  static constexpr size_t kMaxK = 1000;

  // Loads the stored vectors and texts of `graph`; re-embeds (and rewrites) the vectors made by
  // another embedder and embeds text nodes that have none. Register the result with
  // graph.add_observer() before serving; `graph` must outlive it. With the glove embedder,
  // not_found when the word-vector file is missing.
  static Result<std::unique_ptr<SimilarityIndex>> open(GraphStore& graph,
                                                       SimilarityIndexOptions options = {});
  // The same with an embedder the caller made (tests use one that fails) instead of the one
  // `options.embedder` names; its dimension wins over `options.dimension`. A null embedder is
  // the client embedder.
  static Result<std::unique_ptr<SimilarityIndex>> open_with_embedder(
      GraphStore& graph, std::unique_ptr<Embedder> embedder, SimilarityIndexOptions options = {});
  ~SimilarityIndex() override;

  // The k best documents for the request, best first. invalid_argument on an empty text, an
  // unknown type or one without text properties, k outside 1..kMaxK, a bad date in `since`,
  // or a missing/wrong-sized query embedding with the client embedder.
  Result<std::vector<SearchHit>> search(const SearchRequest& request) const;
  // The same, with what the floor held back. invalid_argument also on a min_similarity
  // outside [0, 1].
  Result<SearchOutcome> search_with_floor(const SearchRequest& request) const;

  // "hashing-v1-384", "client-768", ...: stored beside every vector.
  const std::string& embedder_id() const { return embedder_id_; }
  // The embedder of the index's vectors (null with the client embedder); thread-safe to use.
  const Embedder* embedder() const { return embedder_.get(); }
  int dimension() const { return options_.dimension; }
  size_t vector_count() const { return vectors_.size(); }
  size_t document_count() const;

  // WriteObserver: vectors into the batch (or 422 for a client embedding of the wrong size)...
  Status prepare(const std::vector<NodeChange>& changes, KvWriteBatch& batch) override;
  // ...and the in-memory indexes after the commit.
  void committed(const std::vector<NodeChange>& changes) override;
  // On a replica: the vectors the primary stored in the batch and the nodes' texts, into the
  // in-memory indexes, as load() reads them at open; nothing is embedded again.
  void replicated(const std::vector<NodeChange>& changes,
                  const std::vector<KvOperation>& operations) override;

 private:
  // What prepare() decided for one node, applied by committed().
  struct PendingUpdate {
    enum class VectorAction { kKeep, kPut, kErase };
    NodeId id = 0;
    const NodeType* type = nullptr;
    VectorAction vector_action = VectorAction::kKeep;
    std::vector<float> vector;        // for kPut
    std::optional<std::string> text;  // nullopt: the node is no longer a document
    // kPut of the embedding of `text`, which prepare() computes for all the updates at once.
    bool embed_text = false;
  };

  SimilarityIndex(GraphStore& graph, SimilarityIndexOptions options,
                  std::unique_ptr<Embedder> embedder);
  Status load();
  // What `change` does to the node's vector and document; the vector itself is left to
  // prepare() when it has to be embedded (embed_text).
  Result<PendingUpdate> plan_change(const NodeChange& change) const;
  // The components of each ranked id, in order. `query` is the query vector (empty: none).
  std::vector<SimilarityComponents> components_of(const std::vector<uint64_t>& ids,
                                                  const SearchRequest& request,
                                                  std::span<const float> query) const;
  // The embedder's vector of a searched text, from the cache when it was searched lately.
  Result<std::vector<float>> embed_query(const std::string& text) const;
  // The type of an indexed document; null when none has this id (deleted).
  const NodeType* document_type(NodeId id) const;
  Result<std::vector<uint64_t>> allow_list(const SearchRequest& request,
                                           const std::vector<const NodeType*>& types) const;

  GraphStore& graph_;
  const SimilarityIndexOptions options_;
  std::unique_ptr<Embedder> embedder_;  // null with the client embedder
  std::string embedder_id_;
  SimilarityScale scale_;  // with the embedder's cosine calibration
  VectorIndex vectors_;
  Bm25Index lexical_;
  mutable QueryVectorCache query_vectors_;

  mutable std::shared_mutex documents_mutex_;              // guards documents_
  std::unordered_map<NodeId, const NodeType*> documents_;  // every node with indexed text
  std::vector<PendingUpdate> pending_;  // from prepare() to committed(), under the graph's lock
};

// The text similarity search indexes for a node: its text properties, non-empty ones joined
// by a blank line, in the ontology's order.
std::string document_text(const NodeType& type, const nlohmann::json& properties);

}  // namespace expgraph::similarity
