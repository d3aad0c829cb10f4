// Hillstrom MineThatData e-mail challenge (2008) -> graph. One randomised three-arm e-mail
// Experiment (control: No E-Mail), Segments from the customer attributes, Results per arm x
// metric x segment against the control, and one Learning per segment and binary metric.
//
// Segment keys: "hillstrom-all" for every customer, and "hillstrom-<dimension>-<slug of the
// value>" for each value of history_segment (history), zip_code (zip), channel (channel),
// newbie (newbie) and the pair mens/womens (merch: mens_only, womens_only, mens_and_womens,
// neither); each is SUBSEGMENT_OF hillstrom-all. Results for all customers carry no IN_SEGMENT
// edge (the ontology's "everyone in the test").
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tools/importers/csv_reader.h"
#include "tools/importers/import_support.h"
#include "tools/importers/importer.h"
#include "tools/importers/item_emitter.h"
#include "tools/importers/shared_metrics.h"

namespace expgraph {
namespace {

using import_internal::ref;
using json = nlohmann::json;
namespace support = import_internal;

const std::string kExperimentKey = "hillstrom-2008";
const std::string kExperimentRef = "Experiment/hillstrom-2008";
const std::string kSourceRef = "DataSource/hillstrom-2008";
const std::string kAllSegmentKey = "hillstrom-all";

struct Arm {
  const char* label;  // the value of the `segment` column
  const char* key;
  const char* name;
};
constexpr std::array<Arm, 3> kArms = {{{"No E-Mail", "no_email", "No E-Mail"},
                                       {"Mens E-Mail", "mens_email", "Mens E-Mail"},
                                       {"Womens E-Mail", "womens_email", "Womens E-Mail"}}};
constexpr size_t kControl = 0;

enum class MetricKind { kVisit, kConversion, kSpend };
struct MetricSpec {
  MetricKind kind;
  const char* key;
  const char* phrase;  // for learnings
};
constexpr std::array<MetricSpec, 3> kMetrics = {
    {{MetricKind::kVisit, "visit", "visit rate"},
     {MetricKind::kConversion, "conversion", "conversion rate"},
     {MetricKind::kSpend, "spend", "spend per customer"}}};

struct ArmStats {
  int64_t users = 0;
  int64_t visits = 0;
  int64_t conversions = 0;
  double spend = 0;
  double spend_sq = 0;
};

struct SegmentInfo {
  std::string name;
  std::string phrase;  // "customers who ..." for learnings
  std::string definition;
  json criteria;
  std::array<ArmStats, 3> arms;
  int64_t size() const { return arms[0].users + arms[1].users + arms[2].users; }
};

struct Row {
  std::string history_segment, zip_code, channel;
  int newbie = 0, mens = 0, womens = 0;
  size_t arm = 0;
  int visit = 0, conversion = 0;
  double spend = 0;
};

// "2) $100 - $200" -> "$100 - $200": the number only orders the bands.
std::string without_rank(const std::string& band) {
  size_t pos = band.find(") ");
  return pos == std::string::npos ? band : band.substr(pos + 2);
}

Result<int> parse_flag(const std::string& text, const char* column) {
  if (text == "0") return 0;
  if (text == "1") return 1;
  return Status::invalid_argument(std::string(column) + " '" + text + "' is not 0 or 1");
}

Result<Row> parse_row(const CsvRow& csv_row, const std::vector<size_t>& c) {
  const auto& f = csv_row.fields;
  Row row;
  row.history_segment = f[c[0]];
  row.zip_code = f[c[3]];
  row.channel = f[c[5]];
  if (row.history_segment.empty() || row.zip_code.empty() || row.channel.empty()) {
    return Status::invalid_argument("empty history_segment, zip_code or channel");
  }
  const char* names[] = {"mens", "womens", "newbie", "visit", "conversion"};
  const size_t indexes[] = {c[1], c[2], c[4], c[7], c[8]};
  int* targets[] = {&row.mens, &row.womens, &row.newbie, &row.visit, &row.conversion};
  for (size_t i = 0; i < 5; ++i) {
    Result<int> flag = parse_flag(f[indexes[i]], names[i]);
    if (!flag.ok()) return flag.status();
    *targets[i] = *flag;
  }
  bool known_arm = false;
  for (size_t i = 0; i < kArms.size(); ++i) {
    if (f[c[6]] == kArms[i].label) {
      row.arm = i;
      known_arm = true;
    }
  }
  if (!known_arm) return Status::invalid_argument("unknown segment (arm) '" + f[c[6]] + "'");
  std::optional<double> spend = support::parse_double(f[c[9]]);
  if (!spend || *spend < 0) {
    return Status::invalid_argument("spend '" + f[c[9]] + "' is not a non-negative number");
  }
  row.spend = *spend;
  return row;
}

// The keys of the segments a row belongs to, creating their descriptions on first sight.
std::vector<std::string> segments_of(const Row& row, std::map<std::string, SegmentInfo>& segments) {
  std::vector<std::string> keys;
  auto add = [&](const std::string& key, auto describe) {
    auto [it, inserted] = segments.try_emplace(key);
    if (inserted) describe(it->second);
    keys.push_back(key);
  };
  add(kAllSegmentKey, [](SegmentInfo& s) {
    s.name = "Hillstrom customers (all)";
    s.phrase = "all customers";
    s.definition = "Customers who purchased within the last twelve months (every row of the data)";
    s.criteria = json::object();
  });
  add("hillstrom-history-" + support::slug(without_rank(row.history_segment)), [&](SegmentInfo& s) {
    const std::string band = without_rank(row.history_segment);
    s.name = "Hillstrom: spent " + band + " in the past year";
    s.phrase = "customers who spent " + band + " in the past year";
    s.definition = "history_segment = '" + row.history_segment + "'";
    s.criteria = {{"history_segment", row.history_segment}};
  });
  add("hillstrom-zip-" + support::slug(row.zip_code), [&](SegmentInfo& s) {
    s.name = "Hillstrom: zip code area " + row.zip_code;
    s.phrase = "customers in " + row.zip_code + " zip codes";
    s.definition = "zip_code = '" + row.zip_code + "'";
    s.criteria = {{"zip_code", row.zip_code}};
  });
  add("hillstrom-channel-" + support::slug(row.channel), [&](SegmentInfo& s) {
    s.name = "Hillstrom: purchased via " + row.channel + " in the past year";
    s.phrase = "customers who purchased via " + row.channel + " in the past year";
    s.definition = "channel = '" + row.channel + "' (purchase channel)";
    s.criteria = {{"channel", row.channel}};
  });
  add(row.newbie == 1 ? "hillstrom-newbie-yes" : "hillstrom-newbie-no", [&](SegmentInfo& s) {
    s.name = row.newbie == 1 ? "Hillstrom: new customers" : "Hillstrom: returning customers";
    s.phrase = row.newbie == 1 ? "new customers (first purchase in the past twelve months)"
                               : "returning customers";
    s.definition = row.newbie == 1 ? "newbie = 1" : "newbie = 0";
    s.criteria = {{"newbie", row.newbie}};
  });
  static const char* const kMerchKeys[2][2] = {{"neither", "womens_only"},
                                               {"mens_only", "mens_and_womens"}};
  static const char* const kMerchPhrases[2][2] = {
      {"bought neither men's nor women's merchandise", "bought women's merchandise only"},
      {"bought men's merchandise only", "bought both men's and women's merchandise"}};
  add(std::string("hillstrom-merch-") + kMerchKeys[row.mens][row.womens], [&](SegmentInfo& s) {
    const std::string phrase = kMerchPhrases[row.mens][row.womens];
    s.name = "Hillstrom: " + phrase + " in the past year";
    s.phrase = "customers who " + phrase + " in the past year";
    s.definition =
        "mens = " + std::to_string(row.mens) + " and womens = " + std::to_string(row.womens);
    s.criteria = {{"mens", row.mens}, {"womens", row.womens}};
  });
  return keys;
}

Status emit_shared_nodes(support::ItemEmitter& out, const std::array<ArmStats, 3>& overall) {
  EXPGRAPH_RETURN_IF_ERROR(out.node(
      "DataSource", "hillstrom-2008",
      {{"name", "MineThatData E-Mail Analytics and Data Mining Challenge (Hillstrom, 2008)"},
       {"kind", "public_dataset"},
       {"citation",
        "MineThatData E-Mail Analytics and Data Mining Challenge, Kevin Hillstrom, 2008"},
       {"licence", "published openly by its author as a public challenge data set"},
       {"description",
        "64,000 customers randomly assigned to a men's merchandise e-mail, a women's merchandise "
        "e-mail or no e-mail, with their attributes and whether they visited, purchased and "
        "how much they spent afterwards."}}));
  EXPGRAPH_RETURN_IF_ERROR(
      out.node("Channel", "email", {{"name", "Email"}, {"category", "owned"}}));
  EXPGRAPH_RETURN_IF_ERROR(support::emit_increasing_metric(
      out, "visit", "Site visit", "binary",
      "Share of exposed users who visit the web site in the experiment's measurement window"));
  EXPGRAPH_RETURN_IF_ERROR(support::emit_increasing_metric(
      out, "conversion", "Conversion", "binary",
      "Share of exposed users who purchase in the experiment's measurement window"));
  EXPGRAPH_RETURN_IF_ERROR(
      out.node("Metric", "spend",
               {{"name", "Spend per user"},
                {"direction", "increase"},
                {"kind", "continuous"},
                {"unit", "USD"},
                {"definition",
                 "Dollars spent per exposed user in the experiment's measurement "
                 "window (0 for users who did not buy)"}}));

  int64_t total = 0;
  for (const ArmStats& arm : overall) total += arm.users;
  EXPGRAPH_RETURN_IF_ERROR(out.node(
      "Experiment", kExperimentKey,
      {{"name", "Hillstrom e-mail test: men's vs women's merchandise e-mail"},
       {"description",
        "Customers who purchased within the last twelve months were randomly split into three "
        "groups: an e-mail featuring men's merchandise, an e-mail featuring women's "
        "merchandise, or no e-mail (control). Visits, purchases and spend were recorded in the "
        "two weeks that followed (per the challenge's description). " +
            support::with_thousands(total) + " customers."},
       {"status", "concluded"},
       {"kind", "ab"},
       {"lift_baseline", "control"},
       {"alpha", support::kAlpha},
       {"power", support::kPower},
       {"tags", json::array({"email", "merchandise", "hillstrom"})}}));
  EXPGRAPH_RETURN_IF_ERROR(out.edge("RUNS_ON", kExperimentRef, "Channel/email"));
  EXPGRAPH_RETURN_IF_ERROR(
      out.edge("MEASURES", kExperimentRef, "Metric/visit", {{"role", "primary"}}));
  EXPGRAPH_RETURN_IF_ERROR(
      out.edge("MEASURES", kExperimentRef, "Metric/conversion", {{"role", "secondary"}}));
  EXPGRAPH_RETURN_IF_ERROR(
      out.edge("MEASURES", kExperimentRef, "Metric/spend", {{"role", "secondary"}}));
  EXPGRAPH_RETURN_IF_ERROR(out.edge("SOURCED_FROM", kExperimentRef, kSourceRef));

  for (size_t i = 0; i < kArms.size(); ++i) {
    const std::string variant_key = kExperimentKey + "-" + kArms[i].key;
    const std::string variant_ref = ref("Variant", variant_key);
    json variant = {{"name", i == kControl ? std::string("No E-Mail (control)") : kArms[i].name},
                    {"is_control", i == kControl},
                    {"external_id", kArms[i].label}};
    if (total > 0) {
      variant["allocation"] = support::round_sig(static_cast<double>(overall[i].users) / total);
    }
    if (i == kControl) variant["description"] = "Received no e-mail.";
    EXPGRAPH_RETURN_IF_ERROR(out.node("Variant", variant_key, std::move(variant)));
    EXPGRAPH_RETURN_IF_ERROR(out.edge("HAS_VARIANT", kExperimentRef, variant_ref,
                                      {{"position", static_cast<int64_t>(i)}}));
    if (i == kControl) continue;
    const bool mens = std::string(kArms[i].key) == "mens_email";
    const std::string asset_key = kExperimentKey + "-" + kArms[i].key;
    EXPGRAPH_RETURN_IF_ERROR(
        out.node("Asset", asset_key,
                 {{"kind", "email"},
                  {"name", mens ? "Men's merchandise e-mail" : "Women's merchandise e-mail"},
                  {"text", mens ? "E-mail campaign featuring men's merchandise"
                                : "E-mail campaign featuring women's merchandise"},
                  {"tags", json::array({"hillstrom"})}}));
    EXPGRAPH_RETURN_IF_ERROR(
        out.edge("USES_ASSET", variant_ref, ref("Asset", asset_key), {{"role", "email"}}));
  }
  return Status::ok_status();
}

analytics::ArmCounts counts(const ArmStats& arm, MetricKind kind) {
  return {arm.users, kind == MetricKind::kVisit ? arm.visits : arm.conversions};
}

// The comparison of `treatment` with `control` on a metric; an error when an arm is too small.
Result<analytics::Comparison> compare(const ArmStats& control, const ArmStats& treatment,
                                      MetricKind kind) {
  if (kind == MetricKind::kSpend) {
    return analytics::compare_means({control.users, control.spend, control.spend_sq},
                                    {treatment.users, treatment.spend, treatment.spend_sq},
                                    support::kAlpha, support::kPower);
  }
  return analytics::compare_proportions(counts(control, kind), counts(treatment, kind),
                                        support::kAlpha, support::kPower);
}

std::string arm_figures(const ArmStats& arm, MetricKind kind) {
  if (kind == MetricKind::kSpend) {
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "$%.3f", arm.users > 0 ? arm.spend / arm.users : 0.0);
    return std::string(buffer) + " per customer over " + support::with_thousands(arm.users);
  }
  const analytics::ArmCounts c = counts(arm, kind);
  return support::percent(arm.users > 0 ? static_cast<double>(c.conversions) / c.users : 0) + " (" +
         support::with_thousands(c.conversions) + " of " + support::with_thousands(c.users) + ")";
}

std::string effect_figures(const analytics::Comparison& c) {
  std::string text;
  if (c.lift_defined) {
    text = "lift " + support::signed_percent(c.lift) + ", 95% CI [" +
           support::signed_percent(c.ci_low) + ", " + support::signed_percent(c.ci_high) + "], ";
  }
  return text + support::p_value_text(c.p_value);
}

Status emit_results(const std::string& segment_key, const SegmentInfo& segment,
                    support::ItemEmitter& out, ImportStats* stats) {
  const bool everyone = segment_key == kAllSegmentKey;
  const std::string suffix = segment_key.substr(std::string("hillstrom-").size());
  for (const MetricSpec& metric : kMetrics) {
    for (size_t i = 0; i < kArms.size(); ++i) {
      const ArmStats& arm = segment.arms[i];
      if (arm.users == 0) {
        stats->warnings.push_back("segment " + segment_key + " has no customer in arm " +
                                  kArms[i].label + ": no result");
        continue;
      }
      const std::string key = kExperimentKey + "-" + kArms[i].key + "-" + metric.key + "-" + suffix;
      json result = {{"name", std::string(kArms[i].name) + (i == kControl ? "" : " vs No E-Mail") +
                                  " on " + metric.key + ", " + segment.phrase},
                     {"users", arm.users}};
      if (metric.kind == MetricKind::kSpend) {
        result["sum"] = arm.spend;
        result["sum_sq"] = arm.spend_sq;  // unrounded: the variance needs every digit
      } else {
        result["conversions"] = counts(arm, metric.kind).conversions;
      }
      const ArmStats& control = segment.arms[kControl];
      Result<analytics::Comparison> comparison =
          i == kControl ? Result<analytics::Comparison>(Status::invalid_argument("control"))
                        : compare(control, arm, metric.kind);
      if (comparison.ok()) {
        support::add_comparison(result, *comparison, support::kAlpha);
        result["method"] =
            metric.kind == MetricKind::kSpend
                ? "Welch z-test on mean spend per customer (large sample), delta-method CI on the "
                  "ratio; baseline: the No E-Mail control arm"
                : "two-proportion z-test (unpooled), delta-method CI on the ratio; baseline: the "
                  "No E-Mail control arm";
      } else {
        const double value =
            metric.kind == MetricKind::kSpend
                ? arm.spend / arm.users
                : static_cast<double>(counts(arm, metric.kind).conversions) / arm.users;
        support::set_finite(result, "rate", value);
        result["method"] = i == kControl ? "control arm: counts and rate only"
                                         : "counts and rate only: too few customers to compare";
      }
      const std::string result_ref = ref("Result", key);
      EXPGRAPH_RETURN_IF_ERROR(out.node("Result", key, std::move(result)));
      EXPGRAPH_RETURN_IF_ERROR(out.edge("HAS_RESULT", kExperimentRef, result_ref));
      EXPGRAPH_RETURN_IF_ERROR(
          out.edge("FOR_VARIANT", result_ref, ref("Variant", kExperimentKey + "-" + kArms[i].key)));
      EXPGRAPH_RETURN_IF_ERROR(out.edge("ON_METRIC", result_ref, ref("Metric", metric.key)));
      if (!everyone) {
        EXPGRAPH_RETURN_IF_ERROR(out.edge("IN_SEGMENT", result_ref, ref("Segment", segment_key)));
      }
      EXPGRAPH_RETURN_IF_ERROR(out.edge("SOURCED_FROM", result_ref, kSourceRef));
    }
  }
  return Status::ok_status();
}

// One learning per binary metric: which e-mail, if any, moved it against no e-mail.
Status emit_learning(const std::string& segment_key, const SegmentInfo& segment,
                     const MetricSpec& metric, size_t segment_count, support::ItemEmitter& out) {
  const ArmStats& control = segment.arms[kControl];
  std::array<std::optional<analytics::Comparison>, 3> vs_control;
  for (size_t i = 1; i < kArms.size(); ++i) {
    Result<analytics::Comparison> c = compare(control, segment.arms[i], metric.kind);
    if (c.ok()) vs_control[i] = *c;
  }
  if (!vs_control[1] || !vs_control[2]) return Status::ok_status();  // too small to say anything

  // The best significant raise, then the significant falls.
  size_t best = 0;
  for (size_t i = 1; i < kArms.size(); ++i) {
    const analytics::Comparison& c = *vs_control[i];
    if (c.significant && c.difference > 0 &&
        (best == 0 || c.treatment_value > vs_control[best]->treatment_value)) {
      best = i;
    }
  }
  size_t worst = 0;
  for (size_t i = 1; i < kArms.size(); ++i) {
    const analytics::Comparison& c = *vs_control[i];
    if (c.significant && c.difference < 0) worst = i;
  }
  const std::string seg = segment.phrase;
  const std::string control_rate = support::percent(vs_control[1]->control_value);
  std::string text;
  std::string outcome;
  if (best != 0) {
    const size_t other = best == 1 ? 2 : 1;
    const analytics::Comparison& b = *vs_control[best];
    const analytics::Comparison& o = *vs_control[other];
    text = "For " + seg + ", the " + kArms[best].name + " raised the " + metric.phrase +
           (o.significant && o.difference > 0 ? " the most: " : ": ") +
           support::percent(b.treatment_value) + " vs " + control_rate + " with no e-mail" +
           (b.lift_defined ? " (" + support::signed_percent(b.lift) + ")" : "") + ". ";
    if (o.significant && o.difference > 0) {
      text += "The " + std::string(kArms[other].name) + " raised it too, to " +
              support::percent(o.treatment_value) + ". ";
      Result<analytics::Comparison> direct =
          compare(segment.arms[other], segment.arms[best], metric.kind);
      if (direct.ok()) {
        text += direct->significant
                    ? "The " + std::string(kArms[best].name) + " beat the " + kArms[other].name +
                          " directly (" + support::p_value_text(direct->p_value) + ")."
                    : "The gap between the two e-mails is not significant (" +
                          support::p_value_text(direct->p_value) + ").";
      }
    } else if (o.significant) {
      text += "The " + std::string(kArms[other].name) + " lowered it, to " +
              support::percent(o.treatment_value) + ".";
    } else {
      text += "The " + std::string(kArms[other].name) + " made no significant difference (" +
              support::percent(o.treatment_value) + ").";
    }
    outcome = "won";
  } else if (worst != 0) {
    text = "For " + seg + ", no e-mail raised the " + metric.phrase + " and the " +
           kArms[worst].name +
           " lowered it: " + support::percent(vs_control[worst]->treatment_value) + " vs " +
           control_rate + " with no e-mail.";
    outcome = "lost";
  } else {
    text = "For " + seg + ", neither the Mens nor the Womens e-mail changed the " + metric.phrase +
           " significantly compared with no e-mail (" + control_rate + ").";
    outcome = "inconclusive";
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();

  std::string evidence = "No E-Mail: " + arm_figures(control, metric.kind);
  for (size_t i = 1; i < kArms.size(); ++i) {
    evidence += "; " + std::string(kArms[i].name) + ": " +
                arm_figures(segment.arms[i], metric.kind) + ", " + effect_figures(*vs_control[i]);
  }
  evidence +=
      ". Two-proportion z-tests against the No E-Mail control at alpha 0.05, not "
      "adjusted for the " +
      std::to_string(segment_count) + " segments x 2 metrics examined.";
  const std::string key = kExperimentKey + "-" +
                          segment_key.substr(std::string("hillstrom-").size()) + "-" + metric.key;
  json learning = {{"text", text},
                   {"name", "Hillstrom e-mail test: " + std::string(metric.key) + ", " + seg},
                   {"outcome", outcome},
                   {"evidence", evidence},
                   {"tags", json::array({"email", "hillstrom", metric.key})}};
  if (outcome != "inconclusive") {
    const analytics::Comparison& decisive = *vs_control[best != 0 ? best : worst];
    learning["confidence"] = decisive.p_value < 0.001 ? "high" : "medium";
  }
  EXPGRAPH_RETURN_IF_ERROR(out.node("Learning", key, std::move(learning)));
  return out.edge("YIELDED", kExperimentRef, ref("Learning", key));
}

}  // namespace

Result<ImportStats> import_hillstrom(std::istream& csv, const ItemSink& sink) {
  Result<CsvReader> reader = CsvReader::open(csv);
  if (!reader.ok()) return reader.status();
  Result<std::vector<size_t>> columns =
      reader->require_columns({"history_segment", "mens", "womens", "zip_code", "newbie", "channel",
                               "segment", "visit", "conversion", "spend"});
  if (!columns.ok()) return columns.status();

  ImportStats stats;
  std::map<std::string, SegmentInfo> segments;  // key order: deterministic output
  CsvRow csv_row;
  for (;;) {
    Result<bool> more = reader->next(&csv_row);
    if (!more.ok()) return more.status();
    if (!*more) break;
    ++stats.rows_read;
    Result<Row> row = parse_row(csv_row, *columns);
    if (!row.ok()) {
      ++stats.rows_skipped;
      stats.warnings.push_back("line " + std::to_string(csv_row.line) + ": skipped, " +
                               row.status().message());
      continue;
    }
    for (const std::string& key : segments_of(*row, segments)) {
      ArmStats& arm = segments[key].arms[row->arm];
      ++arm.users;
      arm.visits += row->visit;
      arm.conversions += row->conversion;
      arm.spend += row->spend;
      arm.spend_sq += row->spend * row->spend;
    }
  }
  if (segments.empty()) return Status::invalid_argument("hillstrom: no valid row");

  support::ItemEmitter out(sink, &stats);
  EXPGRAPH_RETURN_IF_ERROR(emit_shared_nodes(out, segments.at(kAllSegmentKey).arms));
  // Segments: "all" first, the others under it.
  std::vector<std::string> order = {kAllSegmentKey};
  for (const auto& [key, segment] : segments) {
    if (key != kAllSegmentKey) order.push_back(key);
  }
  for (const std::string& key : order) {
    const SegmentInfo& segment = segments.at(key);
    EXPGRAPH_RETURN_IF_ERROR(out.node("Segment", key,
                                      {{"name", segment.name},
                                       {"definition", segment.definition},
                                       {"criteria", segment.criteria},
                                       {"size", segment.size()}}));
    if (key != kAllSegmentKey) {
      EXPGRAPH_RETURN_IF_ERROR(
          out.edge("SUBSEGMENT_OF", ref("Segment", key), ref("Segment", kAllSegmentKey)));
    }
  }
  EXPGRAPH_RETURN_IF_ERROR(out.edge("TARGETS", kExperimentRef, ref("Segment", kAllSegmentKey)));

  // Results and learnings: all customers first, then each segment in key order.
  for (const std::string& key : order) {
    EXPGRAPH_RETURN_IF_ERROR(emit_results(key, segments.at(key), out, &stats));
  }
  for (const std::string& key : order) {
    for (const MetricSpec& metric : kMetrics) {
      if (metric.kind == MetricKind::kSpend) continue;
      EXPGRAPH_RETURN_IF_ERROR(emit_learning(key, segments.at(key), metric, order.size(), out));
    }
  }
  return stats;
}

}  // namespace expgraph
