#include "query/insights/insights_service.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "query/insights/arm_features.h"
#include "query/insights/forecast_model_codec.h"
#include "query/insights/plain_summary.h"

namespace expgraph::insights {

namespace {

using nlohmann::json;

constexpr size_t kTextHits = 200;
constexpr size_t kForecastTextHits = 30;  // at least; 3 x the draft's k when that is more
constexpr size_t kContributions = 5;      // per direction and candidate
constexpr size_t kClosestTests = 3;

constexpr char kCombination[] =
    "p_best, p_beats, expected_lift and best_candidates come from the learned model (trained on "
    "every concluded test started before its cut-off). The meta-analytic estimate in 'forecast' "
    "pools past arms with the same or near-identical assets; where it is 'ok' it is direct "
    "evidence and is reported beside the model's, against its own baseline arm. Without a "
    "model, best_candidates ranks by the meta-analytic estimate. A candidate has evidence when "
    "past arms with near-identical text give it a meta-analytic number or the model has seen "
    "some of its words in past tests; one without evidence ranks after every one with it and "
    "is never among best_candidates, which is empty when no candidate has evidence.";

// NaN and infinities are not JSON numbers: null.
json number(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }

json experiment_ref(const ExperimentFacts& e) {
  return {{"key", e.key},
          {"name", e.name},
          {"status", e.status},
          {"started_at", e.started_at.empty() ? json(nullptr) : json(e.started_at)}};
}

// The arm's result on `metric` (empty: the primary metric); "derived" says whether its
// log-lift and SE were derived from a summary (lift with interval or p-value) or counted.
json arm_result(const ExperimentFacts& e, std::optional<size_t> arm,
                const std::string& metric = "") {
  const std::vector<ArmFacts>* arms = e.arms_on(metric);
  if (!arm || arms == nullptr || *arm >= arms->size()) return nullptr;
  const ArmFacts& a = (*arms)[*arm];
  return {{"variant", a.key},
          {"result", a.result_key},
          {"metric", metric.empty() ? e.primary_metric : metric},
          {"lift", number(a.lift)},
          {"ci_low", number(a.ci_low)},
          {"ci_high", number(a.ci_high)},
          {"p_value", number(a.p_value)},
          {"log_lift", number(a.log_lift)},
          {"log_lift_se", number(a.log_lift_se)},
          {"derived", a.derived},
          {"derived_from", a.derived ? json(a.derived_from) : json(nullptr)}};
}

json estimate_json(const ExperimentCatalog& catalog, const Estimate& e) {
  json evidence = json::array();
  for (const EvidenceArm& arm : e.evidence) {
    const ExperimentFacts& x = catalog.experiments[arm.experiment];
    evidence.push_back({{"experiment", x.key},
                        {"variant", x.arms[arm.arm].key},
                        {"weight", arm.weight},
                        {"lift", number(x.arms[arm.arm].lift)}});
  }
  json out = {{"tests", e.tests}, {"evidence", std::move(evidence)}};
  if (!e.sufficient) {
    out["status"] = "insufficient_evidence";
    return out;
  }
  out["status"] = "ok";
  out["lift"] = number(e.lift);
  out["ci_low"] = number(e.ci_low);
  out["ci_high"] = number(e.ci_high);
  out["prediction_low"] = number(e.prediction_low);
  out["prediction_high"] = number(e.prediction_high);
  out["shrinkage"] = number(e.shrinkage);
  out["tau2"] = number(e.tau2);
  return out;
}

// The learned model's part of one candidate.
json learned_candidate(const CandidatePrediction& p, const std::vector<std::string>& names,
                       size_t self, const std::string& control) {
  json beats = json::object();
  for (size_t j = 0; j < names.size(); ++j) {
    if (j != self) beats[names[j]] = p.p_beats[j];
  }
  json intervals = json::object();
  for (const auto& [level, range] : p.intervals) {
    intervals[std::to_string(static_cast<int>(std::lround(level * 100)))] = {range.first,
                                                                             range.second};
  }
  json up = json::array(), down = json::array();
  for (const FeatureContribution& f : p.contributions) {
    json entry = {{"feature", f.feature}, {"label", f.label}, {"value", f.value}};
    if (f.value > 0 && up.size() < kContributions) up.push_back(std::move(entry));
    if (f.value < 0 && down.size() < kContributions) down.push_back(std::move(entry));
  }
  json lift = {{"lift", p.lift}, {"intervals", std::move(intervals)}};
  if (control.empty()) {
    lift["against"] = "set_mean";
  } else {
    lift["against"] = "control";
    lift["control"] = control;
  }
  return {{"p_best", p.p_best},
          {"p_beats", std::move(beats)},
          {"expected_lift", std::move(lift)},
          {"contributions", {{"up", std::move(up)}, {"down", std::move(down)}}}};
}

// What candidate_sentence says of one forecast candidate: the meta-analytic estimate and,
// when a model answered (`learned`), its prediction with the 90% interval.
CandidateFacts candidate_facts(const CandidateForecast& candidate,
                               const CandidatePrediction* learned, size_t rank, size_t count,
                               bool has_evidence, const ForecastOptions& options) {
  const std::string& control = options.control;
  CandidateFacts facts;
  facts.name = candidate.name;
  facts.rank = rank;
  facts.candidates = count;
  facts.has_evidence = has_evidence;
  const Estimate& e = candidate.estimate;
  facts.past_tests = e.tests;
  facts.min_tests = options.min_tests;
  facts.model = learned != nullptr;
  if (e.sufficient) {
    facts.lift = e.lift;
    facts.ci_low = e.ci_low;
    facts.ci_high = e.ci_high;
  }
  if (learned != nullptr) {
    facts.p_best = learned->p_best;
    facts.expected_lift = learned->lift;
    for (const auto& [level, range] : learned->intervals) {
      if (std::lround(level * 100) != 90) continue;
      facts.expected_low = range.first;
      facts.expected_high = range.second;
    }
    facts.against = control.empty() ? "the set mean" : "control " + control;
  }
  return facts;
}

// The past tests whose assets most resemble the candidate's text: the evidence nearest to it.
json closest_tests(const ExperimentCatalog& c, const std::vector<AssetMatch>& matches,
                   const std::string& as_of) {
  json out = json::array();
  std::set<size_t> seen;
  std::vector<AssetMatch> sorted = matches;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.similarity > b.similarity; });
  for (const AssetMatch& m : sorted) {
    for (const auto& [experiment, arm] : c.uses_of(m.asset)) {
      const ExperimentFacts& e = c.experiments[experiment];
      if (out.size() >= kClosestTests) return out;
      if (!e.is_past() || (!as_of.empty() && e.started_at >= as_of)) continue;
      if (!seen.insert(experiment).second) continue;
      // The arm that won: the highest rate, the lowest where lower is better.
      std::optional<double> best;
      for (const ArmFacts& a : e.arms) {
        if (auto rate = a.rate()) {
          best = !best ? *rate : e.lower_is_better ? std::min(*best, *rate) : std::max(*best, *rate);
        }
      }
      const std::optional<double> rate = e.arms[arm].rate();
      out.push_back({{"experiment", experiment_ref(e)},
                     {"variant", e.arms[arm].key},
                     {"text", c.assets[m.asset].text},
                     {"similarity", m.similarity},
                     {"won", rate && best ? json(*rate == *best) : json(nullptr)}});
    }
  }
  return out;
}

