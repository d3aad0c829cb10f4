#include "integration/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace expgraph::testing {

namespace {

// A restart after kill -9 replays the WAL and rebuilds the mirror, key index and search index;
// on a shared 2-core machine under a parallel build that once took over 10 s. Starting servers
// return as soon as /healthz answers, so a generous bound costs nothing when all is well.
constexpr int kStartTimeoutMs = 30000;
constexpr int kStopTimeoutMs = 10000;
constexpr int kStartAttempts = 5;

std::string make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "expgraph-it-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return {};
  return pattern;
}

// fork + exec of expgraphd with stdout and stderr appended to `output_path`. The child gets
// SIGKILL when this thread exits, so a crashed test never leaves a server behind.
pid_t spawn_server(const std::vector<std::string>& args, const std::string& output_path) {
  std::vector<std::string> argv_strings{EXPGRAPH_SERVER_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid != 0) return pid;  // parent (or -1)
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);
  int null_fd = open("/dev/null", O_RDONLY);
  int out_fd = open(output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (null_fd < 0 || out_fd < 0) _exit(127);
  dup2(null_fd, STDIN_FILENO);
  dup2(out_fd, STDOUT_FILENO);
  dup2(out_fd, STDERR_FILENO);
  execv(argv[0], argv.data());
  _exit(127);
}

// Polls waitpid until the child exits or `timeout_ms` passes.
bool wait_with_timeout(pid_t pid, int timeout_ms, int& wait_status) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    pid_t done = waitpid(pid, &wait_status, WNOHANG);
    if (done == pid) return true;
    if (done < 0) {
      wait_status = 0;
      return true;  // not our child any more; nothing left to wait for
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string describe_wait_status(int wait_status) {
  if (WIFEXITED(wait_status)) return "exit code " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) return "killed by signal " + std::to_string(WTERMSIG(wait_status));
  return "wait status " + std::to_string(wait_status);
}

// "http://127.0.0.1:PORT", or https:// when the server was given --tls-cert (then clients
// connect without verifying the certificate).
std::string base_url(const std::vector<std::string>& args, int port) {
  bool tls = std::find(args.begin(), args.end(), "--tls-cert") != args.end();
  return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port);
}

}  // namespace

int pick_free_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

ServerProcess::ServerProcess(std::vector<std::string> extra_args)
    : extra_args_(std::move(extra_args)), root_dir_(make_temp_dir()) {
  data_dir_ = root_dir_ + "/data";
  // Most tests are about other things than API keys: they run without, unless they ask.
  if (std::find(extra_args_.begin(), extra_args_.end(), "--auth") == extra_args_.end()) {
    extra_args_.insert(extra_args_.begin(), {"--auth", "off"});
  }
}

ServerProcess::~ServerProcess() {
  if (running()) kill();
  if (!root_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(root_dir_, ignored);
  }
}

std::string ServerProcess::stderr_text() const { return read_file(log_path_); }

httplib::Client ServerProcess::client() const {
  httplib::Client client(base_url(extra_args_, port_));
  client.enable_server_certificate_verification(false);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(10, 0);
  client.set_write_timeout(10, 0);
  client.set_keep_alive(true);
  // Without it, the body waits for the ACK of the headers (Nagle + delayed ACK, ~40 ms).
  client.set_tcp_nodelay(true);
  return client;
}

::testing::AssertionResult ServerProcess::start() {
  if (root_dir_.empty()) return ::testing::AssertionFailure() << "mkdtemp failed";
  if (running()) return ::testing::AssertionFailure() << "the server is already running";
  // Another process may take the free port between our probe and the server's bind: retry.
  for (int attempt = 1;; ++attempt) {
    bool port_taken = false;
    ::testing::AssertionResult started = start_once(port_taken);
    if (started || !port_taken || attempt == kStartAttempts) return started;
  }
}

::testing::AssertionResult ServerProcess::start_once(bool& port_taken) {
  if (!keep_port_ || port_ == 0) port_ = pick_free_port();
  if (port_ == 0) return ::testing::AssertionFailure() << "no free loopback port";
  log_path_ = root_dir_ + "/server-" + std::to_string(++starts_) + ".log";
  std::vector<std::string> args{"--data", data_dir_,   "--port", std::to_string(port_),
                                "--bind", "127.0.0.1", "--quiet"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  pid_ = spawn_server(args, log_path_);
  if (pid_ < 0) return ::testing::AssertionFailure() << "fork failed";

  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kStartTimeoutMs);
  httplib::Client probe(base_url(extra_args_, port_));
  probe.enable_server_certificate_verification(false);
  probe.set_connection_timeout(0, 200000);
  probe.set_read_timeout(1, 0);
  while (std::chrono::steady_clock::now() < deadline) {
    int wait_status = 0;
    if (waitpid(pid_, &wait_status, WNOHANG) == pid_) {
      pid_ = -1;
      std::string log = stderr_text();
      port_taken = log.find("cannot bind") != std::string::npos;
      return ::testing::AssertionFailure()
             << "expgraphd exited during start-up (" << describe_wait_status(wait_status)
             << "); its stderr:\n"
             << log;
    }
    auto response = probe.Get("/healthz");
    if (response && response->status == 200) return ::testing::AssertionSuccess();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill();
  return ::testing::AssertionFailure()
         << "expgraphd did not answer /healthz within " << kStartTimeoutMs << " ms; its stderr:\n"
         << stderr_text();
}

bool ServerProcess::wait_for_exit(int timeout_ms, int& wait_status) {
  if (!wait_with_timeout(pid_, timeout_ms, wait_status)) return false;
  pid_ = -1;
  return true;
}

::testing::AssertionResult ServerProcess::stop() {
  if (!running()) return ::testing::AssertionFailure() << "the server is not running";
  ::kill(pid_, SIGTERM);
  int wait_status = 0;
  if (!wait_for_exit(kStopTimeoutMs, wait_status)) {
    kill();
    return ::testing::AssertionFailure()
           << "expgraphd did not exit within " << kStopTimeoutMs << " ms of SIGTERM; its stderr:\n"
           << stderr_text();
  }
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    return ::testing::AssertionFailure()
           << "expgraphd stopped with " << describe_wait_status(wait_status)
           << " after SIGTERM; its stderr:\n"
           << stderr_text();
  }
  return ::testing::AssertionSuccess();
}

void ServerProcess::kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  int wait_status = 0;
  // SIGKILL cannot be caught; the wait only reaps the zombie.
  wait_for_exit(kStopTimeoutMs, wait_status);
  pid_ = -1;
}

::testing::AssertionResult ServerProcess::restart() {
  ::testing::AssertionResult stopped = stop();
  if (!stopped) return stopped;
  return start();
}

ProcessOutcome run_server_to_exit(const std::vector<std::string>& args, int timeout_ms) {
  ProcessOutcome outcome;
  std::string dir = make_temp_dir();
  if (dir.empty()) return outcome;
  std::string output_path = dir + "/output.log";
  pid_t pid = spawn_server(args, output_path);
  int wait_status = 0;
  if (pid > 0 && wait_with_timeout(pid, timeout_ms, wait_status)) {
    if (WIFEXITED(wait_status)) outcome.exit_code = WEXITSTATUS(wait_status);
  } else if (pid > 0) {
    ::kill(pid, SIGKILL);
    wait_with_timeout(pid, kStopTimeoutMs, wait_status);
  }
  outcome.output = read_file(output_path);
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return outcome;
}

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace expgraph::testing
