#include "query/insights/plain_summary.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <vector>

namespace expgraph::insights {

std::string percent(double lift) {
  if (!std::isfinite(lift)) return "n/a";
  const double value = lift * 100;
  const double magnitude = std::fabs(value);
  // Two significant digits, never fewer than the units.
  const int decimals = magnitude >= 10 || magnitude == 0 ? 0 : magnitude >= 1 ? 1 : 2;
  char text[32];
  std::snprintf(text, sizeof text, "%+.*f%%", decimals, value);
  return text;
}

std::string feature_label(const std::string& feature) {
  static const std::map<std::string, std::string> kHeadline = {
      {"number", "Headlines with a number"},
      {"question", "Headlines phrased as a question"},
      {"named_person", "Headlines naming a person"},
      {"second_person", "Headlines that address the reader as \"you\""},
      {"exclamation", "Headlines with an exclamation mark"}};
  const size_t colon = feature.find(':');
  if (colon == std::string::npos) return feature;
  const std::string kind = feature.substr(0, colon);
  const std::string value = feature.substr(colon + 1);
  if (kind == "headline") {
    auto it = kHeadline.find(value);
    return it != kHeadline.end() ? it->second : "Headlines with feature " + value;
  }
  if (kind == "asset_kind") return "Arms with a " + value + " asset";
  if (kind == "asset_tag") return "Arms with an asset tagged " + value;
  if (kind == "segment") return "Treatments on segment " + value;
  if (kind == "channel") return "Treatments on channel " + value;
  return feature;
}

std::string model_feature_label(const std::string& explained) {
  static const std::map<std::string, std::string> kNamed = {
      {"e:text", "its meaning as a whole (word vectors)"},
      {"h:number", "a number"},
      {"h:question", "a question"},
      {"h:named_person", "a person's name"},
      {"h:second_person", "addressing the reader as \"you\""},
      {"h:exclamation", "an exclamation mark"},
      {"h:words", "its length in words"},
      {"h:chars", "its length in characters"},
      {"p:colon", "a colon"},
      {"p:quote", "a quotation"},
      {"p:ellipsis", "an ellipsis"},
      {"p:dash", "a dash"},
      {"p:sentences", "its number of sentences"},
      {"set:overlap", "the words it shares with the other candidates"},
      {"set:unique", "its words no other candidate uses"}};
  auto named = kNamed.find(explained);
  if (named != kNamed.end()) return named->second;
  const size_t colon = explained.find(':');
  if (colon == std::string::npos) return explained;
  const std::string kind = explained.substr(0, colon), rest = explained.substr(colon + 1);
  const std::string quoted = "\"" + rest + "\"";
  if (kind == "w") return "the word " + quoted;
  if (kind == "b") return "the words " + quoted;
  if (kind == "first" || kind == "first2") return "opening with " + quoted;
  if (kind == "last") return "ending with " + quoted;
  if (kind == "kind") return "an asset of kind " + rest;
  if (kind == "tag") return "an asset tagged " + rest;
  if (kind == "asset") return "the asset " + quoted;
  if (kind == "h") return "the headline feature " + rest;
  if (kind == "p") return "the punctuation " + rest;
  return explained;
}

std::string pattern_sentence(const std::string& feature, size_t tests, double lift, double ci_low,
                             double ci_high, double i2) {
  const char* verdict = ci_low > 0 ? "won" : ci_high < 0 ? "lost" : "made no clear difference";
  char heterogeneity[64];
  if (std::isfinite(i2)) {
    std::snprintf(heterogeneity, sizeof heterogeneity, "consistent across tests: %s (I² %.2f)",
                  i2 < 0.5 ? "yes" : "no", i2);
  } else {
    std::snprintf(heterogeneity, sizeof heterogeneity, "consistency across tests unknown");
  }
  return feature_label(feature) + " " + verdict + " in " + std::to_string(tests) +
         (tests == 1 ? " test: " : " tests: ") + percent(lift) + " (95% CI " + percent(ci_low) +
         " to " + percent(ci_high) + "), " + heterogeneity;
}

std::string derived_effect_phrase(const std::string& derived_from) {
  if (derived_from == "p_value") return "effect derived from the reported p-value";
  if (derived_from == "control_counts") return "effect computed from the arms' counts";
  if (derived_from == "other_arms_counts") {
    return "effect computed from the counts against the other arms pooled (no control)";
  }
  return "effect derived from the reported interval";
}

std::string test_result_sentence(const std::string& name, const std::string& metric, double lift,
                                 double ci_low, double ci_high, double p_value,
                                 const std::optional<std::string>& derived_from) {
  if (!std::isfinite(lift)) return name + ": no result on " + metric;
  std::string out = name + ": " + percent(lift);
  if (std::isfinite(ci_low) && std::isfinite(ci_high)) {
    out += " (95% CI " + percent(ci_low) + " to " + percent(ci_high);
    if (std::isfinite(p_value)) {
      char p[32];
      std::snprintf(p, sizeof p, ", p %.2g", p_value);
      out += p;
    }
    out += ")";
  } else if (std::isfinite(p_value)) {
    char p[32];
    std::snprintf(p, sizeof p, " (p %.2g)", p_value);
    out += p;
  }
  out += " on " + metric;
  if (std::isfinite(p_value)) out += p_value < 0.05 ? ", significant" : ", not significant";
  if (derived_from) out += ", " + derived_effect_phrase(*derived_from);
  return out;
}

std::string candidate_sentence(const CandidateFacts& f) {
  std::string out =
      f.name + " (rank " + std::to_string(f.rank) + " of " + std::to_string(f.candidates) + "): ";
  if (!f.has_evidence) {
    const std::string text =
        f.past_tests == 0
            ? std::string("no past test used similar text")
            : std::to_string(f.past_tests) +
                  (f.past_tests == 1 ? " past test used" : " past tests used") +
                  " similar text, an estimate needs " + std::to_string(f.min_tests);
    return out + "no evidence (" + text + "; " +
           (f.model ? "the model knows none of its words" : "no trained model yet") +
           "), ranked after every candidate with evidence";
  }
  std::vector<std::string> parts;
  if (f.p_best) {
    char chance[48];
    std::snprintf(chance, sizeof chance, "%.0f%% chance to be best", *f.p_best * 100);
    parts.push_back(chance);
  }
  if (f.expected_lift) {
    std::string expected = "expected " + percent(*f.expected_lift);
    if (f.expected_low && f.expected_high) {
      expected +=
          " (90% interval " + percent(*f.expected_low) + " to " + percent(*f.expected_high) + ")";
    }
    if (!f.against.empty()) expected += " against " + f.against;
    parts.push_back(std::move(expected));
  }
  if (f.lift && f.ci_low && f.ci_high) {
    parts.push_back("past arms with similar text: " + percent(*f.lift) + " (95% CI " +
                    percent(*f.ci_low) + " to " + percent(*f.ci_high) + ") in " +
                    std::to_string(f.past_tests) + (f.past_tests == 1 ? " test" : " tests"));
  } else {
    parts.push_back("too few past arms with similar text for an estimate of its own (" +
                    std::to_string(f.past_tests) + (f.past_tests == 1 ? " test)" : " tests)"));
  }
  for (size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? "" : "; ") + parts[i];
  return out;
}

}  // namespace expgraph::insights
