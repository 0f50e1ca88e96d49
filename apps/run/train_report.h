// What `adma train` does around the library's training loop, in one object the
// loop's hooks call: config.json at the start, the progress bar and a
// metrics.csv row per epoch, summary.json and curves.png at the end. The
// wiring of a trainer is then (see docs/program.md):
//   TrainReport report(settings, steps_per_epoch, stdout);
//   report.start(device_used, backend_text);          // once, before epoch 1
//   report.begin_epoch(e); report.step(i, loss, acc);  // from the loop's hooks
//   report.end_epoch(metrics);                         // after validation
//   report.finish(total_seconds);                      // after the last epoch
#pragma once
#include <cstdio>

#include "apps/run/progress.h"
#include "apps/run/run_folder.h"
#include "apps/run/train_settings.h"

namespace adma::apps {

class TrainReport {
 public:
  // Opens (creates) settings.out. With settings.resume, keeps the metrics of
  // the `epochs_done` epochs the checkpoint holds.
  TrainReport(const TrainSettings& settings, int64_t steps_per_epoch, std::FILE* out, int epochs_done = 0);

  // Writes config.json and prints the device and backend actually used.
  void start(const std::string& device, const std::string& backend);
  void begin_epoch(int epoch) { progress_.begin_epoch(epoch); }
  void step(int64_t step, double loss, double accuracy) { progress_.step(step, loss, accuracy); }
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
