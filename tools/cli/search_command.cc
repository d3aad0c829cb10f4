// expgraph search "text": similarity search over POST /v1/search. A ranked list on a terminal,
// the server's JSON with --json or when piped.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "tools/cli/commands.h"

namespace expgraph::cli {

namespace {

constexpr const char* kSearchUsage =
    "usage: expgraph search \"TEXT\" [--types T1,T2] [--k N] [--mode vector|lexical|hybrid]\n"
    "                       [--channel KEY] [--segment KEY] [--metric KEY] [--outcome O]\n"
    "                       [--since DATE] [--min-similarity X] [--json]\n"
    "  Finds the hypotheses, learnings, experiments and assets whose text is closest to TEXT.\n"
    "  --types   node types to search (default: all with text)\n"
    "  --k N     how many hits (default 10)\n"
    "  --mode    vector (embeddings), lexical (BM25) or hybrid (default: the server's)\n"
    "  --channel/--segment/--metric/--outcome/--since  keep hits linked to that context\n"
    "  --min-similarity X  the relevance floor in [0, 1] (default: the server's, 0.10)\n"
    "  --json    print the server's JSON (default when stdout is not a terminal)\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "expgraph search: %s\n%s", message.c_str(), kSearchUsage);
  return kExitUsage;
}

// The one-line text of a hit: the first text-like property the node has.
std::string hit_text(const nlohmann::json& properties) {
  for (const char* name : {"text", "statement", "name", "headline", "description"}) {
    auto it = properties.find(name);
    if (it != properties.end() && it->is_string()) {
      std::string text = it->get<std::string>();
      if (text.size() > 100) text = text.substr(0, 97) + "...";
      return text;
    }
  }
  return "";
}

}  // namespace

int run_search(CliClient& client, const Arguments& args) {
  nlohmann::json body = nlohmann::json::object();
  nlohmann::json filter = nlohmann::json::object();
  bool json_output = isatty(STDOUT_FILENO) == 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    bool has_value = i + 1 < args.size();
    if (arg == "--help" || arg == "-h") {
      std::fputs(kSearchUsage, stdout);
      return kExitOk;
    } else if (arg == "--json") {
      json_output = true;
    } else if (arg == "--types" && has_value) {
      nlohmann::json types = nlohmann::json::array();
      std::string list = args[++i];
      for (size_t start = 0; start <= list.size();) {
        size_t comma = std::min(list.find(',', start), list.size());
        if (comma > start) types.push_back(list.substr(start, comma - start));
        start = comma + 1;
      }
      body["types"] = types;
    } else if (arg == "--k" && has_value) {
      char* end = nullptr;
      long k = std::strtol(args[++i].c_str(), &end, 10);
      if (*end != '\0' || k < 1) return usage_error("--k needs a positive integer");
      body["k"] = k;
    } else if (arg == "--min-similarity" && has_value) {
      char* end = nullptr;
      const double floor = std::strtod(args[++i].c_str(), &end);
      if (*end != '\0' || !(floor >= 0 && floor <= 1)) {
        return usage_error("--min-similarity needs a number from 0 to 1");
      }
      body["min_similarity"] = floor;
    } else if (arg == "--mode" && has_value) {
      body["mode"] = args[++i];
    } else if ((arg == "--channel" || arg == "--segment" || arg == "--metric" ||
                arg == "--outcome" || arg == "--since") &&
               has_value) {
      filter[arg.substr(2)] = args[++i];
    } else if (!body.contains("text") && arg.rfind("--", 0) != 0) {
      body["text"] = arg;
    } else {
      return usage_error("unexpected argument \"" + arg + "\"");
    }
  }
  if (!body.contains("text")) return usage_error("the search text is missing");
  if (!filter.empty()) body["filter"] = filter;
  Reply reply = client.post("/v1/search", body.dump());
  if (!reply.ok()) return CliClient::report_failure(reply);
  nlohmann::json result = nlohmann::json::parse(reply.body, nullptr, false);
  if (json_output || !result.is_object() || !result.contains("hits")) {
    std::printf("%s\n", result.dump(2).c_str());
    return kExitOk;
  }
  if (result["hits"].empty() && result.value("nothing_similar", false)) {
    std::printf("%s\n", result.value("message", "nothing similar found").c_str());
    return kExitOk;
  }
  size_t rank = 0;
  for (const auto& hit : result["hits"]) {
    const nlohmann::json& node = hit.value("node", nlohmann::json::object());
    // The similarity in [0, 1], the same in every mode (the raw score is in --json).
    std::printf("%2zu. %.2f  %s/%s  %s\n", ++rank, hit.value("similarity", 0.0),
                node.value("type", "").c_str(), node.value("key", "").c_str(),
                hit_text(node.value("properties", nlohmann::json::object())).c_str());
  }
  std::printf("(%zu hits, mode %s)\n", rank, result.value("mode", "").c_str());
  return kExitOk;
}

}  // namespace expgraph::cli