// The glove embedder's vectors made the forecast better on the validation windows of
// bench_upworthy_forward_eval; the hashing embedder's repeat the hashed words the model already
// has (docs/insights.md), so its vectors are not used.
KeeperOptions with_index_embedder(KeeperOptions options,
                                  const similarity::SimilarityIndex* similarity) {
  if (options.embedder == nullptr && similarity != nullptr &&
      similarity->embedder_id().rfind("glove", 0) == 0) {
    options.embedder = similarity->embedder();
  }
  return options;
}

}  // namespace

InsightsService::InsightsService(GraphStore& graph, const similarity::SimilarityIndex* similarity,
                                 KeeperOptions model_options,
                                 std::chrono::milliseconds max_snapshot_lag)
    : graph_(graph),
      similarity_(similarity),
      keeper_(graph, with_index_embedder(std::move(model_options), similarity)),
      // New results may be enough for a (first or fresh) model: the keeper decides and trains
      // in the background, so a graph filled after start (tools/run imports its data sets over
      // HTTP) gets a model without waiting for a forecast request to ask.
      snapshots_(graph, {max_snapshot_lag,
                         [this](const std::shared_ptr<const ExperimentCatalog>& catalog) {
                           keeper_.refresh(catalog);
                         },
                         {}}) {}

