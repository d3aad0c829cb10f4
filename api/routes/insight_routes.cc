// Insight routes: advice drawn from past tests (query/insights).
//   POST /v1/recommendations/similar-tests  {"hypothesis", "channel", "segment", "metric",
//        "campaign", "asset_kinds": [...], "k", "as_of"}
//   GET  /v1/patterns?channel=&segment=&metric=&min_tests=&limit=&experiments=
//   POST /v1/forecast  the similar-tests body plus "candidates": [{"name", "text"}] (required,
//        at least one), "control" (a candidate's name), "min_tests", "min_similarity"
//   GET  /v1/models/forecast  the learned forecast model in use (cut-off, trained_at, figures)
//   GET  /v1/stats/program?from=&to=&team=
// Bodies are strict (unknown fields are 400); dates are YYYY-MM-DD. A channel, segment or
// metric (and the program's team) that names no node is 422 `unknown_context_key` with the
// closest keys in "details"; one that is no valid key at all (over 512 bytes, ...) is 400.
#include <memory>
#include <regex>

#include "api/http/http_json.h"
#include "api/routes/routes.h"
#include "query/insights/context_keys.h"
#include "query/insights/insights_service.h"

namespace expgraph::api {

namespace {

using insights::DraftTest;

// "\"name\"": built with append, not "lit" + std::string&& (GCC 12 -Wrestrict false positive).
std::string quoted(std::string_view name) {
  std::string out = "\"";
  out.append(name);
  out += '"';
  return out;
}
using nlohmann::json;

constexpr size_t kMaxK = 100;
constexpr size_t kMaxCandidates = 50;

Status check_date(const std::string& value, std::string_view name) {
  static const std::regex kDate(R"(\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))");
  if (!std::regex_match(value, kDate)) {
    return Status::invalid_argument(std::string(name) + " must be a date YYYY-MM-DD, got \"" +
                                    value + "\"");
  }
  return Status();
}

Result<std::optional<std::string>> optional_string(const json& body, std::string_view name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  auto value = string_field(body, name, "the body");
  if (!value.ok()) return value.status();
  return std::optional<std::string>(std::move(value).value());
}

Result<double> number_field(const json& body, std::string_view name, double fallback,
                            double minimum, double maximum) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_number() || it->get<double>() < minimum || it->get<double>() > maximum) {
    return Status::invalid_argument(quoted(name) + " must be a number from " +
                                    json(minimum).dump() + " to " + json(maximum).dump());
  }
  return it->get<double>();
}

Result<size_t> count_field(const json& body, std::string_view name, size_t fallback,
                           size_t maximum) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_number_integer() || it->get<int64_t>() < 1 ||
      (it->is_number_unsigned() && it->get<uint64_t>() > maximum) ||
      it->get<int64_t>() > static_cast<int64_t>(maximum)) {
    return Status::invalid_argument(quoted(name) + std::string(" must be an integer from 1 to ") +
                                    std::to_string(maximum));
  }
  return it->get<size_t>();
}

