// Training progress on the terminal. On a TTY, a bar per epoch redrawn in place
// (step, running loss and accuracy, images/s, ETA of the epoch), replaced by
// the epoch's line when it ends; otherwise (a log file, a pipe, a child of
// `adma experiment`) only that one plain line per epoch:
//   epoch 3/75: train loss 0.4123 acc 0.8512 | val loss 0.3811 acc 0.8690 | lr 0.001 a 0.258 | 12.3 s, 4870 img/s
#pragma once
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

#include "apps/run/run_folder.h"

namespace adma::apps {

// True when `f` is a terminal (isatty), the default for EpochProgress::Options::tty.
bool is_terminal(std::FILE* f);

class EpochProgress {
 public:
  struct Options {
    bool tty = false;
    int epochs = 0;               // of the whole run
    int64_t steps_per_epoch = 0;  // training steps in one epoch
    int64_t batch = 0;            // images per step, for images/s
    double redraw_seconds = 0.1;  // the bar is redrawn at most this often
    std::function<double()> clock;  // seconds, monotonic; default steady_clock
  };
  EpochProgress(std::FILE* out, Options o);

  void begin_epoch(int epoch);
  // After step `step` (1-based) of the epoch, with the epoch's running mean loss
  // and accuracy. Reading them off a GPU synchronises, so a trainer may call
  // this only every few steps; the bar shows the latest numbers it got.
  void step(int64_t step, double loss, double accuracy);
  // The epoch's line; throws when it cannot be written.
  void end_epoch(const EpochMetrics& m);

  // The plain line of an epoch (what end_epoch prints), for tests and logs.
  std::string epoch_line(const EpochMetrics& m, double images_per_second) const;
  // The bar (what step() draws, without the leading carriage return).
  std::string bar_line(int64_t step, double loss, double accuracy, double elapsed) const;

 private:
  std::FILE* out_;
  Options o_;
  int epoch_ = 0;
  double epoch_start_ = 0, last_draw_ = -1e300;
  bool drawn_ = false;
};

}  // namespace adma::apps
