// Upworthy Research Archive -> graph. One clickability_test_id = one Experiment; one package
// (row) = one Variant using a headline Asset and an image Asset; one Result per package on CTR.
//
// Choices, stated in the data too:
// - There is no control package, so each package is compared with the test's other packages
//   pooled (their clicks and impressions summed: the impression-weighted mean of the other
//   arms). Experiment.lift_baseline = "mean_of_arms"; the same words are in Result.method. The
//   other arms are disjoint from the package, so the two-sample test is valid.
// - test_week matches strftime's %Y%U of the test's creation time (weeks starting on Sunday) for
//   97.5% of packages, against 5.5% for ISO weeks, so started_at is the Sunday that starts the
//   earliest test_week of the test. A file without test_week has it computed the same way from
//   its created_at column.
// - The archive's authors found randomisation problems in tests between 2013-06-25 and
//   2014-01-10; a test whose weeks overlap that window keeps its data and gets a flag. Releases
//   with their per-test `problem` column (0/1) are flagged by it instead.
// - The per-test Learning names the package with the highest CTR and calls it "won" only when
//   its p-value beats alpha / k (Bonferroni over the k packages, since the best one is picked
//   after seeing the data); otherwise "inconclusive".
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "graph/records.h"
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

constexpr char kRandomisationFlag[] = "randomisation_issue";
const char* const kMethod =
    "two-proportion z-test (unpooled), delta-method CI on the ratio; baseline: the test's other "
    "packages pooled (clicks and impressions summed, i.e. their impression-weighted mean CTR)";

struct Package {
  std::string test_id;
  int test_week = -1;  // YYYYWW, -1 when the field is not a valid week
  std::string headline;
  std::string lede;
  std::string excerpt;
  std::string eyecatcher_id;
  int64_t impressions = 0;
  int64_t clicks = 0;
  bool winner = false;
  bool first_place = false;
  int problem = -1;  // the archive's `problem` column: 1 or 0, -1 when absent or empty

  // Order of the arms inside a test: by content, so keys do not depend on the file's row order.
  auto sort_key() const {
    return std::tie(headline, eyecatcher_id, excerpt, lede, impressions, clicks, winner,
                    first_place);
  }
};

const std::string kSourceRef = "DataSource/upworthy-archive";
const std::string kChannelRef = "Channel/upworthy_web";
const std::string kMetricRef = "Metric/ctr";

Status emit_shared_nodes(support::ItemEmitter& out) {
  EXPGRAPH_RETURN_IF_ERROR(out.node(
      "DataSource", "upworthy-archive",
      {{"name", "Upworthy Research Archive (exploratory packages, 2013-2014)"},
       {"kind", "public_dataset"},
       {"uri", "https://osf.io/jd64p/"},
       {"citation",
        "Matias, J.N., Munger, K., Aubin Le Quere, M., Ebersole, C. (2021). The Upworthy Research "
        "Archive, a time series of 32,487 experiments in U.S. media. Scientific Data 8, 195. "
        "https://doi.org/10.1038/s41597-021-00934-7"},
       {"licence", "released by its authors for research use (CC BY 4.0 as stated by its users)"},
       {"description",
        "Headline A/B tests run by Upworthy: packages (headline, image, excerpt) randomly shown "
        "to visitors, with impressions and clicks per package. The archive's authors report "
        "randomisation problems for tests between 2013-06-25 and 2014-01-10 (flagged "
        "randomisation_issue here; by the archive's per-test `problem` column where the file "
        "has it)."}}));
  EXPGRAPH_RETURN_IF_ERROR(out.node("Channel", "upworthy_web",
                                    {{"name", "Upworthy web site"},
                                     {"category", "owned"},
                                     {"description", "Headline packages shown on upworthy.com"}}));
  return support::emit_click_through_metric(out);
}

// The first day of a YYYYWW test_week, or nullopt.
std::optional<std::string> week_start(int test_week) {
  if (test_week < 0) return std::nullopt;
  return support::sunday_week_start(test_week / 100, test_week % 100);
}

