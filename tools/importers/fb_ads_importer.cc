// Facebook ad campaigns sample (KAG_conversion_data.csv) -> graph. xyz_campaign_id is a
// Campaign; fb_campaign_id, an ad set whose ads share one audience, is an Experiment PART_OF it
// (flagged observational and no_control_arm: the ads were not randomised against a control);
// each ad is a Variant using an ad_creative Asset keyed by ad_id, with Results for three
// metrics, all per impression: ctr (Clicks), approved_conversion (Approved_Conversion) and
// total_conversion (Total_Conversion). Conversions are counted per impression, not per click,
// because 72 ads report more approved conversions than clicks (conversions after a view).
// There is no control arm, so Results hold counts and rates only, never a lift.
//
// Segments: fbads-all > fbads-age-<band> and fbads-gender-<m|f> > fbads-age-<band>-gender-<g>
// > fbads-age-<band>-gender-<g>-interest-<id>, the audience an ad set TARGETS and its Results
// are IN_SEGMENT of.
#include <map>
#include <string>
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

const std::string kSourceRef = "DataSource/kag-fb-ads";
const std::string kChannelRef = "Channel/paid_social";
const char* const kMethod =
    "counts and rate only: the ads were not randomised against a control, so no lift is computed";

struct Ad {
  int64_t ad_id = 0;
  std::string xyz_campaign_id;
  std::string fb_campaign_id;
  std::string age;
  std::string gender;
  std::string interest;
  int64_t impressions = 0;
  int64_t clicks = 0;
  double spent = 0;
  int64_t total_conversions = 0;
  int64_t approved_conversions = 0;
};

struct MetricOfAd {
  const char* key;
  int64_t Ad::*count;
};
constexpr MetricOfAd kMetrics[] = {{"ctr", &Ad::clicks},
                                   {"approved_conversion", &Ad::approved_conversions},
                                   {"total_conversion", &Ad::total_conversions}};

Result<Ad> parse_row(const CsvRow& row, const std::vector<size_t>& c) {
  const auto& f = row.fields;
  Ad ad;
  std::optional<int64_t> ad_id = support::parse_int(f[c[0]]);
  if (!ad_id || *ad_id < 0) return Status::invalid_argument("ad_id '" + f[c[0]] + "' is not an id");
  ad.ad_id = *ad_id;
  ad.xyz_campaign_id = f[c[1]];
  ad.fb_campaign_id = f[c[2]];
  ad.age = f[c[3]];
  ad.gender = f[c[4]];
  ad.interest = f[c[5]];
  for (const std::string* id : {&ad.xyz_campaign_id, &ad.fb_campaign_id}) {
    if (id->empty() || !validate_external_key("fbads-" + *id).ok()) {
      return Status::invalid_argument("campaign id '" + *id + "' cannot be part of a key");
    }
  }
  if (ad.age.empty() || ad.gender.empty() || ad.interest.empty()) {
    return Status::invalid_argument("empty age, gender or interest");
  }
  const char* names[] = {"Impressions", "Clicks", "Total_Conversion", "Approved_Conversion"};
  const size_t indexes[] = {c[6], c[7], c[9], c[10]};
  int64_t* targets[] = {&ad.impressions, &ad.clicks, &ad.total_conversions,
                        &ad.approved_conversions};
  for (size_t i = 0; i < 4; ++i) {
    std::optional<int64_t> value = support::parse_int(f[indexes[i]]);
    if (!value || *value < 0) {
      return Status::invalid_argument(std::string(names[i]) + " '" + f[indexes[i]] +
                                      "' is not a count");
    }
    *targets[i] = *value;
  }
  if (ad.impressions == 0) return Status::invalid_argument("no impressions");
  if (ad.clicks > ad.impressions || ad.total_conversions > ad.impressions) {
    return Status::invalid_argument("more clicks or conversions than impressions");
  }
  std::optional<double> spent = support::parse_double(f[c[8]]);
  if (!spent || *spent < 0)
    return Status::invalid_argument("Spent '" + f[c[8]] + "' is not an amount");
  ad.spent = *spent;
  return ad;
}

