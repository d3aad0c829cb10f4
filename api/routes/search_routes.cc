// POST /v1/search: similarity search over the text of hypotheses, learnings, experiments and
// assets, filtered by graph context. Body (strict: unknown fields are 400):
//   {"text": "...", "types": ["Learning"], "k": 10, "mode": "vector|lexical|hybrid",
//    "filter": {"channel", "segment", "metric", "outcome", "since"}, "embedding": [...],
//    "min_similarity": 0.1}
// Answer: {"hits": [{similarity, score, components, node: {type, key, properties}, context}],
// "mode", "embedder", "min_similarity", "below_floor", "closest_similarity"}; with no hit at
// or above the floor also "nothing_similar": true and a "message" naming the closest score.
#include <cmath>

#include "api/http/http_json.h"
#include "api/routes/routes.h"
#include "query/insights/context_keys.h"

namespace expgraph::api {

namespace {

using similarity::SearchRequest;

Result<std::optional<std::string>> optional_string(const nlohmann::json& object,
                                                   std::string_view name, std::string_view what) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return std::optional<std::string>();
  auto value = string_field(object, name, what);
  if (!value.ok()) return value.status();
  return std::optional<std::string>(std::move(value).value());
}

Status parse_filter(const nlohmann::json& body, SearchRequest& request) {
  auto it = body.find("filter");
  if (it == body.end() || it->is_null()) return Status();
  if (!it->is_object()) return Status::invalid_argument("\"filter\" must be an object");
  EXPGRAPH_RETURN_IF_ERROR(
      check_fields(*it, {"channel", "segment", "metric", "outcome", "since"}, "\"filter\""));
  std::pair<const char*, std::optional<std::string>*> fields[] = {
      {"channel", &request.filter.channel},
      {"segment", &request.filter.segment},
      {"metric", &request.filter.metric},
      {"outcome", &request.filter.outcome},
      {"since", &request.filter.since}};
  for (auto& [name, target] : fields) {
    auto value = optional_string(*it, name, "\"filter\"");
    if (!value.ok()) return value.status();
    *target = std::move(value).value();
  }
  return Status();
}

Result<SearchRequest> parse_search_request(const std::string& text) {
  auto body = parse_json_object(text);
  if (!body.ok()) return body.status();
  EXPGRAPH_RETURN_IF_ERROR(check_fields(
      *body, {"text", "types", "k", "mode", "filter", "embedding", "min_similarity"}, "the body"));
  SearchRequest request;
  auto query_text = optional_string(*body, "text", "the body");
  if (!query_text.ok()) return query_text.status();
  request.text = query_text->value_or("");

  if (auto it = body->find("types"); it != body->end() && !it->is_null()) {
    if (!it->is_array()) return Status::invalid_argument("\"types\" must be an array of strings");
    for (const auto& type : *it) {
      if (!type.is_string())
        return Status::invalid_argument("\"types\" must be an array of strings");
      request.types.push_back(type.get<std::string>());
    }
  }
  if (auto it = body->find("k"); it != body->end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 ||
        it->get<int64_t>() > static_cast<int64_t>(similarity::SimilarityIndex::kMaxK) ||
        (it->is_number_unsigned() && it->get<uint64_t>() > similarity::SimilarityIndex::kMaxK)) {
      return Status::invalid_argument("\"k\" must be an integer from 1 to " +
                                      std::to_string(similarity::SimilarityIndex::kMaxK));
    }
    request.k = it->get<size_t>();
  }
  auto mode = optional_string(*body, "mode", "the body");
  if (!mode.ok()) return mode.status();
  if (mode->has_value()) {
    auto parsed = similarity::parse_search_mode(**mode);
    if (!parsed) {
      return Status::invalid_argument("\"mode\" must be \"vector\", \"lexical\" or \"hybrid\"");
    }
    request.mode = *parsed;
  }
  EXPGRAPH_RETURN_IF_ERROR(parse_filter(*body, request));
  request.min_similarity = similarity::kDefaultMinSimilarity;
  if (auto it = body->find("min_similarity"); it != body->end() && !it->is_null()) {
    if (!it->is_number() || !(it->get<double>() >= 0.0 && it->get<double>() <= 1.0)) {
      return Status::invalid_argument("\"min_similarity\" must be a number from 0 to 1");
    }
    request.min_similarity = it->get<double>();
  }
  if (auto it = body->find("embedding"); it != body->end() && !it->is_null()) {
    if (!it->is_array())
      return Status::invalid_argument("\"embedding\" must be an array of numbers");
    std::vector<float> embedding;
    for (const auto& value : *it) {
      if (!value.is_number() || !std::isfinite(value.get<double>())) {
        return Status::invalid_argument("\"embedding\" must be an array of finite numbers");
      }
      embedding.push_back(value.get<float>());
    }
    request.embedding = std::move(embedding);
  }
  return request;
}

std::string_view mode_name(similarity::SearchMode mode) {
  switch (mode) {
    case similarity::SearchMode::kVector:
      return "vector";
    case similarity::SearchMode::kLexical:
      return "lexical";
    case similarity::SearchMode::kHybrid:
      break;
  }
  return "hybrid";
}

Status run_search(const GraphStore& graph, similarity::SimilarityIndex* index,
                  const httplib::Request& http_request, httplib::Response& response) {
  if (index == nullptr) {
    return Status::unprocessable("search_disabled", "similarity search is not enabled");
  }
  auto request = parse_search_request(http_request.body);
  if (!request.ok()) return request.status();
  // A filter naming no node would match nothing: 422 with the closest keys, as the insights.
  EXPGRAPH_RETURN_IF_ERROR(insights::check_context_keys(graph, request->filter.channel,
                                                        request->filter.segment,
                                                        request->filter.metric, "filter."));
  auto outcome = index->search_with_floor(*request);
  if (!outcome.ok()) return outcome.status();
  nlohmann::json rendered = nlohmann::json::array();
  for (const auto& hit : outcome->hits) rendered.push_back(hit.to_json());
  nlohmann::json answer = {{"hits", std::move(rendered)},
                           {"mode", mode_name(request->mode)},
                           {"embedder", index->embedder_id()},
                           {"min_similarity", *request->min_similarity},
                           {"below_floor", outcome->below_floor},
                           {"closest_similarity", outcome->closest_similarity
                                                      ? nlohmann::json(*outcome->closest_similarity)
                                                      : nlohmann::json()}};
  if (outcome->hits.empty())
    answer.update(
        similarity::nothing_similar(outcome->closest_similarity, *request->min_similarity));
  send_json(response, 200, answer);
  return Status();
}

}  // namespace

void add_search_routes(Router& router, const GraphStore& graph,
                       similarity::SimilarityIndex* similarity) {
  router.post("/v1/search", "/v1/search", [&graph, similarity](const auto& request,
                                                               auto& response) {
    return run_search(graph, similarity, request, response);
  });
}

}  // namespace expgraph::api
