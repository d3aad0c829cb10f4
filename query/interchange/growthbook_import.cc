#include "query/interchange/growthbook_import.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "ontology/json_text.h"

namespace expgraph::interchange {

namespace {

using nlohmann::json;

// GrowthBook's default significance level and Bayesian decision threshold (its organisation
// defaults: p < 0.05; chance to beat control above 95% or below 5%).
constexpr double kAlpha = 0.05;
constexpr double kChanceThreshold = 0.95;

std::string text_of(const json& object, const char* name) {
  auto found = object.find(name);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// The array `name` of `object`, or an empty one: a reference that outlives the call (json's
// value() would return a copy, and pointers into it would dangle).
const json& array_of(const json& object, const char* name) {
  static const json kEmpty = json::array();
  if (!object.is_object()) return kEmpty;
  auto found = object.find(name);
  return found != object.end() && found->is_array() ? *found : kEmpty;
}

std::optional<double> number_of(const json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end() || !found->is_number()) return std::nullopt;
  double value = found->get<double>();
  return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

// Lower-case letters, digits and '-' ('_' and others become '-'), for keys built from ids.
std::string key_part(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.';
    if (keep) {
      out.push_back(c);
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "x" : out;
}

// "2024-03-01T00:00:00.000Z" -> "2024-03-01"; "" when it does not start with a date.
std::string date_part(const std::string& timestamp) {
  if (timestamp.size() < 10 || timestamp[4] != '-' || timestamp[7] != '-') return "";
  return timestamp.substr(0, 10);
}

std::string percent_text(double fraction) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%+.1f%%", 100 * fraction);
  return buffer;
}

// Six significant digits: stored figures read cleanly and compare exactly across imports.
double rounded(double x) {
  if (!std::isfinite(x) || x == 0) return x;
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.6g", x);
  return std::strtod(buffer, nullptr);
}

// Emits each node and edge once, in the order given.
class LineEmitter {
 public:
  explicit LineEmitter(const LineSink& sink) : sink_(sink) {}

  Status node(const std::string& type, const std::string& key, json properties) {
    if (!nodes_.insert(type + "/" + key).second) return Status();
    return sink_(json{{"node", {{"type", type}, {"key", key}, {"properties", std::move(properties)}}}});
  }
  Status edge(const std::string& type, const std::string& from, const std::string& to,
              json properties = json::object()) {
    if (!edges_.insert(type + " " + from + " " + to).second) return Status();
    return sink_(json{{"edge",
                       {{"type", type}, {"from", from}, {"to", to}, {"properties", std::move(properties)}}}});
  }

 private:
  const LineSink& sink_;
  std::set<std::string> nodes_;
  std::set<std::string> edges_;
};

// An experiment with the results documents found for it.
struct ExperimentEntry {
  json experiment;
  std::vector<json> results;
};

// The documents of the input, gathered by experiment id (first seen first).
struct Gathered {
  std::vector<std::string> order;
  std::map<std::string, ExperimentEntry> by_id;
  std::vector<json> orphan_results;  // results whose experiment is not in the input
  size_t documents = 0;
};

void gather(const json& value, Gathered& out, GrowthbookStats& stats, size_t depth = 0);

void add_experiment(const json& experiment, Gathered& out, GrowthbookStats& stats) {
  ++stats.experiments_read;
  std::string id = text_of(experiment, "id");
  std::string place = "experiment #" + std::to_string(stats.experiments_read);
  if (id.empty()) {
    ++stats.experiments_skipped;
    stats.warnings.push_back(place + ": skipped, no \"id\"");
    return;
  }
  auto [it, inserted] = out.by_id.try_emplace(id);
  if (inserted) out.order.push_back(id);
  // A later copy (a results answer repeats its experiment) replaces an earlier one only when it
  // is newer: the list and the results answers may have been fetched at different times.
  if (inserted || text_of(experiment, "dateUpdated") >= text_of(it->second.experiment, "dateUpdated")) {
    it->second.experiment = experiment;
  }
  if (!inserted) --stats.experiments_read;  // the same experiment again: counted once
}

void add_results(const json& result, Gathered& out, GrowthbookStats& stats) {
  ++stats.results_read;
  std::string id = text_of(result, "experimentId");
  auto it = out.by_id.find(id);
  if (it == out.by_id.end()) {
    out.orphan_results.push_back(result);
  } else {
    it->second.results.push_back(result);
  }
}

void gather(const json& value, Gathered& out, GrowthbookStats& stats, size_t depth) {
  if (value.is_array() && depth == 0) {
    for (const json& item : value) gather(item, out, stats, depth + 1);
    return;
  }
  if (!value.is_object()) return;
  if (value.contains("experiments") && value["experiments"].is_array()) {
    ++out.documents;
    for (const json& experiment : value["experiments"]) {
      if (experiment.is_object()) {
        add_experiment(experiment, out, stats);
      } else {
        ++stats.experiments_read;
        ++stats.experiments_skipped;
        stats.warnings.push_back("experiment #" + std::to_string(stats.experiments_read) +
                                 ": skipped, not an object");
      }
    }
  } else if (value.contains("experiment") && value["experiment"].is_object()) {
    ++out.documents;
    add_experiment(value["experiment"], out, stats);
    if (value.contains("result") && value["result"].is_object()) {
      add_results(value["result"], out, stats);
    }
  } else if (value.contains("experimentId") && value.contains("results")) {
    ++out.documents;
    add_results(value, out, stats);
  } else if (value.contains("variations") && value.contains("id")) {
    ++out.documents;
    add_experiment(value, out, stats);
  }
}

// Results answers fetched before their experiment appears later in the input.
void attach_orphans(Gathered& out, GrowthbookStats& stats) {
  for (json& result : out.orphan_results) {
    auto it = out.by_id.find(text_of(result, "experimentId"));
    if (it != out.by_id.end()) {
      it->second.results.push_back(std::move(result));
    } else {
      stats.warnings.push_back("results " + text_of(result, "id") + ": skipped, experiment \"" +
                               text_of(result, "experimentId") + "\" is not in the input");
    }
  }
}

struct VariationInfo {
  std::string id;
  std::string name;
  std::string ref;  // "Variant/<key>"
};

class ExperimentMapper {
 public:
  ExperimentMapper(const ExperimentEntry& entry, LineEmitter& out, GrowthbookStats& stats)
      : gb_(entry.experiment), results_(entry.results), out_(out), stats_(stats) {
    id_ = text_of(gb_, "id");
    key_ = "gb-" + key_part(id_);
    ref_ = "Experiment/" + key_;
  }

  Status map() {
    std::string missing;
    if (text_of(gb_, "name").empty()) missing = "name";
    if (!gb_.contains("variations") || !gb_["variations"].is_array() ||
        gb_["variations"].size() < 2) {
      missing = missing.empty() ? "variations (two or more)" : missing;
    }
    if (!missing.empty()) {
      ++stats_.experiments_skipped;
      stats_.warnings.push_back("experiment " + id_ + ": skipped, no " + missing);
      return Status();
    }
    const json summary = gb_.value("resultSummary", json::object());
    summary_status_ = text_of(summary, "status");
    has_results_ = false;
    for (const json& result : results_) {
      if (result.contains("results") && result["results"].is_array() && !result["results"].empty()) {
        has_results_ = true;
      }
    }

    EXPGRAPH_RETURN_IF_ERROR(emit_context());
    EXPGRAPH_RETURN_IF_ERROR(emit_experiment());
    EXPGRAPH_RETURN_IF_ERROR(emit_variants());
    EXPGRAPH_RETURN_IF_ERROR(emit_metrics());
    for (const json& result : results_) EXPGRAPH_RETURN_IF_ERROR(emit_results(result));
    return emit_learning(summary);
  }

 private:
  // Team, data source and hypothesis: nodes the experiment links to.
  Status emit_context() {
    std::string owner = text_of(gb_, "owner");
    std::string email = text_of(gb_, "ownerEmail");
    if (!owner.empty() || !email.empty()) {
      std::string who = !email.empty() ? email : owner;
      team_ref_ = "Team/gb-team-" + key_part(who);
      json team = {{"name", owner.empty() ? email : owner}};
      if (!email.empty()) team["email"] = email;
      EXPGRAPH_RETURN_IF_ERROR(out_.node("Team", team_ref_.substr(5), std::move(team)));
    }
    std::string datasource;
    if (gb_.contains("settings") && gb_["settings"].is_object()) {
      datasource = text_of(gb_["settings"], "datasourceId");
    }
    std::string source_key = datasource.empty() ? "growthbook" : "growthbook-" + key_part(datasource);
    source_ref_ = "DataSource/" + source_key;
    json source = {{"name", datasource.empty() ? std::string("GrowthBook")
                                                : "GrowthBook data source " + datasource},
                   {"kind", "experimentation_platform"},
                   {"description", "Experiments and results imported from GrowthBook's REST API."}};
    EXPGRAPH_RETURN_IF_ERROR(out_.node("DataSource", source_key, std::move(source)));

    std::string statement = text_of(gb_, "hypothesis");
    if (!statement.empty()) {
      hypothesis_ref_ = "Hypothesis/" + key_ + "-hypothesis";
      json hypothesis = {{"statement", statement},
                         {"name", text_of(gb_, "name")},
                         {"status", hypothesis_status()}};
      if (gb_.contains("tags") && gb_["tags"].is_array()) hypothesis["tags"] = gb_["tags"];
      std::string created = date_part(text_of(gb_, "dateCreated"));
      if (!created.empty()) hypothesis["created_on"] = created;
      EXPGRAPH_RETURN_IF_ERROR(out_.node("Hypothesis", key_ + "-hypothesis", std::move(hypothesis)));
    }
    return Status();
  }

  std::string hypothesis_status() const {
    std::string status = text_of(gb_, "status");
    if (status == "draft") return "approved";
    if (status == "running") return "testing";
    if (summary_status_ == "won") return "validated";
    if (summary_status_ == "lost") return "refuted";
    if (summary_status_ == "inconclusive") return "inconclusive";
    return "testing";
  }

  // Concluded needs a decision and a Result (the ontology's governance): a stopped experiment
  // without results in the input stays "stopped".
  std::string experiment_status() const {
    std::string status = text_of(gb_, "status");
    if (status == "draft") return "planned";
    if (status == "running") return "running";
    if (!decision().empty() && has_results_) return "concluded";
    return "stopped";
  }

  std::string decision() const {
    if (summary_status_ == "won") return "ship";
    if (summary_status_ == "lost") return "abandon";
    if (summary_status_ == "inconclusive") return "iterate";
    return "";  // "dnf" (did not finish) or no summary: nothing was decided
  }

  std::string phases_text(std::string& started, std::string& ended) const {
    std::string text;
    if (!gb_.contains("phases") || !gb_["phases"].is_array()) return text;
    const json& phases = gb_["phases"];
    for (size_t i = 0; i < phases.size(); ++i) {
      const json& phase = phases[i];
      if (!phase.is_object()) continue;
      std::string from = date_part(text_of(phase, "dateStarted"));
      std::string to = date_part(text_of(phase, "dateEnded"));
      if (started.empty()) started = from;
      if (!to.empty()) ended = to;
      text += "Phase " + std::to_string(i + 1);
      std::string name = text_of(phase, "name");
      if (!name.empty()) text += " (" + name + ")";
      text += ": " + (from.empty() ? std::string("?") : from) + " to " +
              (to.empty() ? std::string("ongoing") : to);
      if (auto coverage = number_of(phase, "coverage")) {
        text += ", " + std::to_string(static_cast<int>(std::lround(*coverage * 100))) +
                "% of traffic";
      }
      std::string reason = text_of(phase, "reasonForStopping");
      if (!reason.empty()) text += ", stopped: " + reason;
      text += ". ";
    }
    // A last phase still running: the experiment has not ended.
    if (!phases.empty() && phases.back().is_object() && text_of(phases.back(), "dateEnded").empty()) {
      ended.clear();
    }
    return text;
  }

  Status emit_experiment() {
    json experiment = {{"name", text_of(gb_, "name")},
                       {"status", experiment_status()},
                       {"external_id", id_}};
    std::string type = text_of(gb_, "type");
    experiment["kind"] = type == "multi-armed-bandit" ? "bandit"
                         : type == "holdout"          ? "holdout"
                         : gb_["variations"].size() > 2 ? "multivariate"
                                                        : "ab";
    std::string started, ended;
    std::string phases = phases_text(started, ended);
    std::string description = text_of(gb_, "description");
    if (!phases.empty()) {
      description += (description.empty() ? "" : "\n\n") + phases;
      while (!description.empty() && description.back() == ' ') description.pop_back();
    }
    if (!description.empty()) experiment["description"] = description;
    if (!started.empty()) experiment["started_at"] = started;
    if (!ended.empty() && experiment["status"] != "running") experiment["ended_at"] = ended;
    std::string decided = decision();
    if (!decided.empty()) {
      experiment["decision"] = decided;
      if (!ended.empty()) experiment["decided_on"] = ended;
    }
    experiment["lift_baseline"] = "control";
    experiment["alpha"] = kAlpha;
    json tags = gb_.contains("tags") && gb_["tags"].is_array() ? gb_["tags"] : json::array();
    if (gb_.value("archived", false)) tags.push_back("archived");
    if (!tags.empty()) experiment["tags"] = tags;
    json flags = json::array();
    for (const json& result : results_) {
      for (const json& row : result.value("results", json::array())) {
        auto srm = row.is_object() && row.contains("checks") && row["checks"].is_object()
                       ? number_of(row["checks"], "srm")
                       : std::nullopt;
        if (srm && *srm < 0.001 && flags.empty()) flags.push_back("sample_ratio_mismatch");
      }
    }
    if (!flags.empty()) experiment["flags"] = flags;
    EXPGRAPH_RETURN_IF_ERROR(out_.node("Experiment", key_, std::move(experiment)));
    EXPGRAPH_RETURN_IF_ERROR(out_.edge("SOURCED_FROM", ref_, source_ref_));
    if (!team_ref_.empty()) EXPGRAPH_RETURN_IF_ERROR(out_.edge("OWNED_BY", ref_, team_ref_));
    if (!hypothesis_ref_.empty()) {
      EXPGRAPH_RETURN_IF_ERROR(out_.edge("TESTS", ref_, hypothesis_ref_));
      if (!team_ref_.empty()) EXPGRAPH_RETURN_IF_ERROR(out_.edge("OWNED_BY", hypothesis_ref_, team_ref_));
    }
    return Status();
  }

  Status emit_variants() {
    // Allocation from the last phase's traffic split.
    std::map<std::string, double> weights;
    if (gb_.contains("phases") && gb_["phases"].is_array() && !gb_["phases"].empty() &&
        gb_["phases"].back().is_object()) {
      for (const json& split : gb_["phases"].back().value("trafficSplit", json::array())) {
        if (!split.is_object()) continue;
        if (auto weight = number_of(split, "weight")) weights[text_of(split, "variationId")] = *weight;
      }
    }
    const json& variations = gb_["variations"];
    for (size_t i = 0; i < variations.size(); ++i) {
      const json& variation = variations[i];
      std::string id = variation.is_object() ? text_of(variation, "variationId") : "";
      if (id.empty()) id = variation.is_object() ? text_of(variation, "key") : "";
      if (id.empty()) id = std::to_string(i);
      std::string name = variation.is_object() ? text_of(variation, "name") : "";
      if (name.empty()) name = i == 0 ? "Control" : "Variation " + std::to_string(i);
      VariationInfo info{id, name, "Variant/" + key_ + "-" + key_part(id)};
      json variant = {{"name", name}, {"is_control", i == 0}, {"external_id", id}};
      std::string description = variation.is_object() ? text_of(variation, "description") : "";
      if (!description.empty()) variant["description"] = description;
      if (variation.is_object() && variation.contains("key")) {
        variant["config"] = {{"growthbook_key", variation["key"]}};
      }
      if (auto weight = weights.find(id); weight != weights.end()) {
        variant["allocation"] = rounded(weight->second);
      }
      EXPGRAPH_RETURN_IF_ERROR(out_.node("Variant", info.ref.substr(8), std::move(variant)));
      EXPGRAPH_RETURN_IF_ERROR(
          out_.edge("HAS_VARIANT", ref_, info.ref, {{"position", static_cast<int64_t>(i)}}));
      variations_.push_back(std::move(info));
    }
    return Status();
  }

  // Metrics named by the settings (with their role) and by the results (with their names).
  Status emit_metrics() {
    std::map<std::string, std::string> roles;
    if (gb_.contains("settings") && gb_["settings"].is_object()) {
      const json& settings = gb_["settings"];
      for (auto [list, role] : {std::pair{"goals", "primary"}, std::pair{"secondaryMetrics", "secondary"},
                                std::pair{"guardrails", "guardrail"}}) {
        for (const json& metric : settings.value(list, json::array())) {
          std::string id = metric.is_object() ? text_of(metric, "metricId") : "";
          if (!id.empty() && !roles.count(id)) {
            roles[id] = role;
            metric_order_.push_back(id);
          }
        }
      }
    }
    std::map<std::string, std::string> names;
    for (const json& result : results_) {
      for (const json& row : result.value("results", json::array())) {
        if (!row.is_object()) continue;
        for (const json& metric : row.value("metrics", json::array())) {
          std::string id = metric.is_object() ? text_of(metric, "metricId") : "";
          if (id.empty()) continue;
          if (!names.count(id) || names[id].empty()) names[id] = text_of(metric, "metricName");
          if (!roles.count(id)) {
            roles[id] = "secondary";
            metric_order_.push_back(id);
          }
        }
      }
    }
    for (const std::string& id : metric_order_) {
      std::string name = names.count(id) && !names[id].empty() ? names[id] : id;
      metric_names_[id] = name;
      std::string key = "gb-" + key_part(id);
      EXPGRAPH_RETURN_IF_ERROR(out_.node(
          "Metric", key, {{"name", name}, {"description", "GrowthBook metric " + id}}));
      EXPGRAPH_RETURN_IF_ERROR(out_.edge("MEASURES", ref_, "Metric/" + key, {{"role", roles[id]}}));
    }
    if (!metric_order_.empty()) primary_metric_ = metric_order_.front();
    return Status();
  }

  const VariationInfo* variation(const std::string& id) const {
    for (const VariationInfo& info : variations_) {
      if (info.id == id) return &info;
    }
    return nullptr;
  }

  // The analysis to read: the experiment's engine when present, else the first one.
  static const json* pick_analysis(const json& analyses, const std::string& engine) {
    const json* first = nullptr;
    for (const json& analysis : analyses) {
      if (!analysis.is_object()) continue;
      if (first == nullptr) first = &analysis;
      if (text_of(analysis, "engine") == engine) return &analysis;
    }
    return first;
  }

  Status emit_results(const json& result) {
    std::string engine;
    if (result.contains("settings") && result["settings"].is_object()) {
      engine = text_of(result["settings"], "statsEngine");
    }
    if (engine.empty() && gb_.contains("settings") && gb_["settings"].is_object()) {
      engine = text_of(gb_["settings"], "statsEngine");
    }
    std::string phase = result.contains("phase") && result["phase"].is_string()
                            ? result["phase"].get<std::string>()
                            : "";
    const bool several_phases = gb_.contains("phases") && gb_["phases"].is_array() &&
                                gb_["phases"].size() > 1;
    std::string dimension_type;
    if (result.contains("dimension") && result["dimension"].is_object()) {
      dimension_type = text_of(result["dimension"], "type");
    }
    for (const json& row : result.value("results", json::array())) {
      if (!row.is_object()) continue;
      std::string dimension = text_of(row, "dimension");
      const bool overall = dimension.empty() || dimension == "All" || dimension_type.empty() ||
                           dimension_type == "none";
      std::string suffix = several_phases && !phase.empty() ? "-p" + key_part(phase) : "";
      std::string segment_ref;
      if (!overall) {
        std::string segment_key = key_ + "-" + key_part(dimension_type) + "-" + key_part(dimension);
        segment_ref = "Segment/" + segment_key;
        suffix += "-" + key_part(dimension_type) + "-" + key_part(dimension);
        EXPGRAPH_RETURN_IF_ERROR(out_.node(
            "Segment", segment_key,
            {{"name", "GrowthBook " + dimension_type + " = " + dimension},
             {"definition", dimension_type + " = '" + dimension + "' (GrowthBook dimension)"},
             {"criteria", {{dimension_type, dimension}}}}));
      }
      for (const json& metric : row.value("metrics", json::array())) {
        EXPGRAPH_RETURN_IF_ERROR(emit_metric_rows(metric, engine, phase, suffix, segment_ref));
      }
    }
    return Status();
  }

  Status emit_metric_rows(const json& metric, const std::string& engine, const std::string& phase,
                          const std::string& suffix, const std::string& segment_ref) {
    if (!metric.is_object()) return Status();
    std::string metric_id = text_of(metric, "metricId");
    if (metric_id.empty()) return Status();
    const json variations = metric.value("variations", json::array());
    // The control's figures: the first variation of the experiment.
    std::optional<double> control_mean;
    std::string control_name = variations_.front().name;
    for (const json& row : variations) {
      if (row.is_object() && text_of(row, "variationId") == variations_.front().id) {
        const json* analysis = pick_analysis(array_of(row, "analyses"), engine);
        if (analysis) control_mean = number_of(*analysis, "mean");
      }
    }
    for (const json& row : variations) {
      if (!row.is_object()) continue;
      std::string variation_id = text_of(row, "variationId");
      const VariationInfo* info = variation(variation_id);
      std::string place = "experiment " + id_ + ", metric " + metric_id + ", variation " +
                          variation_id;
      if (info == nullptr) {
        ++stats_.results_skipped;
        stats_.warnings.push_back(place + ": skipped, not a variation of the experiment");
        continue;
      }
      const bool is_control = info == &variations_.front();
      const json* analysis = pick_analysis(array_of(row, "analyses"), engine);
      std::string missing;
      for (const char* field : {"numerator", "denominator", "mean", "stddev"}) {
        if (analysis == nullptr || !number_of(*analysis, field)) {
          missing = field;
          break;
        }
      }
      if (missing.empty() && !is_control) {
        for (const char* field : {"percentChange", "ciLow", "ciHigh"}) {
          if (!number_of(*analysis, field)) {
            missing = field;
            break;
          }
        }
      }
      if (!missing.empty()) {
        ++stats_.results_skipped;
        stats_.warnings.push_back(place + ": skipped, no " + missing + " in its analysis");
        continue;
      }
      EXPGRAPH_RETURN_IF_ERROR(emit_result(row, *analysis, *info, is_control, metric_id, phase,
                                           suffix, segment_ref, control_mean, control_name));
    }
    return Status();
  }

  Status emit_result(const json& row, const json& analysis, const VariationInfo& info,
                     bool is_control, const std::string& metric_id,
                     const std::string& phase, const std::string& suffix,
                     const std::string& segment_ref, std::optional<double> control_mean,
                     const std::string& control_name) {
    const double numerator = *number_of(analysis, "numerator");
    const double denominator = *number_of(analysis, "denominator");
    const double mean = *number_of(analysis, "mean");
    const double stddev = *number_of(analysis, "stddev");
    const std::string used_engine = text_of(analysis, "engine");
    double users = number_of(row, "users").value_or(denominator);
    const std::string metric_name = metric_names_.count(metric_id) ? metric_names_[metric_id] : metric_id;
    json properties = {{"name", is_control ? info.name + " (control) on " + metric_name
                                           : info.name + " vs " + control_name + " on " + metric_name},
                       {"users", static_cast<int64_t>(std::llround(users))},
                       {"rate", rounded(mean)}};
    // A proportion metric: whole numerator no larger than the denominator, mean = their ratio
    // and the binomial spread; otherwise a mean metric, whose sum of squares follows from the
    // standard deviation (sample variance).
    const bool whole = std::floor(numerator) == numerator && std::floor(denominator) == denominator;
    const bool binomial = whole && denominator > 0 && numerator <= denominator &&
                          std::fabs(mean - numerator / denominator) < 1e-6 &&
                          std::fabs(stddev - std::sqrt(mean * (1 - mean))) < 1e-3;
    if (binomial) {
      properties["conversions"] = static_cast<int64_t>(numerator);
    } else if (denominator > 0) {
      properties["sum"] = numerator;
      properties["sum_sq"] =
          rounded(stddev * stddev * (denominator - 1) + numerator * numerator / denominator);
    }
    if (control_mean) properties["baseline_rate"] = rounded(*control_mean);
    std::string method = "GrowthBook " + (used_engine.empty() ? std::string("analysis") : used_engine);
    if (!phase.empty()) method += ", phase " + phase;
    if (!is_control) {
      const double lift = *number_of(analysis, "percentChange");
      properties["lift"] = rounded(lift);
      properties["ci_low"] = rounded(*number_of(analysis, "ciLow"));
      properties["ci_high"] = rounded(*number_of(analysis, "ciHigh"));
      properties["confidence_level"] = 0.95;
      auto p_value = number_of(analysis, "pValue");
      auto chance = number_of(analysis, "chanceToBeatControl");
      if (p_value) {
        properties["p_value"] = rounded(*p_value);
        properties["significant"] = *p_value < kAlpha;
      } else if (chance) {
        properties["significant"] = *chance > kChanceThreshold || *chance < 1 - kChanceThreshold;
      }
      if (used_engine == "bayesian" && chance) {
        char chance_text[64];
        std::snprintf(chance_text, sizeof(chance_text), ": chance to beat control %.1f%%",
                      100 * *chance);
        method += chance_text;
      }
      method += used_engine == "bayesian" ? ", 95% credible interval of the relative change"
                                          : ", 95% confidence interval of the relative change";
      if (metric_id == primary_metric_ && segment_ref.empty()) {
        primary_effects_.push_back(info.name + " " + percent_text(lift) + " [" +
                                   percent_text(*number_of(analysis, "ciLow")) + ", " +
                                   percent_text(*number_of(analysis, "ciHigh")) + "]");
      }
    } else {
      method += ": control arm";
    }
    properties["method"] = method;
    std::string key = key_ + "-" + key_part(metric_id) + "-" + key_part(info.id) + suffix;
    std::string result_ref = "Result/" + key;
    EXPGRAPH_RETURN_IF_ERROR(out_.node("Result", key, std::move(properties)));
    EXPGRAPH_RETURN_IF_ERROR(out_.edge("HAS_RESULT", ref_, result_ref));
    EXPGRAPH_RETURN_IF_ERROR(out_.edge("FOR_VARIANT", result_ref, info.ref));
    EXPGRAPH_RETURN_IF_ERROR(out_.edge("ON_METRIC", result_ref, "Metric/gb-" + key_part(metric_id)));
    EXPGRAPH_RETURN_IF_ERROR(out_.edge("SOURCED_FROM", result_ref, source_ref_));
    if (!segment_ref.empty()) EXPGRAPH_RETURN_IF_ERROR(out_.edge("IN_SEGMENT", result_ref, segment_ref));
    return Status();
  }

  Status emit_learning(const json& summary) {
    std::string conclusions = text_of(summary, "conclusions");
    if (conclusions.empty()) return Status();
    std::string key = key_ + "-conclusions";
    json learning = {{"text", conclusions}, {"name", "GrowthBook: " + text_of(gb_, "name")}};
    if (summary_status_ == "won" || summary_status_ == "lost" || summary_status_ == "inconclusive") {
      learning["outcome"] = summary_status_;
    }
    std::string evidence;
    if (!primary_effects_.empty()) {
      std::string metric = metric_names_.count(primary_metric_) ? metric_names_[primary_metric_]
                                                                : primary_metric_;
      evidence = metric + ": ";
      for (size_t i = 0; i < primary_effects_.size(); ++i) {
        evidence += (i ? "; " : "") + primary_effects_[i];
      }
      evidence += " (relative change against the control, 95% interval).";
    }
    std::string released = text_of(summary, "releasedVariationId");
    if (const VariationInfo* info = variation(released)) {
      evidence += (evidence.empty() ? "" : " ") + std::string("Released: ") + info->name + ".";
    }
    if (!evidence.empty()) learning["evidence"] = evidence;
    if (gb_.contains("tags") && gb_["tags"].is_array() && !gb_["tags"].empty()) {
      learning["tags"] = gb_["tags"];
    }
    std::string updated = date_part(text_of(gb_, "dateUpdated"));
    if (!updated.empty()) learning["created_on"] = updated;
    EXPGRAPH_RETURN_IF_ERROR(out_.node("Learning", key, std::move(learning)));
    std::string learning_ref = "Learning/" + key;
    EXPGRAPH_RETURN_IF_ERROR(out_.edge("YIELDED", ref_, learning_ref));
    if (!hypothesis_ref_.empty() && (summary_status_ == "won" || summary_status_ == "lost")) {
      EXPGRAPH_RETURN_IF_ERROR(out_.edge(summary_status_ == "won" ? "SUPPORTS" : "CONTRADICTS",
                                         learning_ref, hypothesis_ref_));
    }
    if (!team_ref_.empty()) EXPGRAPH_RETURN_IF_ERROR(out_.edge("OWNED_BY", learning_ref, team_ref_));
    return Status();
  }

  const json& gb_;
  const std::vector<json>& results_;
  LineEmitter& out_;
  GrowthbookStats& stats_;
  std::string id_, key_, ref_;
  std::string team_ref_, source_ref_, hypothesis_ref_;
  std::string summary_status_;
  bool has_results_ = false;
  std::vector<VariationInfo> variations_;
  std::vector<std::string> metric_order_;
  std::map<std::string, std::string> metric_names_;
  std::string primary_metric_;
  std::vector<std::string> primary_effects_;
};

// The input as JSON values: one document, or JSON Lines of them.
Result<std::vector<json>> read_documents(std::string_view text) {
  std::vector<json> documents;
  auto whole = parse_json_text(text);
  if (whole.ok()) {
    documents.push_back(std::move(whole).value());
    return documents;
  }
  std::istringstream lines{std::string(text)};
  size_t number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto value = parse_json_text(line);
    if (!value.ok()) {
      Status error = number == 1 ? whole.status() : value.status();
      error.prepend(number == 1 ? std::string("growthbook: the file is neither JSON nor JSON Lines")
                                : "growthbook: line " + std::to_string(number));
      return error;
    }
    documents.push_back(std::move(value).value());
  }
  return documents;
}

}  // namespace

Result<GrowthbookStats> convert_growthbook(std::string_view text, const LineSink& sink) {
  auto documents = read_documents(text);
  if (!documents.ok()) return documents.status();
  GrowthbookStats stats;
  Gathered gathered;
  for (const json& document : *documents) gather(document, gathered, stats);
  if (gathered.documents == 0) {
    return Status::invalid_argument(
        "growthbook: no GrowthBook document found (expected {\"experiments\": [...]} or "
        "{\"experiment\": {...}, \"result\": {...}})");
  }
  attach_orphans(gathered, stats);
  LineEmitter out(sink);
  for (const std::string& id : gathered.order) {
    ExperimentMapper mapper(gathered.by_id.at(id), out, stats);
    EXPGRAPH_RETURN_IF_ERROR(mapper.map());
  }
  return stats;
}

}  // namespace expgraph::interchange