Status InsightsService::start() {
  EXPGRAPH_RETURN_IF_ERROR(keeper_.load());
  if (keeper_.current()) return Status();
  return snapshot().status();  // loading the first snapshot starts the first training
}

json InsightsService::forecast_model() {
  (void)snapshot();  // reloads a stale snapshot, which starts a retrain when one is due
  const std::shared_ptr<const ForecastModel> model = keeper_.current();
  const std::string error = keeper_.last_error();
  return {{"model", model ? model_description(*model) : json(nullptr)},
          {"training", keeper_.training()},
          {"last_error", error.empty() ? json(nullptr) : json(error)}};
}

Result<TextScores> InsightsService::text_scores(const ExperimentCatalog& catalog,
                                                const DraftTest& draft, size_t k,
                                                similarity::SearchMode mode) const {
  TextScores out;
  if (similarity_ == nullptr || draft.hypothesis.empty()) return out;
  similarity::SearchRequest request;
  request.text = draft.hypothesis;
  request.k = k;
  request.mode = mode;
  // The text signal is the hit's similarity on the search's [0, 1] scale, and hits below the
  // search's default floor are no evidence of a similar test.
  request.min_similarity = similarity::kDefaultMinSimilarity;
  // Only which experiments the hits belong to is used: reading the hits' records and contexts
  // was most of the forecast's time.
  request.with_records = false;
  auto hits = similarity_->search_with_floor(request);
  if (!hits.ok()) return hits.status();
  out.closest_similarity = hits->closest_similarity;
  out.searched = true;
  for (const auto& hit : hits->hits) {
    // An experiment created after the catalog's snapshot is not in it.
    const std::optional<size_t> found = catalog.experiment_at_node(hit.experiment);
    if (!found) continue;
    double& score = out.scores[*found];
    score = std::max(score, hit.similarity);
  }
  return out;
}

Result<json> InsightsService::similar_tests(const DraftTest& draft) {
  auto snapshot = this->snapshot();
  if (!snapshot.ok()) return snapshot.status();
  const ExperimentCatalog& c = *snapshot->catalog;
  auto text = text_scores(c, draft);
  if (!text.ok()) return text.status();
  json out = json::array();
  for (const Recommendation& r : recommend_similar_tests(c, draft, text->scores)) {
    const ExperimentFacts& e = c.experiments[r.experiment];
    json learnings = json::array();
    for (const LearningFacts& l : e.learnings) {
      learnings.push_back({{"key", l.key}, {"text", l.text}, {"outcome", l.outcome}});
    }
    json result = arm_result(e, r.best_arm, r.result_metric);
    std::string matched;
    for (const std::string& signal : r.matched) matched += (matched.empty() ? "" : ", ") + signal;
    const std::string name = e.name.empty() ? e.key : e.name;
    std::string summary;
    if (result.is_null()) {
      summary = name + ": no result with an effect on " +
                (r.result_metric.empty() ? std::string("its metric") : r.result_metric);
    } else {
      const ArmFacts& best = e.arms_on(r.result_metric)->at(*r.best_arm);
      summary = test_result_sentence(
          name, r.result_metric, best.lift, best.ci_low, best.ci_high, best.p_value,
          best.derived ? std::optional<std::string>(best.derived_from) : std::nullopt);
    }
    summary += " (matched: " + matched + ")";
    out.push_back({{"experiment", experiment_ref(e)},
                   {"summary", std::move(summary)},
                   {"score", r.score},
                   {"signals",
                    {{"text", r.text},
                     {"proximity", r.proximity},
                     {"outcome", r.outcome},
                     {"recency", r.recency}}},
                   {"matched", r.matched},
                   {"result", std::move(result)},
                   {"learnings", std::move(learnings)}});
  }
  json answer = {{"recommendations", std::move(out)}};
  if (text->searched) {
    json match = {{"min_similarity", similarity::kDefaultMinSimilarity},
                  {"closest_similarity",
                   text->closest_similarity ? json(*text->closest_similarity) : json(nullptr)},
                  {"nothing_similar", text->scores.empty()}};
    if (text->scores.empty()) {
      match.update(
          similarity::nothing_similar(text->closest_similarity, similarity::kDefaultMinSimilarity));
    }
    answer["text_match"] = std::move(match);
  }
  return answer;
}

