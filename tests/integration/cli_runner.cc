#include "integration/cli_runner.h"

#include <sys/wait.h>

#include <cstdio>

namespace expgraph::testing {

CliRun run_cli(const std::string& arguments, const std::string& environment, CliCapture capture) {
  const std::string command = environment + std::string(EXPGRAPH_CLI_BINARY) + " " + arguments +
                              (capture == CliCapture::kStdoutOnly ? " 2>/dev/null" : " 2>&1");
  CliRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) run.output.append(buffer, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace expgraph::testing