// The columns a release may or may not have.
struct OptionalColumns {
  std::optional<size_t> lede, excerpt, winner, first_place, problem;
  // The week column, or the creation time it was computed from (a file without test_week).
  std::optional<size_t> test_week, created_at;
};

bool true_text(const std::string& text) { return text == "true" || text == "1" || text == "TRUE"; }

Result<Package> parse_row(const CsvRow& row, const std::vector<size_t>& columns,
                          const OptionalColumns& optional) {
  const auto& f = row.fields;
  Package p;
  p.test_id = f[columns[0]];
  if (p.test_id.empty()) return Status::invalid_argument("missing clickability_test_id");
  if (!validate_external_key("upworthy-" + p.test_id).ok()) {
    return Status::invalid_argument("clickability_test_id '" + p.test_id +
                                    "' cannot be part of a key");
  }
  std::optional<int64_t> week = optional.test_week
                                     ? support::parse_int(f[*optional.test_week])
                                     : support::sunday_week_of(f[*optional.created_at]);
  if (week && week_start(static_cast<int>(*week))) p.test_week = static_cast<int>(*week);
  p.headline = f[columns[1]];
  p.eyecatcher_id = f[columns[2]];
  if (!p.eyecatcher_id.empty() &&
      !validate_external_key("upworthy-image-" + p.eyecatcher_id).ok()) {
    return Status::invalid_argument("eyecatcher_id '" + p.eyecatcher_id +
                                    "' cannot be part of a key");
  }
  std::optional<int64_t> impressions = support::parse_int(f[columns[3]]);
  std::optional<int64_t> clicks = support::parse_int(f[columns[4]]);
  if (!impressions || *impressions <= 0) {
    return Status::invalid_argument("impressions '" + f[columns[3]] + "' is not a positive count");
  }
  if (!clicks || *clicks < 0 || *clicks > *impressions) {
    return Status::invalid_argument("clicks '" + f[columns[4]] +
                                    "' is not a count between 0 and impressions");
  }
  p.impressions = *impressions;
  p.clicks = *clicks;
  if (optional.lede) p.lede = f[*optional.lede];
  if (optional.excerpt) p.excerpt = f[*optional.excerpt];
  if (optional.winner) p.winner = true_text(f[*optional.winner]);
  if (optional.first_place) p.first_place = true_text(f[*optional.first_place]);
  if (optional.problem && !f[*optional.problem].empty()) {
    p.problem = true_text(f[*optional.problem]) ? 1 : 0;
  }
  return p;
}

// The last day of a YYYYWW test_week (its Sunday + 6 days), or nullopt.
std::optional<std::string> week_end(int test_week) {
  std::optional<std::string> start = week_start(test_week);
  if (!start) return std::nullopt;
  return support::date_from_days(support::days_from_civil(std::stoi(start->substr(0, 4)),
                                                          std::stoi(start->substr(5, 2)),
                                                          std::stoi(start->substr(8, 2))) +
                                 6);
}

bool overlaps_randomisation_window(int first_week, int last_week) {
  std::optional<std::string> first = week_start(first_week);
  std::optional<std::string> last = week_end(last_week);
  if (!first || !last) return false;
  // Dates compare as strings in YYYY-MM-DD form.
  return *first <= "2014-01-10" && *last >= "2013-06-25";
}

std::string headline_key(const std::string& headline) {
  return "upworthy-headline-" + support::stable_hash_hex(headline);
}

