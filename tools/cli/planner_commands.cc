// The planner's commands: `expgraph similar`, `patterns`, `forecast` and `ontology`, over the
// insight routes and GET /v1/ontology. Rounded figures with their intervals in a table on a
// terminal; the server's JSON (full precision) with --json or when stdout is not a terminal.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "query/insights/plain_summary.h"
#include "tools/cli/commands.h"

// GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&&, which the table and message
// building here uses throughout (the tests silence it the same way).
#pragma GCC diagnostic ignored "-Wrestrict"

namespace expgraph::cli {

namespace {

using insights::percent;
using nlohmann::json;

constexpr const char* kSimilarUsage =
    "usage: expgraph similar \"HYPOTHESIS\" [--channel KEY] [--segment KEY] [--metric KEY]\n"
    "                        [--campaign KEY] [--asset-kinds K1,K2] [--k N] [--as-of DATE]\n"
    "                        [--json]\n"
    "  Past tests like the draft: score, result on the draft's metric with its 95% CI, and\n"
    "  what matched.\n";
constexpr const char* kPatternsUsage =
    "usage: expgraph patterns [--channel KEY] [--segment KEY] [--metric KEY] [--min-tests N]\n"
    "                         [--limit N] [--json]\n"
    "  Features that tend to win or lose, pooled over concluded tests, with a broader context\n"
    "  when the one asked for has too few tests.\n";
constexpr const char* kForecastUsage =
    "usage: expgraph forecast \"HYPOTHESIS\" (--candidate \"NAME=TEXT\"... | --candidates FILE)\n"
    "                         [--channel KEY] [--segment KEY] [--metric KEY] [--k N]\n"
    "                         [--as-of DATE] [--json]\n"
    "  Which candidate to test: chance of being best, expected lift with its 90% interval.\n"
    "  FILE: a JSON array of {\"name\", \"text\"}, or one candidate per line as NAME<TAB>TEXT.\n";
constexpr const char* kOntologyUsage =
    "usage: expgraph ontology [--json]\n"
    "  The node types with their properties and the edge types of the server's ontology.\n";

bool terminal() { return isatty(STDOUT_FILENO) != 0; }

int usage_error(const char* command, const char* usage, const std::string& message) {
  std::fprintf(stderr, "expgraph %s: %s\n%s", command, message.c_str(), usage);
  return kExitUsage;
}

std::vector<std::string> split_commas(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream stream(list);
  for (std::string item; std::getline(stream, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::optional<long> positive(const std::string& text) {
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < 1) return std::nullopt;
  return value;
}

// The flags the planner commands share: context and counts go into `body` (the request of
// POST routes; patterns turns them into its query), the first bare argument is the draft.
struct Parsed {
  json body = json::object();
  bool json_output = !terminal();
  bool help = false;
  std::string positional;
  std::string error;
  std::vector<std::string> candidate_args;
  std::string candidates_file;
};

Parsed parse(const Arguments& args, bool wants_text) {
  Parsed p;
  for (size_t i = 0; i < args.size() && p.error.empty(); ++i) {
    const std::string& arg = args[i];
    const bool has_value = i + 1 < args.size();
    if (arg == "--help" || arg == "-h") {
      p.help = true;
    } else if (arg == "--json") {
      p.json_output = true;
    } else if ((arg == "--channel" || arg == "--segment" || arg == "--metric" ||
                arg == "--campaign") &&
               has_value) {
      p.body[arg.substr(2)] = args[++i];
    } else if (arg == "--as-of" && has_value) {
      p.body["as_of"] = args[++i];
    } else if (arg == "--asset-kinds" && has_value) {
      p.body["asset_kinds"] = split_commas(args[++i]);
    } else if ((arg == "--k" || arg == "--min-tests" || arg == "--limit") && has_value) {
      auto value = positive(args[++i]);
      if (!value) {
        p.error = arg + " needs a positive integer";
      } else {
        p.body[arg == "--k" ? "k" : arg == "--limit" ? "limit" : "min_tests"] = *value;
      }
    } else if (arg == "--candidate" && has_value) {
      p.candidate_args.push_back(args[++i]);
    } else if (arg == "--candidates" && has_value) {
      p.candidates_file = args[++i];
    } else if (wants_text && p.positional.empty() && arg.rfind("--", 0) != 0) {
      p.positional = arg;
    } else {
      p.error = "unexpected argument \"" + arg + "\"";
    }
  }
  return p;
}

// Sends the request and parses the answer; prints the failure and sets `exit_code` if any.
std::optional<json> ask(CliClient& client, const std::string& method, const std::string& path,
                        const json& body, int& exit_code) {
  Reply reply = method == "GET" ? client.get(path) : client.post(path, body.dump());
  if (!reply.ok()) {
    exit_code = CliClient::report_failure(reply);
    return std::nullopt;
  }
  json answer = json::parse(reply.body, nullptr, false);
  if (answer.is_discarded()) {
    std::fprintf(stderr, "expgraph: the server's answer is not JSON\n");
    exit_code = kExitServerError;
    return std::nullopt;
  }
  return answer;
}

double number_or_nan(const json& value) {
  return value.is_number() ? value.get<double>() : std::nan("");
}

// "+12% (+8% to +16%)", or "n/a".
std::string lift_with_interval(const json& lift, const json& low, const json& high) {
  if (!lift.is_number()) return "n/a";
  std::string out = percent(lift.get<double>());
  if (low.is_number() && high.is_number()) {
    out += " (" + percent(low.get<double>()) + " to " + percent(high.get<double>()) + ")";
  }
  return out;
}

std::string clip(std::string text, size_t width) {
  if (text.size() > width) text = text.substr(0, width - 3) + "...";
  return text;
}

void print_json(const json& answer) { std::printf("%s\n", answer.dump(2).c_str()); }

}  // namespace

int run_similar(CliClient& client, const Arguments& args) {
  Parsed p = parse(args, true);
  if (p.help) {
    std::fputs(kSimilarUsage, stdout);
    return kExitOk;
  }
  if (!p.error.empty()) return usage_error("similar", kSimilarUsage, p.error);
  if (p.body.contains("limit") || p.body.contains("min_tests") || !p.candidate_args.empty()) {
    return usage_error("similar", kSimilarUsage,
                       "--limit, --min-tests and candidates are not for similar");
  }
  if (!p.positional.empty()) p.body["hypothesis"] = p.positional;
  int exit_code = kExitOk;
  auto answer = ask(client, "POST", "/v1/recommendations/similar-tests", p.body, exit_code);
  if (!answer) return exit_code;
  if (p.json_output) {
    print_json(*answer);
    return kExitOk;
  }
  const json& list = (*answer)["recommendations"];
  if (list.empty()) {
    std::printf("no similar past test\n");
  } else {
    std::printf("%-3s %5s  %-28s %-26s %8s  %s\n", "#", "score", "experiment", "result (95% CI)",
                "p", "matched");
  }
  size_t rank = 0;
  for (const json& r : list) {
    const json& result = r.value("result", json());
    std::string lift = "no result", p_value = "";
    if (result.is_object()) {
      lift = lift_with_interval(result["lift"], result["ci_low"], result["ci_high"]);
      if (result["p_value"].is_number()) {
        char text[32];
        std::snprintf(text, sizeof text, "%.2g", result["p_value"].get<double>());
        p_value = text;
      }
      if (result.value("derived", false)) lift += "*";
    }
    std::string matched;
    for (const json& m : r["matched"])
      matched += (matched.empty() ? "" : ",") + m.get<std::string>();
    std::printf("%-3zu %5.2f  %-28s %-26s %8s  %s\n", ++rank, r.value("score", 0.0),
                clip(r["experiment"].value("key", ""), 28).c_str(), lift.c_str(), p_value.c_str(),
                matched.c_str());
  }
  if (rank > 0) std::printf("(* effect derived from a reported interval or p-value)\n");
  const json& text = answer->value("text_match", json());
  if (text.is_object() && text.value("nothing_similar", false)) {
    std::printf("text: %s\n", text.value("message", "nothing similar found").c_str());
  }
  return kExitOk;
}

int run_patterns(CliClient& client, const Arguments& args) {
  Parsed p = parse(args, false);
  if (p.help) {
    std::fputs(kPatternsUsage, stdout);
    return kExitOk;
  }
  if (!p.error.empty()) return usage_error("patterns", kPatternsUsage, p.error);
  std::string query;
  for (const auto& [name, value] : p.body.items()) {
    if (name != "channel" && name != "segment" && name != "metric" && name != "min_tests" &&
        name != "limit") {
      return usage_error("patterns", kPatternsUsage, "--" + name + " is not for patterns");
    }
    query += (query.empty() ? "?" : "&") + name + "=" +
             url_encode(value.is_string() ? value.get<std::string>() : value.dump());
  }
  int exit_code = kExitOk;
  auto answer = ask(client, "GET", "/v1/patterns" + query, json(), exit_code);
  if (!answer) return exit_code;
  if (p.json_output) {
    print_json(*answer);
    return kExitOk;
  }
  if (answer->contains("message"))
    std::printf("%s\n", (*answer)["message"].get<std::string>().c_str());
  const json& list = (*answer)["patterns"];
  if (!list.empty()) {
    std::printf("%-34s %6s  %-26s %5s %5s\n", "feature", "tests", "pooled lift (95% CI)", "I2",
                "wins");
  }
  for (const json& pattern : list) {
    const double i2 = number_or_nan(pattern["i2"]);
    const double wins = number_or_nan(pattern["win_rate"]);
    std::printf(
        "%-34s %6d  %-26s %5.2f %4.0f%%\n", clip(pattern.value("feature", ""), 34).c_str(),
        pattern.value("tests", 0),
        lift_with_interval(pattern["pooled_lift"], pattern["ci_low"], pattern["ci_high"]).c_str(),
        i2, wins * 100);
  }
  return kExitOk;
}

int run_forecast(CliClient& client, const Arguments& args) {
  Parsed p = parse(args, true);
  if (p.help) {
    std::fputs(kForecastUsage, stdout);
    return kExitOk;
  }
  if (!p.error.empty()) return usage_error("forecast", kForecastUsage, p.error);
  json candidates = json::array();
  for (const std::string& candidate : p.candidate_args) {
    const size_t equals = candidate.find('=');
    if (equals == std::string::npos || equals == 0) {
      return usage_error("forecast", kForecastUsage, "--candidate needs NAME=TEXT");
    }
    candidates.push_back(
        {{"name", candidate.substr(0, equals)}, {"text", candidate.substr(equals + 1)}});
  }
  if (!p.candidates_file.empty()) {
    std::ifstream file(p.candidates_file);
    if (!file) {
      return usage_error("forecast", kForecastUsage, "cannot read " + p.candidates_file);
    }
    std::stringstream content;
    content << file.rdbuf();
    json parsed = json::parse(content.str(), nullptr, false);
    if (parsed.is_array()) {
      for (const json& c : parsed) candidates.push_back(c);
    } else {
      std::stringstream lines(content.str());
      for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        const size_t tab = line.find('\t');
        if (tab == std::string::npos || tab == 0) {
          return usage_error("forecast", kForecastUsage,
                             p.candidates_file + ": each line must be NAME<TAB>TEXT");
        }
        candidates.push_back({{"name", line.substr(0, tab)}, {"text", line.substr(tab + 1)}});
      }
    }
  }
  if (candidates.empty()) {
    return usage_error("forecast", kForecastUsage, "give candidates (--candidate or --candidates)");
  }
  if (p.body.contains("limit") || p.body.contains("min_tests")) {
    return usage_error("forecast", kForecastUsage, "--limit and --min-tests are not for forecast");
  }
  if (!p.positional.empty()) p.body["hypothesis"] = p.positional;
  p.body["candidates"] = candidates;
  int exit_code = kExitOk;
  auto answer = ask(client, "POST", "/v1/forecast", p.body, exit_code);
  if (!answer) return exit_code;
  if (p.json_output) {
    print_json(*answer);
    return kExitOk;
  }
  std::printf("%-24s %7s  %-26s %s\n", "candidate", "p_best", "expected lift (90%)",
              "past evidence (95% CI)");
  for (const json& c : (*answer)["candidates"]) {
    std::string p_best = "n/a", expected = "n/a";
    if (c.contains("p_best") && c["p_best"].is_number()) {
      char text[16];
      std::snprintf(text, sizeof text, "%.0f%%", c["p_best"].get<double>() * 100);
      p_best = text;
    }
    if (c.contains("expected_lift")) {
      const json& e = c["expected_lift"];
      const json interval = e.value("intervals", json::object()).value("90", json::array());
      expected =
          lift_with_interval(e.value("lift", json()), interval.size() == 2 ? interval[0] : json(),
                             interval.size() == 2 ? interval[1] : json());
    }
    const json& f = c.value("forecast", json::object());
    const std::string evidence =
        f.value("status", "") == "ok"
            ? lift_with_interval(f["lift"], f["ci_low"], f["ci_high"])
            : "insufficient evidence (" + std::to_string(f.value("tests", 0)) + " tests)";
    std::printf("%-24s %7s  %-26s %s\n", clip(c.value("name", ""), 24).c_str(), p_best.c_str(),
                expected.c_str(), evidence.c_str());
  }
  std::string best;
  for (const json& name : (*answer)["best_candidates"]) {
    best += (best.empty() ? "" : ", ") + name.get<std::string>();
  }
  std::printf("best: %s (method %s)\n", best.empty() ? "none" : best.c_str(),
              answer->value("method", "").c_str());
  for (const json& c : (*answer)["candidates"]) {
    if (c.contains("summary")) std::printf("  %s\n", c["summary"].get<std::string>().c_str());
  }
  return kExitOk;
}

int run_ontology(CliClient& client, const Arguments& args) {
  Parsed p = parse(args, false);
  if (p.help) {
    std::fputs(kOntologyUsage, stdout);
    return kExitOk;
  }
  if (!p.error.empty() || !p.body.empty()) {
    return usage_error("ontology", kOntologyUsage,
                       p.error.empty() ? "ontology takes only --json" : p.error);
  }
  int exit_code = kExitOk;
  auto answer = ask(client, "GET", "/v1/ontology", json(), exit_code);
  if (!answer) return exit_code;
  if (p.json_output) {
    print_json(*answer);
    return kExitOk;
  }
  const json& ontology = answer->contains("ontology") ? (*answer)["ontology"] : *answer;
  std::printf("node types\n");
  for (const json& type : ontology.value("node_types", json::array())) {
    std::string properties;
    for (const json& property : type.value("properties", json::array())) {
      properties += (properties.empty() ? "" : ", ") + property.value("name", "") +
                    (property.value("required", false) ? "*" : "") + ":" +
                    property.value("type", "");
    }
    std::printf("  %-12s %s\n", type.value("name", "").c_str(), properties.c_str());
  }
  std::printf("edge types\n");
  for (const json& type : ontology.value("edge_types", json::array())) {
    std::printf("  %-14s %s -> %s\n", type.value("name", "").c_str(),
                type.value("domain", json("")).dump().c_str(),
                type.value("range", json("")).dump().c_str());
  }
  std::printf("(* required)\n");
  return kExitOk;
}

}  // namespace expgraph::cli