Result<json> InsightsService::patterns(const PatternFilter& filter, size_t limit,
                                       size_t experiments_limit) {
  auto snapshot = this->snapshot();
  if (!snapshot.ok()) return snapshot.status();
  const ExperimentCatalog& c = *snapshot->catalog;
  PatternAnswer mined = mine_patterns_nearest(c, filter);
  json out = json::array();
  for (const Pattern& p : mined.patterns) {
    if (out.size() >= limit) break;
    // The tests behind a pattern can number thousands: the most precise ones are listed, the
    // rest counted.
    std::vector<const PatternStudy*> studies;
    size_t derived = 0;
    for (const PatternStudy& s : p.studies) {
      studies.push_back(&s);
      derived += s.derived ? 1 : 0;
    }
    std::stable_sort(studies.begin(), studies.end(),
                     [](const PatternStudy* a, const PatternStudy* b) { return a->se < b->se; });
    json experiments = json::array();
    for (size_t i = 0; i < studies.size() && i < experiments_limit; ++i) {
      const PatternStudy& s = *studies[i];
      experiments.push_back({{"key", c.experiments[s.experiment].key},
                             {"lift", number(std::expm1(s.effect))},
                             {"log_lift", s.effect},
                             {"se", s.se},
                             {"derived", s.derived}});
    }
    out.push_back({{"feature", p.feature},
                   {"label", feature_label(p.feature)},
                   {"summary", pattern_sentence(p.feature, p.studies.size(), p.lift.lift,
                                                p.lift.ci_low, p.lift.ci_high, p.meta.i2)},
                   {"scope", p.scope},
                   {"tests", p.studies.size()},
                   {"derived_tests", derived},
                   {"pooled_lift", number(p.lift.lift)},
                   {"ci_low", number(p.lift.ci_low)},
                   {"ci_high", number(p.lift.ci_high)},
                   {"prediction_low", number(p.lift.prediction_low)},
                   {"prediction_high", number(p.lift.prediction_high)},
                   {"i2", number(p.meta.i2)},
                   {"tau2", number(p.meta.tau2)},
                   {"win_rate", number(p.win_rate)},
                   {"evidence", number(p.evidence)},
                   {"reuses", p.reuses},
                   {"experiments", std::move(experiments)},
                   {"experiments_omitted",
                    p.studies.size() - std::min(p.studies.size(), experiments_limit)}});
  }
  const auto context_json = [](const PatternFilter& f) {
    const auto or_null = [](const std::optional<std::string>& v) {
      return v ? json(*v) : json(nullptr);
    };
    return json{{"channel", or_null(f.channel)},
                {"segment", or_null(f.segment)},
                {"metric", or_null(f.metric)}};
  };
  json answer = {{"patterns", std::move(out)},
                 {"context", context_json(mined.context)},
                 {"requested_context", context_json(filter)},
                 {"fallback", mined.fallback.empty() ? json(nullptr) : json(mined.fallback)}};
  if (mined.patterns.empty()) {
    answer["status"] = "insufficient_evidence";
    answer["message"] = "no feature has " + std::to_string(filter.min_tests) +
                        " or more concluded tests in this context or any broader one";
  } else if (!mined.fallback.empty()) {
    std::string where;
    if (mined.fallback == "parent_segment") {
      where = "the parent segment \"" + mined.context.segment.value_or("") + "\"";
    } else if (mined.fallback == "any_segment") {
      where = "every segment";
    } else {
      where = "every segment and channel";
    }
    answer["status"] = "ok";
    answer["message"] = "too few tests in the context asked for: these patterns come from " + where;
  } else {
    answer["status"] = "ok";
  }
  return answer;
}