Status emit_test(const std::string& test_id, std::vector<Package>& arms, support::ItemEmitter& out,
                 ImportStats* stats) {
  std::sort(arms.begin(), arms.end(),
            [](const Package& a, const Package& b) { return a.sort_key() < b.sort_key(); });
  const size_t k = arms.size();
  int first_week = -1, last_week = -1;
  analytics::ArmCounts total;
  for (const Package& p : arms) {
    total.users += p.impressions;
    total.conversions += p.clicks;
    if (p.test_week < 0) continue;
    if (first_week < 0 || p.test_week < first_week) first_week = p.test_week;
    last_week = std::max(last_week, p.test_week);
  }
  // The archive's own per-test mark where the file has it, else its published date window.
  bool marked = false, has_mark = false;
  for (const Package& p : arms) {
    has_mark = has_mark || p.problem >= 0;
    marked = marked || p.problem == 1;
  }
  const bool flagged = has_mark ? marked
                                : first_week >= 0 &&
                                      overlaps_randomisation_window(first_week, last_week);

  const std::string experiment_key = "upworthy-" + test_id;
  const std::string experiment_ref = ref("Experiment", experiment_key);
  json experiment = {
      {"name", "Upworthy headline test " + test_id},
      {"description",
       std::to_string(k) +
           " packages (headline, image and excerpt) shown to randomly assigned "
           "visitors of upworthy.com; " +
           support::with_thousands(total.users) + " impressions and " +
           support::with_thousands(total.conversions) +
           " clicks in all. No package is a control: each is compared with the others pooled."},
      {"status", "concluded"},
      {"kind", k <= 2 ? "ab" : "multivariate"},
      {"lift_baseline", "mean_of_arms"},
      {"alpha", support::kAlpha},
      {"power", support::kPower},
      {"external_id", test_id},
      {"tags", json::array({"upworthy", "headline"})}};
  if (std::optional<std::string> start = week_start(first_week)) experiment["started_at"] = *start;
  // The archive gives the weeks a test ran, not the day it stopped: it ended by the last day
  // of its latest test_week, which is what program metrics count it concluded on.
  if (std::optional<std::string> end = week_end(last_week)) experiment["ended_at"] = *end;
  json flags = json::array();
  if (flagged) flags.push_back(kRandomisationFlag);
  if (k < 2) flags.push_back("single_arm");
  if (!flags.empty()) experiment["flags"] = flags;
  EXPGRAPH_RETURN_IF_ERROR(out.node("Experiment", experiment_key, std::move(experiment)));
  EXPGRAPH_RETURN_IF_ERROR(out.edge("RUNS_ON", experiment_ref, kChannelRef));
  EXPGRAPH_RETURN_IF_ERROR(out.edge("MEASURES", experiment_ref, kMetricRef, {{"role", "primary"}}));
  EXPGRAPH_RETURN_IF_ERROR(out.edge("SOURCED_FROM", experiment_ref, kSourceRef));
  if (k < 2) {
    stats->warnings.push_back("test " + test_id + " has a single package: no comparison");
  }

  // Arm statistics first, so that the learning can cite them.
  std::vector<std::optional<analytics::Comparison>> comparisons(k);
  for (size_t i = 0; i < k; ++i) {
    const analytics::ArmCounts arm{arms[i].impressions, arms[i].clicks};
    const analytics::ArmCounts others{total.users - arm.users, total.conversions - arm.conversions};
    if (others.users <= 0) continue;
    Result<analytics::Comparison> comparison =
        analytics::compare_proportions(others, arm, support::kAlpha, support::kPower);
    if (!comparison.ok()) return comparison.status();
    comparisons[i] = *comparison;
  }

  for (size_t i = 0; i < k; ++i) {
    const Package& p = arms[i];
    const std::string variant_key = experiment_key + "-p" + std::to_string(i);
    const std::string variant_ref = ref("Variant", variant_key);
    std::string description = "Headline: " + p.headline;
    if (!p.excerpt.empty()) description += "\nExcerpt: " + p.excerpt;
    json config = {{"editor_winner", p.winner}, {"first_place", p.first_place}};
    if (!p.eyecatcher_id.empty()) config["eyecatcher_id"] = p.eyecatcher_id;
    if (p.test_week >= 0) config["test_week"] = p.test_week;
    EXPGRAPH_RETURN_IF_ERROR(out.node(
        "Variant", variant_key,
        {{"name", "Package " + std::to_string(i) + ": " + support::truncate_utf8(p.headline, 120)},
         {"is_control", false},
         {"description", description},
         {"allocation", support::round_sig(static_cast<double>(p.impressions) / total.users)},
         {"config", config}}));
    EXPGRAPH_RETURN_IF_ERROR(out.edge("HAS_VARIANT", experiment_ref, variant_ref,
                                      {{"position", static_cast<int64_t>(i)}}));
    if (!p.headline.empty()) {
      const std::string key = headline_key(p.headline);
      EXPGRAPH_RETURN_IF_ERROR(out.node("Asset", key,
                                        {{"kind", "headline"},
                                         {"name", support::truncate_utf8(p.headline, 120)},
                                         {"text", p.headline},
                                         {"language", "en"},
                                         {"tags", json::array({"upworthy"})}}));
      EXPGRAPH_RETURN_IF_ERROR(
          out.edge("USES_ASSET", variant_ref, ref("Asset", key), {{"role", "headline"}}));
    }
    if (!p.eyecatcher_id.empty()) {
      const std::string key = "upworthy-image-" + p.eyecatcher_id;
      EXPGRAPH_RETURN_IF_ERROR(out.node("Asset", key,
                                        {{"kind", "image"},
                                         {"name", "Upworthy image " + p.eyecatcher_id},
                                         {"external_id", p.eyecatcher_id},
                                         {"tags", json::array({"upworthy"})}}));
      EXPGRAPH_RETURN_IF_ERROR(
          out.edge("USES_ASSET", variant_ref, ref("Asset", key), {{"role", "image"}}));
    }

    const std::string result_key = variant_key + "-ctr";
    const std::string result_ref = ref("Result", result_key);
    json result = {{"name", "Package " + std::to_string(i) + " of Upworthy test " + test_id +
                                " vs the other packages on ctr"},
                   {"users", p.impressions},
                   {"conversions", p.clicks}};
    if (comparisons[i]) {
      support::add_comparison(result, *comparisons[i], support::kAlpha);
      result["method"] = kMethod;
    } else {
      support::set_finite(result, "rate", static_cast<double>(p.clicks) / p.impressions);
      result["method"] = "single package: counts and rate only, no comparison";
    }
    EXPGRAPH_RETURN_IF_ERROR(out.node("Result", result_key, std::move(result)));
    EXPGRAPH_RETURN_IF_ERROR(out.edge("HAS_RESULT", experiment_ref, result_ref));
    EXPGRAPH_RETURN_IF_ERROR(out.edge("FOR_VARIANT", result_ref, variant_ref));
    EXPGRAPH_RETURN_IF_ERROR(out.edge("ON_METRIC", result_ref, kMetricRef));
    EXPGRAPH_RETURN_IF_ERROR(out.edge("SOURCED_FROM", result_ref, kSourceRef));
  }
  if (k < 2) return Status::ok_status();

  // The learning: the package with the highest CTR (the lowest position wins a tie).
  size_t best = 0;
  for (size_t i = 1; i < k; ++i) {
    // Cross-multiplied to compare clicks/impressions exactly.
    if (arms[i].clicks * arms[best].impressions > arms[best].clicks * arms[i].impressions) best = i;
  }
  const Package& b = arms[best];
  const analytics::Comparison& c = *comparisons[best];
  const double threshold = support::kAlpha / static_cast<double>(k);
  const bool won = c.p_value < threshold && c.difference > 0;
  size_t same_headline = 0;
  for (const Package& p : arms) same_headline += p.headline == b.headline ? 1 : 0;
  const std::string subject =
      same_headline == 1
          ? "the headline \"" + b.headline + "\""
          : "the package with the headline \"" + b.headline + "\" and image " +
                (b.eyecatcher_id.empty() ? std::string("(none)") : b.eyecatcher_id) + " (" +
                std::to_string(same_headline) + " packages share that headline)";
  const std::string others = std::to_string(k - 1) + " other package" + (k > 2 ? "s" : "");
  std::string text = "In Upworthy test " + test_id + ", " + subject +
                     " had the highest click-through rate of its " + std::to_string(k) +
                     " packages: " + support::percent(c.treatment_value) + " vs " +
                     support::percent(c.control_value) + " for the " + others + " pooled. ";
  text += won ? "The difference is significant after a Bonferroni correction for " +
                    std::to_string(k) + " packages."
              : "The difference is not significant after a Bonferroni correction for " +
                    std::to_string(k) + " packages, so no package is a clear winner.";
  std::string evidence =
      "CTR " + support::percent(c.treatment_value) + " (" + support::with_thousands(b.clicks) +
      " clicks / " + support::with_thousands(b.impressions) + " impressions) vs " +
      support::percent(c.control_value) + " (" +
      support::with_thousands(total.conversions - b.clicks) + " / " +
      support::with_thousands(total.users - b.impressions) + ") for the " + others + " pooled";
  if (c.lift_defined) {
    evidence += "; lift " + support::signed_percent(c.lift) + ", 95% CI [" +
                support::signed_percent(c.ci_low) + ", " + support::signed_percent(c.ci_high) + "]";
  }
  char threshold_text[32];
  std::snprintf(threshold_text, sizeof(threshold_text), "%.4g", threshold);
  evidence += "; " + support::p_value_text(c.p_value) +
              " (two-proportion z-test), Bonferroni "
              "threshold " +
              threshold_text + ".";
  if (flagged) {
    evidence += has_mark ? " Caveat: the archive's authors mark this test as likely to have a "
                           "randomisation problem."
                         : " Caveat: the test falls in the 2013-06-25 to 2014-01-10 window in "
                           "which the archive's authors found randomisation problems.";
  }
  const std::string learning_key = experiment_key + "-best-package";
  EXPGRAPH_RETURN_IF_ERROR(out.node(
      "Learning", learning_key,
      {{"text", text},
       {"name",
        "Upworthy test " + test_id + (won ? ": a winning package" : ": no clear winning package")},
       {"outcome", won ? "won" : "inconclusive"},
       {"evidence", evidence},
       {"confidence", flagged ? "low" : "medium"},
       {"tags", json::array({"upworthy", "headline"})}}));
  return out.edge("YIELDED", experiment_ref, ref("Learning", learning_key));
}

}  // namespace

