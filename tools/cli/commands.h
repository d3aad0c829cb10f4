// The expgraph CLI's subcommands. Each takes its own arguments (after the subcommand name)
// and returns the process exit code (see cli_client.h).
#pragma once

#include <string>
#include <vector>

#include "tools/cli/cli_client.h"

namespace expgraph::cli {

using Arguments = std::vector<std::string>;

int run_import(CliClient& client, const Arguments& args);
int run_export(CliClient& client, const Arguments& args);
int run_query(CliClient& client, const Arguments& args);
int run_get(CliClient& client, const Arguments& args);
int run_stats(CliClient& client, const Arguments& args);
int run_whoami(CliClient& client, const Arguments& args);
int run_search(CliClient& client, const Arguments& args);
int run_backup(CliClient& client, const Arguments& args);
// The planner's commands (planner_commands.cc).
int run_similar(CliClient& client, const Arguments& args);
int run_patterns(CliClient& client, const Arguments& args);
int run_forecast(CliClient& client, const Arguments& args);
int run_ontology(CliClient& client, const Arguments& args);
// Offline: ignores the client.
int run_restore(CliClient& client, const Arguments& args);

// Percent-encodes a path segment or query value.
std::string url_encode(const std::string& text);

}  // namespace expgraph::cli
