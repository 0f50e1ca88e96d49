// What `adma train` does around the library's training loop, in one object the
// loop's hooks call: config.json at the start, the progress bar and a
// metrics.csv row per epoch, summary.json and curves.png at the end. The
// wiring of a trainer is then (see docs/program.md):
//   TrainReport report(settings, steps_per_epoch, stdout);
//   report.start(device_used, backend_text, &args);   // once, before epoch 1
//   report.begin_epoch(e); report.step(i, loss, acc);  // from the loop's hooks
//   commit_epoch(session, report.folder(), ...);      // after validation (epoch_commit.h)
//   report.end_epoch(metrics);                         // the progress line
//   report.finish(total_seconds);                      // after the last epoch
#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "apps/run/progress.h"
#include "apps/run/run_folder.h"
#include "apps/run/train_settings.h"

namespace adma::apps {

class TrainReport {
 public:
  // Opens (creates) settings.out. With settings.resume, keeps the metrics of
  // the `epochs_done` epochs the checkpoint holds.
  TrainReport(const TrainSettings& settings, int64_t steps_per_epoch, std::FILE* out, int epochs_done = 0);

  // Writes config.json with `train_args` (the arguments that rebuild the run, which
  // --resume reads back before a checkpoint exists) and prints the device and backend
  // actually used. A resumed run passes nullptr: config.json stays as its start wrote it.
  void start(const std::string& device, const std::string& backend, const std::vector<std::string>* train_args);
  void begin_epoch(int epoch) { progress_.begin_epoch(epoch); }
  void step(int64_t step, double loss, double accuracy) { progress_.step(step, loss, accuracy); }
  // The epoch's progress line (the folder's row is written by commit_epoch).
  void end_epoch(const EpochMetrics& m);
  // summary.json and curves.png; prints where they are. Returns the summary.
  RunSummary finish(double seconds);

  RunFolder& folder() { return folder_; }

 private:
  TrainSettings settings_;
  std::FILE* out_;
  RunFolder folder_;
  EpochProgress progress_;
  std::string device_;
};

}  // namespace adma::apps