// Emits the audience segment of an ad and its parents; returns its key.
Result<std::string> emit_audience(const Ad& ad, support::ItemEmitter& out) {
  const std::string all = "fbads-all";
  EXPGRAPH_RETURN_IF_ERROR(out.node("Segment", all,
                                    {{"name", "Facebook ad audiences (all)"},
                                     {"definition", "Every audience of the Facebook ad sample"}}));
  const std::string gender_name = ad.gender == "M"   ? "men"
                                  : ad.gender == "F" ? "women"
                                                     : "gender " + ad.gender;
  const std::string age = "fbads-age-" + support::slug(ad.age);
  const std::string gender = "fbads-gender-" + support::slug(ad.gender);
  const std::string age_gender = age + "-gender-" + support::slug(ad.gender);
  const std::string audience = age_gender + "-interest-" + support::slug(ad.interest);
  EXPGRAPH_RETURN_IF_ERROR(out.node("Segment", age,
                                    {{"name", "Facebook audience aged " + ad.age},
                                     {"definition", "age = '" + ad.age + "'"},
                                     {"criteria", {{"age", ad.age}}}}));
  EXPGRAPH_RETURN_IF_ERROR(out.edge("SUBSEGMENT_OF", ref("Segment", age), ref("Segment", all)));
  EXPGRAPH_RETURN_IF_ERROR(out.node("Segment", gender,
                                    {{"name", "Facebook audience: " + gender_name},
                                     {"definition", "gender = '" + ad.gender + "'"},
                                     {"criteria", {{"gender", ad.gender}}}}));
  EXPGRAPH_RETURN_IF_ERROR(out.edge("SUBSEGMENT_OF", ref("Segment", gender), ref("Segment", all)));
  EXPGRAPH_RETURN_IF_ERROR(
      out.node("Segment", age_gender,
               {{"name", "Facebook audience: " + gender_name + " aged " + ad.age},
                {"definition", "age = '" + ad.age + "' and gender = '" + ad.gender + "'"},
                {"criteria", {{"age", ad.age}, {"gender", ad.gender}}}}));
  EXPGRAPH_RETURN_IF_ERROR(
      out.edge("SUBSEGMENT_OF", ref("Segment", age_gender), ref("Segment", age)));
  EXPGRAPH_RETURN_IF_ERROR(
      out.edge("SUBSEGMENT_OF", ref("Segment", age_gender), ref("Segment", gender)));
  EXPGRAPH_RETURN_IF_ERROR(out.node(
      "Segment", audience,
      {{"name",
        "Facebook audience: " + gender_name + " aged " + ad.age + ", interest " + ad.interest},
       {"definition", "age = '" + ad.age + "' and gender = '" + ad.gender +
                          "' and interest = " + ad.interest + " (a Facebook interest code)"},
       {"criteria", {{"age", ad.age}, {"gender", ad.gender}, {"interest", ad.interest}}}}));
  EXPGRAPH_RETURN_IF_ERROR(
      out.edge("SUBSEGMENT_OF", ref("Segment", audience), ref("Segment", age_gender)));
  return audience;
}

Status emit_shared_nodes(support::ItemEmitter& out) {
  EXPGRAPH_RETURN_IF_ERROR(out.node(
      "DataSource", "kag-fb-ads",
      {{"name", "Facebook ad campaigns (sales conversion optimisation sample)"},
       {"kind", "public_dataset"},
       {"description",
        "Public sample data set: one row per Facebook ad with its campaign, ad set "
        "(fb_campaign_id), audience (age band, gender, interest code), impressions, clicks, "
        "spend, total and approved conversions. Observational: no control arm."}}));
  EXPGRAPH_RETURN_IF_ERROR(
      out.node("Channel", "paid_social", {{"name", "Paid social"}, {"category", "paid"}}));
  EXPGRAPH_RETURN_IF_ERROR(support::emit_click_through_metric(out));
  EXPGRAPH_RETURN_IF_ERROR(support::emit_increasing_metric(
      out, "approved_conversion", "Approved conversions per impression", "binary",
      "Approved_Conversion / Impressions: conversions the advertiser confirmed "
      "(e.g. a purchase) per impression. Per impression, not per click, because "
      "conversions after a view can outnumber clicks."));
  return support::emit_increasing_metric(
      out, "total_conversion", "Conversions per impression", "binary",
      "Total_Conversion / Impressions: every reported conversion (enquiries included, confirmed "
      "or not) per impression.");
}

}  // namespace

