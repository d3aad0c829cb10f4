// The stored form of a ForecastModel: its metadata, settings and calibration as JSON (also the
// model's public description) and the library's model bytes beside it.
// Used by forecast_model_keeper. Pure functions, thread-safe.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "query/insights/learned_forecaster.h"

namespace expgraph::insights {

// {cutoff, trained_at, training_seconds, learner, experiments, pairs, features, learner_options,
//  calibration, validation}
nlohmann::json model_description(const ForecastModel& model);

// The model described by `description` with the library bytes `ranking`. Errors:
// invalid_argument when either is not a stored model.
Result<std::unique_ptr<ForecastModel>> decode_forecast_model(const std::string& description,
                                                             const std::string& ranking);

// Whether two feature options compute the same features (every stored field equal).
bool same_features(const FeatureOptions& a, const FeatureOptions& b);

}  // namespace expgraph::insights
