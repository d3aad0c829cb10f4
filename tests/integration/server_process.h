// ServerProcess: runs the real expgraphd as a child process for the HTTP integration tests, on
// a fresh temporary data directory and a free loopback port; stops it (SIGTERM), kills it
// (SIGKILL) and restarts it on the same data. Not thread-safe: one test thread drives it, and
// it must be the thread that outlives the child (the child dies with it, via PDEATHSIG).
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/types.h>

#include <string>
#include <vector>

namespace expgraph::testing {

class ServerProcess {
 public:
  // `extra_args` are passed to expgraphd after --data/--port/--bind/--quiet; without an
  // "--auth" among them the server runs with --auth off.
  explicit ServerProcess(std::vector<std::string> extra_args = {});
  // Kills a running server and removes the temporary directory: nothing is left behind.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server on a free port and waits (up to 30 s) until /healthz answers 200.
  // On failure the message carries the server's stderr.
  ::testing::AssertionResult start();
  // SIGTERM, then waits; succeeds only when the server exits with code 0.
  ::testing::AssertionResult stop();
  // SIGKILL, then reaps the process: an abrupt crash.
  void kill();
  // stop() then start() on the same data directory.
  ::testing::AssertionResult restart();
  // Later starts reuse the current port instead of picking a free one, so that clients holding
  // its address (a read replica's --replica-of) find the restarted server there.
  void keep_port() { keep_port_ = true; }

  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  // The running server's process id (-1 when none): tests read its /proc status.
  pid_t pid() const { return pid_; }
  const std::string& data_dir() const { return data_dir_; }
  // What the current (or last) server process wrote to stderr.
  std::string stderr_text() const;
  // A client for this server with short timeouts, so that a dead server fails fast.
  httplib::Client client() const;

 private:
  ::testing::AssertionResult start_once(bool& port_taken);
  // Waits for the child to exit; true and its wait status when it did within the timeout.
  bool wait_for_exit(int timeout_ms, int& wait_status);

  std::vector<std::string> extra_args_;
  std::string root_dir_;  // mkdtemp directory holding data/ and the stderr logs
  std::string data_dir_;
  std::string log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
  int starts_ = 0;
  bool keep_port_ = false;
};

// The outcome of running expgraphd to completion (for command-line tests).
struct ProcessOutcome {
  int exit_code = -1;  // -1 when it did not exit on its own within the timeout
  std::string output;  // stdout and stderr, interleaved
};
ProcessOutcome run_server_to_exit(const std::vector<std::string>& args, int timeout_ms = 10000);

// A free TCP port on 127.0.0.1 at the time of the call (bind to port 0, read it, close).
int pick_free_port();

// The whole content of a file ("" when it cannot be read).
std::string read_file(const std::string& path);

}  // namespace expgraph::testing