Result<json> InsightsService::forecast(const DraftTest& draft,
                                       const std::vector<CandidateVariant>& candidates,
                                       const ForecastOptions& options) {
  if (candidates.empty()) {
    return Status::unprocessable(
        "no_candidates",
        "a forecast ranks candidate variants: give \"candidates\": [{\"name\", \"text\"}, ...]; "
        "what similar past tests achieved is POST /v1/recommendations/similar-tests");
  }
  std::vector<std::string> names;
  for (const CandidateVariant& candidate : candidates) names.push_back(candidate.name);
  std::optional<size_t> control;
  if (!options.control.empty()) {
    auto it = std::find(names.begin(), names.end(), options.control);
    if (it == names.end()) {
      return Status::unprocessable("unknown_control",
                                   "\"control\" names no candidate: \"" + options.control + "\"");
    }
    control = static_cast<size_t>(it - names.begin());
  }
  auto snapshot = this->snapshot();
  if (!snapshot.ok()) return snapshot.status();
  const ExperimentCatalog& c = *snapshot->catalog;
  // The learned model: never waits for a training. A retrain due since the last snapshot starts
  // here if none ran; a past as_of gets the newest kept model cut off by then, or starts one.
  keeper_.refresh(snapshot->catalog);
  const ForecastModelKeeper::AsOfModel chosen = keeper_.model_as_of(snapshot->catalog, draft.as_of);
  // The prior's similar tests need the best text hits only (the draft's k of them are kept):
  // fewer hits than the similar-tests route asks for keep the route within its time budget.
  // When the model answers, the prior is only reported beside it, and the hypothesis search
  // takes the vector path alone: the hybrid search's BM25 walks the whole posting list of every
  // common word of the hypothesis, most of the route's time at the archive's size
  // (docs/insights.md). With the client embedder a vector search needs the client's embedding,
  // which a draft does not carry: the hybrid search then stays.
  const bool vector_path = chosen.model != nullptr && similarity_ != nullptr &&
                           similarity_->embedder_id().rfind("client", 0) != 0;
  auto text =
      text_scores(c, draft, std::max<size_t>(kForecastTextHits, 3 * draft.k),
                  vector_path ? similarity::SearchMode::kVector : similarity::SearchMode::kHybrid);
  if (!text.ok()) return text.status();
  const std::vector<Recommendation> similar = recommend_similar_tests(c, draft, text->scores);
  const AssetTextIndex& asset_index = *snapshot->asset_text;
  std::vector<std::vector<AssetMatch>> matches;
  for (const CandidateVariant& candidate : candidates) {
    matches.push_back(asset_index.matches(candidate.text, kTextHits));
  }
  const bool lower_is_better = draft.metric && c.lower_is_better(*draft.metric);
  ForecastOptions pooling = options;
  pooling.lower_is_better = lower_is_better;
  const Forecast f = insights::forecast(c, similar, names, matches, pooling);

  json model_json;
  std::vector<CandidatePrediction> learned;
  if (!chosen.model) {
    model_json = {{"status", keeper_.training() ? "training" : "insufficient_evidence"},
                  {"reason", chosen.reason.empty() ? json(nullptr) : json(chosen.reason)}};
  } else {
    const ForecastModel& m = *chosen.model;
    model_json = {{"status", "ok"},
                  {"cutoff", m.cutoff},
                  {"trained_at", m.trained_at},
                  {"learner", learner_name(m.settings.learner.learner)},
                  {"experiments", m.experiments},
                  {"pairs", m.pairs}};
    if (!draft.as_of.empty()) model_json["as_of"] = draft.as_of;
    TestContext context;
    if (draft.channel) context.channels = {*draft.channel};
    if (draft.segment) context.segments = c.lineage(*draft.segment);
    if (draft.metric) context.metrics = {*draft.metric};
    std::vector<std::vector<NamedFeature>> features;
    for (const CandidateVariant& candidate : candidates) {
      AssetFacts asset;
      asset.text = candidate.text;
      if (draft.asset_kinds.size() == 1) asset.kind = draft.asset_kinds.front();
      features.push_back(arm_feature_names({&asset}, context, m.settings.features));
    }
    add_set_features(m.settings.features, features);
    learned = predict_candidates(m, features, 2 * kContributions, control);
    if (lower_is_better) express_for_lower_is_better(learned);
  }

  // Evidence: past arms with near-identical text (a meta-analytic number), or words the model
  // has seen in past tests. A candidate without it is ranked after every candidate with it and
  // is never among best_candidates.
  std::vector<bool> evidenced(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    evidenced[i] =
        f.candidates[i].estimate.sufficient || (!learned.empty() && learned[i].known_words > 0);
  }
  // The ranking key: the model's P(best), else the meta-analytic log-lift (the prior's for a
  // candidate without a number, as top_candidates does), negated on a metric where lower is
  // better.
  const double better = lower_is_better ? -1.0 : 1.0;
  std::vector<double> key(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    const Estimate& e = f.candidates[i].estimate;
    key[i] = !learned.empty() ? learned[i].p_best
             : e.sufficient   ? better * e.log_lift
                              : better * (f.prior.sufficient ? f.prior.log_lift : 0.0);
  }
  std::vector<size_t> order(candidates.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (evidenced[a] != evidenced[b]) return static_cast<bool>(evidenced[a]);
    return key[a] > key[b];
  });
  std::vector<size_t> rank(candidates.size());
  for (size_t r = 0; r < order.size(); ++r) rank[order[r]] = r + 1;

  json rendered = json::array();
  for (size_t i = 0; i < f.candidates.size(); ++i) {
    const CandidateForecast& candidate = f.candidates[i];
    json estimate = estimate_json(c, candidate.estimate);
    if (candidate.raw_lift) estimate["unshrunk_lift"] = number(*candidate.raw_lift);
    json entry = {
        {"name", candidate.name},
        {"rank", rank[i]},
        {"evidence",
         {{"has_evidence", static_cast<bool>(evidenced[i])},
          {"past_tests", candidate.estimate.tests},
          {"known_words", learned.empty() ? json(nullptr) : json(learned[i].known_words)}}},
        {"forecast", std::move(estimate)},
        {"closest_tests", closest_tests(c, matches[i], draft.as_of)}};
    if (!learned.empty()) entry.update(learned_candidate(learned[i], names, i, options.control));
    entry["summary"] = candidate_sentence(
        candidate_facts(candidate, learned.empty() ? nullptr : &learned[i], rank[i],
                        candidates.size(), evidenced[i], options));
    rendered.push_back(std::move(entry));
  }
  // The top candidate(s) among those with evidence (ties all named); none without evidence.
  json ranked = json::array();
  if (evidenced[order.front()]) {
    for (size_t i : order) {
      if (evidenced[i] && key[i] == key[order.front()]) ranked.push_back(names[i]);
    }
  }
  json tests = json::array();
  for (const Recommendation& r : similar) tests.push_back(c.experiments[r.experiment].key);
  json out = {{"prior", estimate_json(c, f.prior)},
              {"candidates", std::move(rendered)},
              {"best_candidates", std::move(ranked)},
              {"similar_tests", std::move(tests)},
              {"min_tests", options.min_tests},
              {"model", std::move(model_json)},
              {"method", learned.empty() ? "meta_analysis" : "learned_model"},
              {"combination", kCombination}};
  if (control) out["control"] = options.control;
  return out;
}