Status parse_draft(const json& body, DraftTest& draft) {
  auto hypothesis = optional_string(body, "hypothesis");
  if (!hypothesis.ok()) return hypothesis.status();
  draft.hypothesis = hypothesis->value_or("");
  std::pair<const char*, std::optional<std::string>*> fields[] = {{"channel", &draft.channel},
                                                                  {"segment", &draft.segment},
                                                                  {"metric", &draft.metric},
                                                                  {"campaign", &draft.campaign}};
  for (auto& [name, target] : fields) {
    auto value = optional_string(body, name);
    if (!value.ok()) return value.status();
    *target = std::move(value).value();
  }
  // The campaign may be one not written yet (only its key is compared), but it must be a key.
  if (draft.campaign) {
    if (Status valid = validate_external_key(*draft.campaign); !valid.ok()) {
      return valid.prepend("\"campaign\"").set_field("campaign");
    }
  }
  if (auto it = body.find("asset_kinds"); it != body.end() && !it->is_null()) {
    if (!it->is_array())
      return Status::invalid_argument("\"asset_kinds\" must be an array of strings");
    for (const json& kind : *it) {
      if (!kind.is_string()) {
        return Status::invalid_argument("\"asset_kinds\" must be an array of strings");
      }
      draft.asset_kinds.push_back(kind.get<std::string>());
    }
  }
  auto k = count_field(body, "k", 10, kMaxK);
  if (!k.ok()) return k.status();
  draft.k = *k;
  auto as_of = optional_string(body, "as_of");
  if (!as_of.ok()) return as_of.status();
  if (*as_of) {
    EXPGRAPH_RETURN_IF_ERROR(check_date(**as_of, "\"as_of\""));
    draft.as_of = **as_of;
  }
  if (draft.hypothesis.empty() && !draft.channel && !draft.segment && !draft.metric &&
      !draft.campaign && draft.asset_kinds.empty()) {
    return Status::invalid_argument(
        "describe the draft test: give at least one of hypothesis, channel, segment, metric, "
        "campaign, asset_kinds");
  }
  return Status();
}


Status similar_tests(insights::InsightsService& service, const GraphStore& graph,
                     const httplib::Request& request, httplib::Response& response) {
  auto body = parse_json_object(request.body);
  if (!body.ok()) return body.status();
  EXPGRAPH_RETURN_IF_ERROR(check_fields(
      *body,
      {"hypothesis", "channel", "segment", "metric", "campaign", "asset_kinds", "k", "as_of"},
      "the body"));
  DraftTest draft;
  EXPGRAPH_RETURN_IF_ERROR(parse_draft(*body, draft));
  EXPGRAPH_RETURN_IF_ERROR(insights::check_context_keys(graph, draft.channel, draft.segment, draft.metric));
  auto answer = service.similar_tests(draft);
  if (!answer.ok()) return answer.status();
  send_json(response, 200, *answer);
  return Status();
}

Status forecast(insights::InsightsService& service, const GraphStore& graph,
                const httplib::Request& request, httplib::Response& response) {
  auto body = parse_json_object(request.body);
  if (!body.ok()) return body.status();
  EXPGRAPH_RETURN_IF_ERROR(
      check_fields(*body,
                   {"hypothesis", "channel", "segment", "metric", "campaign", "asset_kinds", "k",
                    "as_of", "candidates", "control", "min_tests", "min_similarity"},
                   "the body"));
  DraftTest draft;
  EXPGRAPH_RETURN_IF_ERROR(parse_draft(*body, draft));
  EXPGRAPH_RETURN_IF_ERROR(insights::check_context_keys(graph, draft.channel, draft.segment, draft.metric));
  insights::ForecastOptions options;
  options.before = draft.as_of;
  auto min_tests = count_field(*body, "min_tests", options.min_tests, 1000);
  if (!min_tests.ok()) return min_tests.status();
  options.min_tests = *min_tests;
  auto min_similarity = number_field(*body, "min_similarity", options.min_similarity, 0, 1);
  if (!min_similarity.ok()) return min_similarity.status();
  options.min_similarity = *min_similarity;
  auto control = optional_string(*body, "control");
  if (!control.ok()) return control.status();
  options.control = control->value_or("");
  std::vector<insights::CandidateVariant> candidates;
  if (auto it = body->find("candidates"); it != body->end() && !it->is_null()) {
    if (!it->is_array() || it->size() > kMaxCandidates) {
      return Status::invalid_argument(std::string("\"candidates\" must be an array of at most ") +
                                      std::to_string(kMaxCandidates) + " objects");
    }
    for (const json& candidate : *it) {
      if (!candidate.is_object()) {
        return Status::invalid_argument("each candidate must be an object {\"name\", \"text\"}");
      }
      EXPGRAPH_RETURN_IF_ERROR(check_fields(candidate, {"name", "text"}, "a candidate"));
      auto name = string_field(candidate, "name", "a candidate");
      if (!name.ok()) return name.status();
      auto text = string_field(candidate, "text", "a candidate");
      if (!text.ok()) return text.status();
      candidates.push_back({*name, *text});
    }
  }
  auto answer = service.forecast(draft, candidates, options);
  if (!answer.ok()) return answer.status();
  send_json(response, 200, *answer);
  return Status();
}

