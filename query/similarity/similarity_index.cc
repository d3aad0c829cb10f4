#include "query/similarity/similarity_index.h"

#include <algorithm>
#include <cmath>
#include <mutex>

#include "query/similarity/glove_embedder.h"
#include "query/similarity/hashing_embedder.h"
#include "query/similarity/sentence_encoder_embedder.h"
#include "query/similarity/rank_fusion.h"
#include "query/similarity/stored_vector.h"

namespace expgraph::similarity {

namespace {

// Writes at open are committed in batches of this many operations, to bound memory.
constexpr size_t kLoadBatchOperations = 1000;
// Hybrid search fuses this many candidates per list for every hit it returns, so that a
// document ranked just below k by one list can still be lifted by the other.
constexpr size_t kHybridDepthFactor = 2;

bool is_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

std::vector<const NodeType*> text_types(const Ontology& ontology) {
  std::vector<const NodeType*> types;
  for (const NodeType& type : ontology.node_types()) {
    if (!type.text_properties.empty()) types.push_back(&type);
  }
  return types;
}

// Makes node `id` a document with `text` in the lexical index and the documents map, or (no
// text) no document at all: after a commit on the primary and after a replicated batch alike.
void index_document(Bm25Index& lexical, std::shared_mutex& documents_mutex,
                    std::unordered_map<NodeId, const NodeType*>& documents, NodeId id,
                    const NodeType* type, const std::optional<std::string>& text) {
  if (text) {
    lexical.upsert(id, *text);
    std::unique_lock lock(documents_mutex);
    documents[id] = type;
  } else {
    lexical.remove(id);
    std::unique_lock lock(documents_mutex);
    documents.erase(id);
  }
}

}  // namespace

std::optional<EmbedderKind> parse_embedder_kind(std::string_view name) {
  if (name == "hashing") return EmbedderKind::kHashing;
  if (name == "glove") return EmbedderKind::kGlove;
  if (name == "use") return EmbedderKind::kSentenceEncoder;
  if (name == "client") return EmbedderKind::kClient;
  return std::nullopt;
}

std::optional<SearchMode> parse_search_mode(std::string_view name) {
  if (name == "vector") return SearchMode::kVector;
  if (name == "lexical") return SearchMode::kLexical;
  if (name == "hybrid") return SearchMode::kHybrid;
  return std::nullopt;
}

std::string document_text(const NodeType& type, const nlohmann::json& properties) {
  std::string text;
  for (const std::string& name : type.text_properties) {
    auto it = properties.find(name);
    if (it == properties.end() || !it->is_string()) continue;
    const auto& value = it->get_ref<const std::string&>();
    if (value.empty()) continue;
    if (!text.empty()) text += "\n\n";
    text += value;
  }
  return text;
}

nlohmann::json SearchHit::to_json() const {
  const auto or_null = [](const std::optional<double>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json();
  };
  return {{"similarity", similarity},
          {"score", score},
          {"components",
           {{"cosine", or_null(components.cosine)},
            {"lexical", or_null(components.lexical)},
            {"shared_words", components.shared_words},
            {"query_words", components.query_words},
            {"bm25", or_null(bm25)},
            {"rrf", or_null(rrf)}}},
          {"node", {{"type", node.type}, {"key", node.key}, {"properties", node.properties}}},
          {"context", context}};
}

SimilarityIndex::SimilarityIndex(GraphStore& graph, SimilarityIndexOptions options,
                                 std::unique_ptr<Embedder> embedder)
    : graph_(graph),
      options_(std::move(options)),
      embedder_(std::move(embedder)),
      embedder_id_(embedder_ ? embedder_->id() : "client-" + std::to_string(options_.dimension)),
      scale_{.cosine_offset = cosine_offset_for(embedder_id_)},
      vectors_(options_.dimension, options_.vector_index),
      lexical_(options_.bm25),
      query_vectors_(options_.query_vector_cache) {}

SimilarityIndex::~SimilarityIndex() = default;

Result<std::unique_ptr<SimilarityIndex>> SimilarityIndex::open(GraphStore& graph,
                                                               SimilarityIndexOptions options) {
  if (options.dimension < 1 || options.dimension > 65536) {
    return Status::invalid_argument("embedding dimension must be from 1 to 65536, got " +
                                    std::to_string(options.dimension));
  }
  std::unique_ptr<Embedder> embedder;
  if (options.embedder == EmbedderKind::kHashing) {
    HashingEmbedderOptions hashing;
    hashing.dimension = options.dimension;
    auto created = HashingEmbedder::create(hashing);
    if (!created.ok()) return created.status();
    embedder = std::make_unique<HashingEmbedder>(std::move(created).value());
  } else if (options.embedder == EmbedderKind::kGlove) {
    auto loaded = GloveEmbedder::load(options.word_vectors_path);
    if (!loaded.ok()) return loaded.status();
    embedder = std::make_unique<GloveEmbedder>(std::move(loaded).value());
  } else if (options.embedder == EmbedderKind::kSentenceEncoder) {
    auto loaded = SentenceEncoderEmbedder::load(options.sentence_encoder_path);
    if (!loaded.ok()) return loaded.status();
    embedder = std::make_unique<SentenceEncoderEmbedder>(std::move(loaded).value());
  }
  return open_with_embedder(graph, std::move(embedder), std::move(options));
}

Result<std::unique_ptr<SimilarityIndex>> SimilarityIndex::open_with_embedder(
    GraphStore& graph, std::unique_ptr<Embedder> embedder, SimilarityIndexOptions options) {
  if (embedder) options.dimension = embedder->dimension();
  std::unique_ptr<SimilarityIndex> index(
      new SimilarityIndex(graph, std::move(options), std::move(embedder)));
  EXPGRAPH_RETURN_IF_ERROR(index->load());
  return index;
}

Status SimilarityIndex::load() {
  KvStore& storage = graph_.storage();
  // Vectors made by the configured embedder; the others are stale and get replaced or erased.
  std::unordered_map<NodeId, std::vector<float>> current;
  std::vector<NodeId> stored_ids;
  {
    KvIterator it = storage.scan(Column::kVectors, "");
    for (; it.valid(); it.next()) {
      NodeId id = keys::node_id_from_key(it.key());
      stored_ids.push_back(id);
      auto stored = decode_stored_vector(it.value());
      if (stored.ok() && stored->embedder_id == embedder_id_ &&
          static_cast<int>(stored->values.size()) == options_.dimension) {
        current.emplace(id, std::move(stored->values));
      }
    }
    EXPGRAPH_RETURN_IF_ERROR(it.status());
  }

  KvWriteBatch batch;
  auto flush = [&](bool force) -> Status {
    if (batch.operation_count() == 0 ||
        (!force && batch.operation_count() < kLoadBatchOperations)) {
      return Status();
    }
    Status status = storage.write(batch);
    batch = KvWriteBatch();
    return status;
  };

  std::vector<uint64_t> ids;
  std::vector<float> flat;
  size_t reembedded = 0;
  std::unordered_map<NodeId, bool> is_document;
  for (const NodeType* type : text_types(graph_.ontology())) {
    std::string cursor;
    do {
      auto page = graph_.list_nodes(type->name, {}, 1000, cursor);
      if (!page.ok()) return page.status();
      // The page's texts; those without a current vector are embedded together, in one batch.
      std::vector<std::string> texts(page->nodes.size());
      std::vector<std::string_view> to_embed;
      for (size_t i = 0; i < page->nodes.size(); ++i) {
        const NodeRecord& record = page->nodes[i];
        texts[i] = document_text(*type, record.properties);
        if (texts[i].empty()) continue;
        is_document[record.id] = true;
        documents_[record.id] = type;
        lexical_.upsert(record.id, texts[i]);
        // A client vector cannot be recomputed here.
        if (embedder_ && !current.contains(record.id)) to_embed.push_back(texts[i]);
      }
      std::vector<Result<std::vector<float>>> embedded;
      if (!to_embed.empty()) {
        embedded = embedder_->embed_batch(to_embed);
        reembedded += to_embed.size();
        if (options_.on_reembedded) options_.on_reembedded(reembedded);
      }
      // The vectors in page order, as when each was embedded in turn.
      size_t next_embedded = 0;
      for (size_t i = 0; i < page->nodes.size(); ++i) {
        const NodeRecord& record = page->nodes[i];
        if (texts[i].empty()) continue;
        auto found = current.find(record.id);
        if (found != current.end()) {
          ids.push_back(record.id);
          flat.insert(flat.end(), found->second.begin(), found->second.end());
          continue;
        }
        if (!embedder_) continue;
        Result<std::vector<float>>& vector = embedded[next_embedded++];
        if (!vector.ok()) return Status(vector.status()).prepend(record.ref().to_string());
        batch.put(Column::kVectors, keys::node_key(record.id),
                  encode_stored_vector(embedder_id_, *vector));
        ids.push_back(record.id);
        flat.insert(flat.end(), vector->begin(), vector->end());
        EXPGRAPH_RETURN_IF_ERROR(flush(false));
      }
      cursor = page->next_cursor;
    } while (!cursor.empty());
  }
  // Stale vectors of nodes that are no documents any more, or of another embedder that could
  // not be replaced (client embeddings), must not survive to be mistaken for current ones.
  for (NodeId id : stored_ids) {
    if (current.contains(id) && is_document.contains(id)) continue;
    if (is_document.contains(id) && embedder_) continue;  // rewritten above
    batch.erase(Column::kVectors, keys::node_key(id));
    EXPGRAPH_RETURN_IF_ERROR(flush(false));
  }
  EXPGRAPH_RETURN_IF_ERROR(flush(true));
  return vectors_.rebuild(ids, flat);
}

size_t SimilarityIndex::document_count() const {
  std::shared_lock lock(documents_mutex_);
  return documents_.size();
}

Result<SimilarityIndex::PendingUpdate> SimilarityIndex::plan_change(
    const NodeChange& change) const {
  using VectorAction = PendingUpdate::VectorAction;
  PendingUpdate update;
  if (change.type == nullptr || change.type->text_properties.empty()) return update;  // id 0
  update.id = change.id;
  update.type = change.type;
  if (change.after == nullptr) {
    update.vector_action = VectorAction::kErase;
    return update;
  }
  if (!embedder_ && change.embedding != nullptr) {
    const std::string label = change.after->ref().to_string();
    const std::vector<float>& embedding = *change.embedding;
    if (static_cast<int>(embedding.size()) != options_.dimension) {
      return Status::ontology_violation(label + ": embedding has " +
                                        std::to_string(embedding.size()) +
                                        " values, the client embedder of this server expects " +
                                        std::to_string(options_.dimension));
    }
    if (!std::all_of(embedding.begin(), embedding.end(),
                     [](float value) { return std::isfinite(value); })) {
      return Status::ontology_violation(label + ": embedding has a non-finite value");
    }
  }
  std::string text = document_text(*change.type, change.after->properties);
  if (text.empty()) {
    update.vector_action = VectorAction::kErase;
    return update;
  }
  const bool same_text =
      change.before != nullptr && document_text(*change.type, change.before->properties) == text;
  update.text = text;
  if (embedder_) {
    // A client embedding is ignored: this server embeds text itself.
    if (same_text) {
      std::shared_lock lock(documents_mutex_);
      if (documents_.contains(change.id)) return PendingUpdate{};  // nothing to redo
    }
    update.embed_text = true;
  } else if (change.embedding != nullptr) {
    update.vector = *change.embedding;
  } else {
    // No new embedding: the stored one still describes the text if the text did not change;
    // otherwise it is dropped, and the node stays findable by lexical search only.
    if (!same_text) update.vector_action = VectorAction::kErase;
    return update;
  }
  update.vector_action = VectorAction::kPut;
  return update;
}

Status SimilarityIndex::prepare(const std::vector<NodeChange>& changes, KvWriteBatch& batch) {
  using VectorAction = PendingUpdate::VectorAction;
  pending_.clear();
  std::vector<PendingUpdate> updates;
  std::vector<const NodeChange*> sources;  // the change of each update, for error messages
  for (const NodeChange& change : changes) {
    auto update = plan_change(change);
    if (!update.ok()) return update.status();
    if (update->id == 0) continue;
    updates.push_back(std::move(update).value());
    sources.push_back(&change);
  }
  // All the texts of the write batch are embedded in one call (the use embedder shares its
  // matrix products among them); nothing is written unless every one succeeds.
  std::vector<std::string_view> texts;
  std::vector<size_t> embedded_updates;
  for (size_t i = 0; i < updates.size(); ++i) {
    if (!updates[i].embed_text) continue;
    texts.push_back(*updates[i].text);
    embedded_updates.push_back(i);
  }
  if (!texts.empty()) {
    std::vector<Result<std::vector<float>>> vectors = embedder_->embed_batch(texts);
    for (size_t j = 0; j < vectors.size(); ++j) {
      const size_t i = embedded_updates[j];
      if (!vectors[j].ok()) {
        return Status(vectors[j].status()).prepend(sources[i]->after->ref().to_string());
      }
      updates[i].vector = std::move(vectors[j]).value();
    }
  }
  // Every embedding succeeded: the vectors' operations, in the order of the changes.
  for (const PendingUpdate& update : updates) {
    const std::string key = keys::node_key(update.id);
    if (update.vector_action == VectorAction::kPut) {
      batch.put(Column::kVectors, key, encode_stored_vector(embedder_id_, update.vector));
    } else if (update.vector_action == VectorAction::kErase) {
      batch.erase(Column::kVectors, key);
    }
  }
  pending_ = std::move(updates);
  return Status();
}

void SimilarityIndex::committed(const std::vector<NodeChange>& /*changes*/) {
  using VectorAction = PendingUpdate::VectorAction;
  for (PendingUpdate& update : pending_) {
    switch (update.vector_action) {
      case VectorAction::kPut:
        // Cannot fail: prepare() checked size and finiteness (the embedder's output is finite).
        (void)vectors_.upsert(update.id, update.vector);
        break;
      case VectorAction::kErase:
        vectors_.remove(update.id);
        break;
      case VectorAction::kKeep:
        break;
    }
    index_document(lexical_, documents_mutex_, documents_, update.id, update.type, update.text);
  }
  pending_.clear();
}

void SimilarityIndex::replicated(const std::vector<NodeChange>& changes,
                                 const std::vector<KvOperation>& operations) {
  for (const KvOperation& operation : operations) {
    if (operation.column != Column::kVectors) continue;
    NodeId id = keys::node_id_from_key(operation.key);
    if (!operation.is_put) {
      vectors_.remove(id);
      continue;
    }
    auto stored = decode_stored_vector(operation.value);
    // A vector of another embedder or size is not searchable here, as at load().
    if (stored.ok() && stored->embedder_id == embedder_id_ &&
        static_cast<int>(stored->values.size()) == options_.dimension) {
      (void)vectors_.upsert(id, stored->values);
    } else {
      vectors_.remove(id);
    }
  }
  for (const NodeChange& change : changes) {
    if (change.type == nullptr || change.type->text_properties.empty()) continue;
    std::optional<std::string> text;
    if (change.after != nullptr) text = document_text(*change.type, change.after->properties);
    if (text && text->empty()) text.reset();
    index_document(lexical_, documents_mutex_, documents_, change.id, change.type, text);
  }
}

Result<std::vector<float>> SimilarityIndex::embed_query(const std::string& text) const {
  if (auto cached = query_vectors_.find(text)) return std::move(*cached);
  auto embedded = embedder_->embed(text);
  if (!embedded.ok()) return embedded.status();
  query_vectors_.insert(text, *embedded);
  return embedded;
}

const NodeType* SimilarityIndex::document_type(NodeId id) const {
  std::shared_lock lock(documents_mutex_);
  auto it = documents_.find(id);
  return it == documents_.end() ? nullptr : it->second;
}

Result<std::vector<uint64_t>> SimilarityIndex::allow_list(
    const SearchRequest& request, const std::vector<const NodeType*>& types) const {
  std::vector<std::pair<NodeId, const NodeType*>> candidates;
  {
    std::shared_lock lock(documents_mutex_);
    candidates.reserve(documents_.size());
    for (const auto& [id, type] : documents_) {
      if (types.empty() || std::find(types.begin(), types.end(), type) != types.end()) {
        candidates.emplace_back(id, type);
      }
    }
  }
  std::vector<uint64_t> allowed;
  if (request.filter.empty()) {
    for (const auto& [id, type] : candidates) allowed.push_back(id);
  } else {
    SearchScope scope(graph_, request.filter);
    for (const auto& [id, type] : candidates) {
      NodeId experiment = 0;
      auto matches = scope.matches(id, *type, experiment);
      if (!matches.ok()) return matches.status();
      if (*matches) allowed.push_back(id);
    }
  }
  std::sort(allowed.begin(), allowed.end());
  return allowed;
}

Result<std::vector<SearchHit>> SimilarityIndex::search(const SearchRequest& request) const {
  auto outcome = search_with_floor(request);
  if (!outcome.ok()) return outcome.status();
  return std::move(outcome->hits);
}

std::vector<SimilarityComponents> SimilarityIndex::components_of(
    const std::vector<uint64_t>& ids, const SearchRequest& request,
    std::span<const float> query) const {
  std::vector<SimilarityComponents> components(ids.size());
  if (!request.text.empty()) {
    const Bm25Index::QueryMatch match = lexical_.match(request.text, ids);
    for (size_t i = 0; i < ids.size(); ++i) {
      components[i].lexical = match.coverage[i];
      components[i].query_words = match.query_terms;
      components[i].shared_words = match.shared_terms[i];
    }
  }
  if (!query.empty() && !ids.empty()) {
    // An exact scan of just these ids: the vector ranking may not have seen them all.
    SearchFilter filter;
    filter.allow_ids = std::span<const uint64_t>(ids);
    auto cosines = vectors_.search(query, ids.size(), filter);
    if (cosines.ok()) {
      std::unordered_map<uint64_t, double> by_id;
      for (const ScoredId& hit : *cosines) by_id[hit.id] = std::max(0.0, double{hit.score});
      for (size_t i = 0; i < ids.size(); ++i) {
        auto it = by_id.find(ids[i]);
        // A text node always has a vector; one without (being replaced) is 0, not unknown.
        components[i].cosine = it == by_id.end() ? 0.0 : it->second;
      }
    }
  }
  return components;
}

Result<SearchOutcome> SimilarityIndex::search_with_floor(const SearchRequest& request) const {
  if (request.min_similarity &&
      !(*request.min_similarity >= 0.0 && *request.min_similarity <= 1.0)) {
    return Status::invalid_argument("\"min_similarity\" must be a number from 0 to 1");
  }
  if (request.k < 1 || request.k > kMaxK) {
    return Status::invalid_argument("k must be from 1 to " + std::to_string(kMaxK));
  }
  const Ontology& ontology = graph_.ontology();
  std::vector<const NodeType*> types;
  for (const std::string& name : request.types) {
    const NodeType* type = ontology.node_type(name);
    if (type == nullptr) return Status::invalid_argument("unknown node type \"" + name + "\"");
    if (type->text_properties.empty()) {
      return Status::invalid_argument("node type \"" + name + "\" has no text properties");
    }
    types.push_back(type);
  }
  if (request.filter.since && !is_date(*request.filter.since)) {
    return Status::invalid_argument("\"since\" must be a date YYYY-MM-DD");
  }
  const bool wants_vector = request.mode != SearchMode::kLexical;
  const bool wants_lexical = request.mode != SearchMode::kVector;
  if (wants_lexical && request.text.empty()) {
    return Status::invalid_argument("\"text\" must not be empty");
  }
  std::vector<float> query;
  if (wants_vector || (embedder_ && !request.text.empty()) || request.embedding) {
    if (request.embedding) {
      if (static_cast<int>(request.embedding->size()) != options_.dimension) {
        return Status::invalid_argument("\"embedding\" has " +
                                        std::to_string(request.embedding->size()) +
                                        " values, expected " + std::to_string(options_.dimension));
      }
      query = *request.embedding;
    } else if (!embedder_) {
      if (wants_vector) {
        return Status::invalid_argument(
            "this server uses the client embedder: vector and hybrid search need "
            "\"embedding\"");
      }
    } else if (request.text.empty()) {
      return Status::invalid_argument("\"text\" must not be empty");
    } else {
      auto embedded = embed_query(request.text);
      if (!embedded.ok()) return embedded.status();
      query = std::move(embedded).value();
    }
  }

  // The allow-list is built before ranking, so that the indexes return k hits whenever k
  // documents qualify, however far from the query they are.
  std::optional<std::vector<uint64_t>> allowed;
  if (!types.empty() || !request.filter.empty()) {
    auto list = allow_list(request, types);
    if (!list.ok()) return list.status();
    allowed = std::move(list).value();
    if (allowed->empty()) return SearchOutcome();
  }
  std::optional<std::span<const uint64_t>> allow_span;
  if (allowed) allow_span = std::span<const uint64_t>(*allowed);

  // With a floor, single-mode rankings go as deep as hybrid's, so that hits dropped for being
  // below it can be replaced by later ones that are not.
  const size_t depth = request.mode == SearchMode::kHybrid || request.min_similarity
                           ? request.k * kHybridDepthFactor
                           : request.k;
  std::vector<std::vector<ScoredId>> lists;
  if (wants_vector) {
    SearchFilter filter;
    filter.allow_ids = allow_span;
    auto found = vectors_.search(query, depth, filter);
    if (!found.ok()) return found.status();
    lists.push_back(std::move(found).value());
  }
  if (wants_lexical) lists.push_back(lexical_.search(request.text, depth, allow_span));

  std::vector<uint64_t> ranked;
  std::vector<double> raw_scores;
  if (lists.size() == 1) {
    for (const ScoredId& hit : lists.front()) {
      ranked.push_back(hit.id);
      raw_scores.push_back(hit.score);
    }
  } else {
    for (const FusedHit& hit : reciprocal_rank_fusion(lists)) {
      ranked.push_back(hit.id);
      raw_scores.push_back(hit.score);
    }
  }
  std::unordered_map<uint64_t, double> bm25;
  if (wants_lexical) {
    for (const ScoredId& hit : lists.back()) bm25.emplace(hit.id, hit.score);
  }
  const std::vector<SimilarityComponents> components = components_of(ranked, request, query);

  SearchScope scope(graph_, request.filter);
  SearchOutcome outcome;
  std::vector<SearchHit>& hits = outcome.hits;
  for (size_t r = 0; r < ranked.size(); ++r) {
    if (hits.size() == request.k) break;
    const uint64_t id = ranked[r];
    const double similarity = combined_similarity(components[r], scale_);
    outcome.closest_similarity = std::max(outcome.closest_similarity.value_or(0.0), similarity);
    if (request.min_similarity && similarity < *request.min_similarity) {
      ++outcome.below_floor;
      continue;
    }
    SearchHit hit;
    const NodeType* type = nullptr;
    if (request.with_records) {
      auto record = graph_.get_node(id);
      if (!record.ok()) {
        // Deleted between ranking and reading: skip it.
        if (record.status().code() == StatusCode::kNotFound) continue;
        return record.status();
      }
      hit.node = std::move(record).value();
      type = ontology.node_type(hit.node.type);
    } else {
      type = document_type(id);  // null: deleted between ranking and now
    }
    if (type == nullptr) continue;
    auto matched = scope.matches(id, *type, hit.experiment);
    if (!matched.ok()) return matched.status();
    if (request.with_records) {
      auto context = scope.context(hit.experiment);
      if (!context.ok()) return context.status();
      hit.context = std::move(context).value();
    }
    hit.similarity = similarity;
    hit.components = components[r];
    hit.score = raw_scores[r];
    if (auto it = bm25.find(id); it != bm25.end()) hit.bm25 = it->second;
    if (request.mode == SearchMode::kHybrid) hit.rrf = raw_scores[r];
    hits.push_back(std::move(hit));
  }
  return outcome;
}

}  // namespace expgraph::similarity