Result<json> InsightsService::program(const ProgramFilter& filter) {
  auto snapshot = this->snapshot();
  if (!snapshot.ok()) return snapshot.status();
  const ProgramMetrics m = program_metrics(*snapshot->catalog, filter);
  auto optional = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
  auto share = [](size_t part, size_t whole) {
    return whole > 0 ? json(static_cast<double>(part) / whole) : json(nullptr);
  };
  json months = json::array();
  for (const MonthActivity& a : m.months) {
    months.push_back({{"month", a.month},
                      {"started", a.started},
                      {"concluded", a.concluded},
                      {"wins", a.wins},
                      {"win_rate", share(a.wins, a.concluded)},
                      {"with_learning", a.with_learning},
                      {"learning_share", share(a.with_learning, a.concluded)},
                      {"decisions_timed", a.decisions_timed},
                      {"median_days_approval_to_decision", optional(a.median_days_to_decision)}});
  }
  return json{{"months", std::move(months)},
              {"started", m.started},
              {"concluded", m.concluded},
              {"wins", m.wins},
              {"win_rate", optional(m.win_rate)},
              {"with_learning", m.with_learning},
              {"learning_share", optional(m.learning_share)},
              {"decisions_timed", m.decisions_timed},
              {"median_days_approval_to_decision", optional(m.median_days_to_decision)},
              {"pattern_reuses", m.pattern_reuses},
              {"unplaced",
               {{"concluded", m.unplaced},
                {"reason",
                 "concluded experiments without decided_on or ended_at cannot be placed in time: "
                 "they are not in 'concluded' or 'months', whatever from and to are"},
                {"examples", m.unplaced_examples}}}};
}

}  // namespace expgraph::insights
