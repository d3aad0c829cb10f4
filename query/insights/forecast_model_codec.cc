#include "query/insights/forecast_model_codec.h"

namespace expgraph::insights {

using nlohmann::json;

json model_description(const ForecastModel& m) {
  const FeatureOptions& f = m.settings.features;
  const LearnerOptions& l = m.settings.learner;
  json widths = json::object();
  for (const auto& [level, width] : m.calibration.half_widths) {
    widths[std::to_string(static_cast<int>(std::lround(level * 100)))] = width;
  }
  return {{"cutoff", m.cutoff.empty() ? json(nullptr) : json(m.cutoff)},
          {"trained_at", m.trained_at},
          {"learner", learner_name(l.learner)},
          {"experiments", m.experiments},
          {"pairs", m.pairs},
          {"features",
           {{"words", f.words},
            {"bigrams", f.bigrams},
            {"headline", f.headline},
            {"kinds_and_tags", f.kinds_and_tags},
            {"asset_keys", f.asset_keys},
            {"context_crosses", f.context_crosses},
            {"hash_bits", f.hash_bits}}},
          {"learner_options",
           {{"boosted_trees", l.learner == Learner::kBoostedTrees},
            {"weight_by_certainty", l.weight_by_certainty},
            {"c", l.c},
            {"copies", l.copies},
            {"rounds", l.rounds},
            {"depth", l.depth},
            {"eta", l.eta}}},
          {"calibration_share", m.settings.calibration_share},
          {"min_tests", m.settings.min_tests},
          {"calibration",
           {{"temperature", m.calibration.temperature},
            {"slope", m.calibration.slope},
            {"arms", m.calibration.arms},
            {"half_widths", std::move(widths)}}},
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
    m->experiments = d.at("experiments").get<size_t>();
    m->pairs = d.at("pairs").get<size_t>();
    const json& f = d.at("features");
    FeatureOptions& features = m->settings.features;
    features.words = f.at("words");
    features.bigrams = f.at("bigrams");
    features.headline = f.at("headline");
    features.kinds_and_tags = f.at("kinds_and_tags");
    features.asset_keys = f.at("asset_keys");
    features.context_crosses = f.at("context_crosses");
    features.hash_bits = f.at("hash_bits");
    const json& l = d.at("learner_options");
    LearnerOptions& learner = m->settings.learner;
    learner.learner =
        l.at("boosted_trees").get<bool>() ? Learner::kBoostedTrees : Learner::kLogistic;
    learner.weight_by_certainty = l.at("weight_by_certainty");
    learner.c = l.at("c");
    learner.copies = l.at("copies");
    learner.rounds = l.at("rounds");
    learner.depth = l.at("depth");
    learner.eta = l.at("eta");
    m->settings.calibration_share = d.at("calibration_share");
    m->settings.min_tests = d.at("min_tests");
    const json& c = d.at("calibration");
    m->calibration.temperature = c.at("temperature");
    m->calibration.slope = c.at("slope");
    m->calibration.arms = c.at("arms");
    for (const auto& [level, width] : c.at("half_widths").items()) {
      m->calibration.half_widths.push_back({std::stod(level) / 100, width.get<double>()});
    }
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

}  // namespace expgraph::insights
