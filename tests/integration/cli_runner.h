// Runs this build's `expgraph` CLI through the shell, as a user would, for the integration
// tests: its exit code and what it printed.
#pragma once

#include <string>

namespace expgraph::testing {

struct CliRun {
  int exit_code = -1;  // -1 when the shell could not be started or the CLI did not exit normally
  std::string output;
};

enum class CliCapture {
  kStdoutAndStderr,
  kStdoutOnly,  // stderr discarded: for output that is parsed (--json)
};

// `arguments` is a shell fragment (quotes and redirections work); `environment` holds
// "NAME=value " assignments put before the command.
CliRun run_cli(const std::string& arguments, const std::string& environment = "",
               CliCapture capture = CliCapture::kStdoutAndStderr);

}  // namespace expgraph::testing
