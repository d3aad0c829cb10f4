// expgraph: the command-line client of an expgraph server.
#include <cstdio>
#include <cstdlib>
#include <map>

#include "tools/cli/commands.h"

namespace {

constexpr const char* kUsage =
    "usage: expgraph [--url URL] COMMAND [ARGS]   (URL default http://localhost:8080,\n"
    "                                             or the EXPGRAPH_URL environment variable)\n"
    "  the API key, when the server wants one, comes from EXPGRAPH_API_KEY\n"
    "commands:\n"
    "  import FILE      import JSON Lines of nodes and edges, a public data set or GrowthBook\n"
    "  export           the graph as JSON Lines, GraphML or CSV\n"
    "  query 'CYPHER'   run a read-only openCypher query\n"
    "  get Type/key     print one node\n"
    "  stats            node and edge counts\n"
    "  whoami           the name and role of the API key in use\n"
    "  search \"TEXT\"    similarity search over hypotheses, learnings, experiments, assets\n"
    "  similar \"DRAFT\"  past tests like a draft hypothesis, with their results\n"
    "  patterns         features that tend to win or lose, pooled over past tests\n"
    "  forecast \"DRAFT\" which candidate to test: chance of being best, expected lift\n"
    "  ontology         the node and edge types of the server's ontology\n"
    "  backup           an online backup taken by the server\n"
    "  restore DIR      copy a backup into an empty data directory (offline)\n"
    "'expgraph COMMAND --help' explains each. Exit codes: 0 ok, 1 the server said no,\n"
    "2 usage error, 3 the server could not be reached.\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace expgraph::cli;
  const char* environment_url = std::getenv("EXPGRAPH_URL");
  std::string url = environment_url != nullptr ? environment_url : "http://localhost:8080";
  int i = 1;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    }
    if (arg == "--url" && i + 1 < argc) {
      url = argv[++i];
    } else if (arg.rfind("--url=", 0) == 0) {
      url = arg.substr(6);
    } else {
      break;
    }
  }
  if (i >= argc) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  std::string command = argv[i];
  Arguments args(argv + i + 1, argv + argc);
  const std::map<std::string, int (*)(CliClient&, const Arguments&)> commands = {
      {"import", run_import},     {"export", run_export},     {"query", run_query},
      {"get", run_get},           {"stats", run_stats},       {"search", run_search},
      {"backup", run_backup},     {"restore", run_restore},   {"similar", run_similar},
      {"patterns", run_patterns}, {"forecast", run_forecast}, {"ontology", run_ontology},
      {"whoami", run_whoami}};
  auto found = commands.find(command);
  if (found == commands.end()) {
    std::fprintf(stderr, "expgraph: unknown command \"%s\"\n%s", command.c_str(), kUsage);
    return kExitUsage;
  }
  CliClient client(url);
  return found->second(client, args);
}
