#include "tools/cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace expgraph::cli {

Progress::Progress(std::string label, size_t total)
    : label_(std::move(label)),
      total_(total),
      terminal_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void Progress::update(size_t done, size_t items) {
  auto now = std::chrono::steady_clock::now();
  auto since = now - last_draw_;
  if (since < (terminal_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000))) {
    return;
  }
  last_draw_ = now;
  draw(done, items, false);
}

void Progress::finish(size_t done, size_t items) { draw(done, items, true); }

void Progress::draw(size_t done, size_t items, bool final) {
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = seconds > 0 ? items / seconds : 0;
  double fraction = total_ > 0 ? static_cast<double>(done) / total_ : 0;
  double eta = (fraction > 0 && fraction < 1) ? seconds * (1 - fraction) / fraction : 0;
  if (total_ == 0) {
    // Unknown total: no bar, no percentage, no ETA.
    std::fprintf(stderr, terminal_ ? "\r%s: %zu items, %.0f/s   " : "%s: %zu items, %.0f/s",
                 label_.c_str(), items, rate);
    if (final || !terminal_) std::fprintf(stderr, final ? ", done\n" : "\n");
  } else if (terminal_) {
    constexpr int kWidth = 30;
    int filled = static_cast<int>(fraction * kWidth);
    std::string bar(filled, '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r%s [%s] %5.1f%% %zu items, %.0f/s, ETA %.0fs   ", label_.c_str(),
                 bar.c_str(), fraction * 100, items, rate, eta);
    if (final) std::fputc('\n', stderr);
  } else {
    std::fprintf(stderr, "%s: %.1f%% %zu items, %.0f/s%s\n", label_.c_str(), fraction * 100,
                 items, rate, final ? ", done" : "");
  }
  std::fflush(stderr);
}

}  // namespace expgraph::cli