Result<ImportStats> import_fb_ads(std::istream& csv, const ItemSink& sink) {
  Result<CsvReader> reader = CsvReader::open(csv);
  if (!reader.ok()) return reader.status();
  Result<std::vector<size_t>> columns = reader->require_columns(
      {"ad_id", "xyz_campaign_id", "fb_campaign_id", "age", "gender", "interest", "Impressions",
       "Clicks", "Spent", "Total_Conversion", "Approved_Conversion"});
  if (!columns.ok()) return columns.status();

  ImportStats stats;
  // campaign -> ad set -> ad id -> ad: std::map keeps the output order independent of the rows'.
  std::map<std::string, std::map<std::string, std::map<int64_t, Ad>>> campaigns;
  std::map<std::string, std::string> campaign_of_ad_set;
  CsvRow row;
  for (;;) {
    Result<bool> more = reader->next(&row);
    if (!more.ok()) return more.status();
    if (!*more) break;
    ++stats.rows_read;
    Result<Ad> ad = parse_row(row, *columns);
    std::string problem = ad.ok() ? "" : ad.status().message();
    if (ad.ok()) {
      auto [it, inserted] = campaign_of_ad_set.emplace(ad->fb_campaign_id, ad->xyz_campaign_id);
      if (!inserted && it->second != ad->xyz_campaign_id) {
        problem = "ad set " + ad->fb_campaign_id + " already belongs to campaign " + it->second;
      } else if (campaigns[ad->xyz_campaign_id][ad->fb_campaign_id].count(ad->ad_id) != 0) {
        problem = "duplicate ad_id " + std::to_string(ad->ad_id);
      }
    }
    if (!problem.empty()) {
      ++stats.rows_skipped;
      stats.warnings.push_back("line " + std::to_string(row.line) + ": skipped, " + problem);
      continue;
    }
    const Ad& value = *ad;
    campaigns[value.xyz_campaign_id][value.fb_campaign_id][value.ad_id] = value;
  }

  support::ItemEmitter out(sink, &stats);
  EXPGRAPH_RETURN_IF_ERROR(emit_shared_nodes(out));
  for (const auto& [campaign_id, ad_sets] : campaigns) {
    size_t ad_count = 0;
    for (const auto& [ad_set_id, ads] : ad_sets) ad_count += ads.size();
    const std::string campaign_key = "fbads-campaign-" + campaign_id;
    const std::string campaign_ref = ref("Campaign", campaign_key);
    EXPGRAPH_RETURN_IF_ERROR(out.node(
        "Campaign", campaign_key,
        {{"name", "Facebook campaign " + campaign_id},
         {"description", "xyz_campaign_id " + campaign_id + ": " + std::to_string(ad_sets.size()) +
                             " ad sets, " + std::to_string(ad_count) + " ads."},
         {"external_id", campaign_id},
         {"tags", json::array({"facebook"})}}));
    EXPGRAPH_RETURN_IF_ERROR(out.edge("RUNS_ON", campaign_ref, kChannelRef));

    for (const auto& [ad_set_id, ads] : ad_sets) {
      const Ad& first = ads.begin()->second;
      Result<std::string> audience = emit_audience(first, out);
      if (!audience.ok()) return audience.status();
      int64_t impressions = 0;
      for (const auto& [ad_id, ad] : ads) impressions += ad.impressions;
      const std::string experiment_key = "fbads-adset-" + ad_set_id;
      const std::string experiment_ref = ref("Experiment", experiment_key);
      EXPGRAPH_RETURN_IF_ERROR(out.node(
          "Experiment", experiment_key,
          {{"name", "Facebook ad set " + ad_set_id + " (campaign " + campaign_id + ")"},
           {"description",
            std::to_string(ads.size()) + " ad(s) shown to one audience (age " + first.age +
                ", gender " + first.gender + ", interest " + first.interest + "), " +
                support::with_thousands(impressions) +
                " impressions in all. Not a randomised test: the platform chose the delivery and "
                "there is no control, so results hold rates and counts only."},
           {"status", "concluded"},
           {"flags", json::array({"observational", "no_control_arm"})},
           {"external_id", ad_set_id},
           {"tags", json::array({"facebook", "ads"})}}));
      EXPGRAPH_RETURN_IF_ERROR(out.edge("PART_OF", experiment_ref, campaign_ref));
      EXPGRAPH_RETURN_IF_ERROR(out.edge("RUNS_ON", experiment_ref, kChannelRef));
      EXPGRAPH_RETURN_IF_ERROR(out.edge("TARGETS", experiment_ref, ref("Segment", *audience)));
      EXPGRAPH_RETURN_IF_ERROR(
          out.edge("MEASURES", experiment_ref, "Metric/ctr", {{"role", "primary"}}));
      EXPGRAPH_RETURN_IF_ERROR(out.edge("MEASURES", experiment_ref, "Metric/approved_conversion",
                                        {{"role", "secondary"}}));
      EXPGRAPH_RETURN_IF_ERROR(
          out.edge("MEASURES", experiment_ref, "Metric/total_conversion", {{"role", "secondary"}}));
      EXPGRAPH_RETURN_IF_ERROR(out.edge("SOURCED_FROM", experiment_ref, kSourceRef));

      int64_t position = 0;
      for (const auto& [ad_id, ad] : ads) {
        const std::string id = std::to_string(ad_id);
        std::string ad_audience = *audience;
        if (ad.age != first.age || ad.gender != first.gender || ad.interest != first.interest) {
          Result<std::string> other = emit_audience(ad, out);
          if (!other.ok()) return other.status();
          ad_audience = *other;
          EXPGRAPH_RETURN_IF_ERROR(
              out.edge("TARGETS", experiment_ref, ref("Segment", ad_audience)));
        }
        const std::string asset_key = "fbads-ad-" + id;
        EXPGRAPH_RETURN_IF_ERROR(out.node("Asset", asset_key,
                                          {{"kind", "ad_creative"},
                                           {"name", "Facebook ad " + id},
                                           {"external_id", id},
                                           {"tags", json::array({"facebook"})}}));
        const std::string variant_key = "fbads-ad-" + id;
        const std::string variant_ref = ref("Variant", variant_key);
        EXPGRAPH_RETURN_IF_ERROR(out.node(
            "Variant", variant_key,
            {{"name", "Ad " + id},
             {"is_control", false},
             {"external_id", id},
             {"allocation", support::round_sig(static_cast<double>(ad.impressions) / impressions)},
             {"config",
              {{"spent", support::round_sig(ad.spent)},
               {"age", ad.age},
               {"gender", ad.gender},
               {"interest", ad.interest},
               {"xyz_campaign_id", ad.xyz_campaign_id},
               {"fb_campaign_id", ad.fb_campaign_id}}}}));
        EXPGRAPH_RETURN_IF_ERROR(
            out.edge("HAS_VARIANT", experiment_ref, variant_ref, {{"position", position++}}));
        EXPGRAPH_RETURN_IF_ERROR(out.edge("USES_ASSET", variant_ref, ref("Asset", asset_key),
                                          {{"role", "ad_creative"}}));
        for (const MetricOfAd& metric : kMetrics) {
          const int64_t count = ad.*metric.count;
          const std::string result_key = variant_key + "-" + metric.key;
          const std::string result_ref = ref("Result", result_key);
          json result = {{"name", "Ad " + id + " on " + metric.key},
                         {"users", ad.impressions},
                         {"conversions", count},
                         {"method", kMethod}};
          support::set_finite(result, "rate", static_cast<double>(count) / ad.impressions);
          EXPGRAPH_RETURN_IF_ERROR(out.node("Result", result_key, std::move(result)));
          EXPGRAPH_RETURN_IF_ERROR(out.edge("HAS_RESULT", experiment_ref, result_ref));
          EXPGRAPH_RETURN_IF_ERROR(out.edge("FOR_VARIANT", result_ref, variant_ref));
          EXPGRAPH_RETURN_IF_ERROR(
              out.edge("ON_METRIC", result_ref, ref("Metric", std::string(metric.key))));
          EXPGRAPH_RETURN_IF_ERROR(out.edge("IN_SEGMENT", result_ref, ref("Segment", ad_audience)));
          EXPGRAPH_RETURN_IF_ERROR(out.edge("SOURCED_FROM", result_ref, kSourceRef));
        }
      }
    }
  }
  return stats;
}

}  // namespace expgraph
