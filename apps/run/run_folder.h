// The output folder of one training run (`adma train --out DIR`), written by the
// program around the library's training loop and read back by `adma
// experiment` and `adma sweep`:
//   config.json   every setting, the code version, the device (at the start)
//   metrics.csv   epoch,train_loss,train_accuracy,val_loss,val_accuracy,lr,a,seconds
//                 (one row per finished epoch; rewritten atomically after each from
//                 the history last.safetensors carries: apps/run/epoch_commit.h)
//   summary.json  final_val_accuracy, best_val_accuracy, first_epoch_val_accuracy,
//                 seconds, device, epochs, best_epoch (at the end: its presence
//                 means "this run is finished")
//   curves.png    loss and accuracy per epoch (+ curves.csv, curves.gp; gnuplot)
// Accuracies are fractions in [0, 1]; `seconds` in metrics.csv is that epoch's
// wall time, in summary.json the whole run's.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "apps/common/gnuplot.h"

namespace adma::apps {

struct EpochMetrics {
  int epoch = 0;  // 1-based
  double train_loss = 0, train_accuracy = 0, val_loss = 0, val_accuracy = 0;
  double lr = 0, a = 0, seconds = 0;
};

struct RunSummary {
  double final_val_accuracy = 0, best_val_accuracy = 0, first_epoch_val_accuracy = 0;
  double seconds = 0;
  std::string device;
  int epochs = 0, best_epoch = 0;
};

// The header line of metrics.csv (without the newline).
extern const char* const kMetricsHeader;

std::string metrics_csv(const std::vector<EpochMetrics>& rows);
// Parses metrics.csv; every error names the file and the line.
std::vector<EpochMetrics> read_metrics_csv(const std::string& path);
// The same from text (a checkpoint keeps the history as metrics.csv's text); errors name `path`.
std::vector<EpochMetrics> parse_metrics_csv(const std::string& text, const std::string& path);
nlohmann::json summary_json(const RunSummary& s);
// Parses summary.json; a missing key or a non-number names the file and the key.
RunSummary read_summary_json(const std::string& path);
// The summary of finished epochs (throws when there are none).
RunSummary summarize(const std::vector<EpochMetrics>& rows, double seconds, const std::string& device);

class RunFolder {
 public:
  // Creates the folder (and its parents) when missing.
  explicit RunFolder(std::string dir);
  const std::string& dir() const { return dir_; }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  // config.json = `settings` + {"code_version", "device", "started"}.
  void write_config(nlohmann::json settings, const std::string& device) const;
  // For --resume: keeps the rows of metrics.csv up to `epochs_done` (a checkpoint
  // saved after that epoch) and drops later ones, which the resumed run redoes.
  void resume_metrics(int epochs_done);
  // For --resume from a checkpoint that carries the history: these rows, and metrics.csv rewritten from them.
  void restore(std::vector<EpochMetrics> rows);
  // Adds epoch m (which must be the next one) and rewrites metrics.csv.
  void append_epoch(const EpochMetrics& m);
  const std::vector<EpochMetrics>& metrics() const { return rows_; }
  // summary.json from the rows so far, with the run's total seconds and device.
  RunSummary write_summary(double seconds, const std::string& device) const;
  // curves.png (+ .csv, .gp): loss and accuracy per epoch, train and validation.
  PlotFiles draw_curves(const std::string& title) const;

 private:
  std::string dir_;
  std::vector<EpochMetrics> rows_;
};

// True when `dir` holds a summary.json (the run finished).
bool run_finished(const std::string& dir);

}  // namespace adma::apps