Result<ImportStats> import_upworthy(std::istream& csv, const ItemSink& sink) {
  Result<CsvReader> reader = CsvReader::open(csv);
  if (!reader.ok()) return reader.status();
  Result<std::vector<size_t>> columns = reader->require_columns(
      {"clickability_test_id", "headline", "eyecatcher_id", "impressions", "clicks"});
  if (!columns.ok()) return columns.status();
  const OptionalColumns optional{reader->column("lede"),        reader->column("excerpt"),
                                 reader->column("winner"),      reader->column("first_place"),
                                 reader->column("problem"),     reader->column("test_week"),
                                 reader->column("created_at")};
  if (!optional.test_week && !optional.created_at) {
    return Status::invalid_argument("csv: missing column 'test_week' (or 'created_at' to compute it)");
  }

  ImportStats stats;
  // Rows of a test may be anywhere in the file: group them all before emitting (15k rows).
  std::map<std::string, std::vector<Package>> tests;
  CsvRow row;
  for (;;) {
    Result<bool> more = reader->next(&row);
    if (!more.ok()) return more.status();
    if (!*more) break;
    ++stats.rows_read;
    Result<Package> package = parse_row(row, *columns, optional);
    if (!package.ok()) {
      ++stats.rows_skipped;
      stats.warnings.push_back("line " + std::to_string(row.line) + ": skipped, " +
                               package.status().message());
      continue;
    }
    std::string test_id = package->test_id;
    tests[test_id].push_back(std::move(*package));
  }

  support::ItemEmitter out(sink, &stats);
  EXPGRAPH_RETURN_IF_ERROR(emit_shared_nodes(out));
  for (auto& [test_id, arms] : tests) {
    EXPGRAPH_RETURN_IF_ERROR(emit_test(test_id, arms, out, &stats));
  }
  return stats;
}

}  // namespace expgraph