std::optional<std::string> parameter(const httplib::Request& request, const char* name) {
  if (!request.has_param(name) || request.get_param_value(name).empty()) return std::nullopt;
  return request.get_param_value(name);
}

Status patterns(insights::InsightsService& service, const GraphStore& graph,
                const httplib::Request& request, httplib::Response& response) {
  insights::PatternFilter filter;
  filter.channel = parameter(request, "channel");
  filter.segment = parameter(request, "segment");
  filter.metric = parameter(request, "metric");
  EXPGRAPH_RETURN_IF_ERROR(insights::check_context_keys(graph, filter.channel, filter.segment, filter.metric));
  auto min_tests = integer_parameter(request, "min_tests", 3, 1, 100000);
  if (!min_tests.ok()) return min_tests.status();
  filter.min_tests = static_cast<size_t>(*min_tests);
  auto limit = integer_parameter(request, "limit", 50, 1, 1000);
  if (!limit.ok()) return limit.status();
  auto experiments = integer_parameter(request, "experiments", 10, 0, 100000);
  if (!experiments.ok()) return experiments.status();
  auto answer =
      service.patterns(filter, static_cast<size_t>(*limit), static_cast<size_t>(*experiments));
  if (!answer.ok()) return answer.status();
  send_json(response, 200, *answer);
  return Status();
}

Status program_stats(insights::InsightsService& service, const GraphStore& graph,
                     const httplib::Request& request, httplib::Response& response) {
  insights::ProgramFilter filter;
  for (auto [name, target] : {std::pair{"from", &filter.from}, std::pair{"to", &filter.to}}) {
    if (auto value = parameter(request, name)) {
      EXPGRAPH_RETURN_IF_ERROR(check_date(*value, name));
      *target = *value;
    }
  }
  if (!filter.from.empty() && !filter.to.empty() && filter.from > filter.to) {
    return Status::invalid_argument("from must not be after to");
  }
  filter.team = parameter(request, "team");
  // As the other context filters: a team that names no node would count nothing and look like
  // a quiet team.
  if (filter.team) {
    EXPGRAPH_RETURN_IF_ERROR(insights::check_context_key(graph, "team", "Team", *filter.team));
  }
  auto answer = service.program(filter);
  if (!answer.ok()) return answer.status();
  send_json(response, 200, *answer);
  return Status();
}

}  // namespace

void add_insight_routes(Router& router, GraphStore& graph, similarity::SimilarityIndex* similarity,
                        const similarity::Embedder* forecast_embedder,
                        std::chrono::milliseconds max_lag) {
  insights::KeeperOptions model_options;
  model_options.embedder = forecast_embedder;
  auto service =
      std::make_shared<insights::InsightsService>(graph, similarity, model_options, max_lag);
  // A stored model is loaded; without one, training starts in the background. A storage error
  // here leaves the server answering with the meta-analytic forecast only.
  (void)service->start();
  router.post("/v1/recommendations/similar-tests", "/v1/recommendations/similar-tests",
              [service, &graph](const auto& request, auto& response) {
                return similar_tests(*service, graph, request, response);
              });
  router.get("/v1/patterns", "/v1/patterns",
             [service, &graph](const auto& request, auto& response) {
               return patterns(*service, graph, request, response);
             });
  router.post("/v1/forecast", "/v1/forecast",
              [service, &graph](const auto& request, auto& response) {
                return forecast(*service, graph, request, response);
              });
  router.get("/v1/models/forecast", "/v1/models/forecast", [service](const auto&, auto& response) {
    send_json(response, 200, service->forecast_model());
    return Status();
  });
  router.get("/v1/stats/program", "/v1/stats/program",
             [service, &graph](const auto& request, auto& response) {
               return program_stats(*service, graph, request, response);
             });
}

}  // namespace expgraph::api
