#include "query/insights/forecast_model_codec.h"

namespace expgraph::insights {

using nlohmann::json;

// The options are stored field by field under their C++ names.
NLOHMANN_JSON_SERIALIZE_ENUM(Learner,
                             {{Learner::kLogistic, "liblinear_logistic"},
                              {Learner::kBoostedTrees, "xgboost_rank_pairwise"},
                              {Learner::kCentredRegression, "liblinear_centred_regression"},
                              {Learner::kBlend, "liblinear_blend"}})
// With defaults: a model stored before the embedding features existed still decodes.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(FeatureOptions, words, bigrams, headline,
                                                kinds_and_tags, asset_keys, context_crosses,
                                                hash_bits, embedding, embedding_scale, embedder_id,
                                                positions, punctuation, set_features)
// With defaults: a model stored before a field existed still decodes.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LearnerOptions, learner, weight_by_certainty, c, l1,
                                                copies, pairwise_c, blend, pairwise_weighted,
                                                rounds, depth, eta, min_child_weight, subsample,
                                                colsample, threads, ndcg)

namespace {

json widths_json(const std::vector<std::pair<double, double>>& widths) {
  json out = json::object();
  for (const auto& [level, width] : widths) {
    out[std::to_string(static_cast<int>(std::lround(level * 100)))] = width;
  }
  return out;
}

std::vector<std::pair<double, double>> widths_of(const json& widths) {
  std::vector<std::pair<double, double>> out;
  for (const auto& [level, width] : widths.items()) {
    out.push_back({std::stod(level) / 100, width.get<double>()});
  }
  return out;
}

}  // namespace

json model_description(const ForecastModel& m) {
  return {{"cutoff", m.cutoff.empty() ? json(nullptr) : json(m.cutoff)},
          {"trained_at", m.trained_at},
          {"training_seconds", m.training_seconds ? json(*m.training_seconds) : json(nullptr)},
          {"learner", learner_name(m.settings.learner.learner)},
          {"experiments", m.experiments},
          {"pairs", m.pairs},
          {"features", m.settings.features},
          {"learner_options", m.settings.learner},
          {"calibration_share", m.settings.calibration_share},
          {"interval_scale", m.settings.interval_scale},
          {"min_tests", m.settings.min_tests},
          {"calibration",
           {{"temperature", m.calibration.temperature},
            {"slope", m.calibration.slope},
            {"arms", m.calibration.arms},
            {"half_widths", widths_json(m.calibration.half_widths)},
            {"control_half_widths", widths_json(m.calibration.control_half_widths)}}},
          {"validation",
           {{"tests", m.validation.tests},
            {"pairs", m.validation.pairs},
            {"pairwise_accuracy", m.validation.accuracy},
            {"log_loss", m.validation.log_loss},
            {"base_log_loss", m.validation.base_log_loss}}}};
}

Result<std::unique_ptr<ForecastModel>> decode_forecast_model(const std::string& description,
                                                             const std::string& ranking) {
  try {
    const json d = json::parse(description);
    auto m = std::make_unique<ForecastModel>();
    m->cutoff = d.at("cutoff").is_null() ? "" : d.at("cutoff").get<std::string>();
    m->trained_at = d.at("trained_at").get<std::string>();
    // Absent from models stored before it was recorded: they decode without it.
    if (auto seconds = d.find("training_seconds"); seconds != d.end() && seconds->is_number()) {
      m->training_seconds = seconds->get<double>();
    }
    m->experiments = d.at("experiments").get<size_t>();
    m->pairs = d.at("pairs").get<size_t>();
    m->settings.features = d.at("features").get<FeatureOptions>();
    m->settings.learner = d.at("learner_options").get<LearnerOptions>();
    m->settings.calibration_share = d.at("calibration_share");
    m->settings.interval_scale = d.value("interval_scale", 1.0);
    m->settings.min_tests = d.at("min_tests");
    const json& c = d.at("calibration");
    m->calibration.temperature = c.at("temperature");
    m->calibration.slope = c.at("slope");
    m->calibration.arms = c.at("arms");
    m->calibration.half_widths = widths_of(c.at("half_widths"));
    // A model stored before intervals against a control existed lacks them: it does not decode
    // and is retrained.
    m->calibration.control_half_widths = widths_of(c.at("control_half_widths"));
    const json& v = d.at("validation");
    m->validation.tests = v.at("tests");
    m->validation.pairs = v.at("pairs");
    m->validation.accuracy = v.at("pairwise_accuracy");
    m->validation.log_loss = v.at("log_loss");
    m->validation.base_log_loss = v.at("base_log_loss");
    auto loaded = RankingModel::load(ranking);
    if (!loaded.ok()) return loaded.status();
    m->ranking = std::move(loaded).value();
    return m;
  } catch (const json::exception& e) {
    return Status::invalid_argument(std::string("not a stored forecast model: ") + e.what());
  }
}

bool same_features(const FeatureOptions& a, const FeatureOptions& b) {
  return json(a) == json(b);
}

}  // namespace expgraph::insights
