// Bookkeeping of many training runs, independent of how one run trains:
// `adma experiment` (the paper's Tables 1-4) and `adma sweep` (Adma's a) plan a
// list of runs, each with a fixed output folder; skip the runs whose folder
// already holds a summary.json (so a stopped experiment continues where it
// stopped, and runs finished on other machines count once their folders are
// copied in); start the others as `adma train` child processes of this same
// executable, N at a time, spread over --devices; or print one `adma train`
// command per pending run for a cluster scheduler. Results are always collected
// from the run folders (apps/run/run_folder.h).
#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "apps/experiment/paper_tables.h"
#include "apps/cli/train_flags.h"

namespace adma::apps {

struct RunPlan {
  std::string dataset, loss;
  double a = 0;          // Adma's scaling factor (for the other losses: unused)
  int iteration = 0;     // 0-based; seed = first seed + iteration
  TrainSettings settings;  // complete; settings.out is the run's folder
  bool finished = false;   // its folder holds a summary.json
};

// The folder of one run below `out`: runs/DATASET/LOSS/seed-S, with LOSS
// "adma-a0.258" for Adma (its a in the name, so a sweep's runs differ).
std::string run_folder_name(const std::string& out, const std::string& dataset, const std::string& loss, double a,
                            uint64_t seed);

struct ExperimentSpec {
  int table = 1;
  std::vector<std::string> datasets = {"fashion-mnist"};
  std::vector<std::string> losses = paper_losses();
  int iterations = 1;
  std::string out;
  TrainFlags base;  // shared train flags; dataset, loss, a, optimizer, l2, seed, out set per run
};
// Every run of the experiment: datasets x losses x iterations, each loss with
// the table's `a` (Adma) and the table's optimizer and L2.
std::vector<RunPlan> plan_experiment(const ExperimentSpec& spec, bool local = true);

struct SweepSpec {
  std::vector<double> a_values;
  int iterations = 1;
  std::string out;
  TrainFlags base;  // dataset, optimizer, l2 and the rest; loss = adma, a and seed set per run
};
std::vector<RunPlan> plan_sweep(const SweepSpec& spec, bool local = true);

// "0.20:0.32:0.01" -> 0.20, 0.21, ..., 0.32 (both ends included; the count is
// rounded so float steps do not lose the last value); "0.2,0.25" -> a list.
std::vector<double> parse_range(const std::string& text, const std::string& flag);

struct LaunchOptions {
  int jobs = 1;                      // runs at once
  std::vector<std::string> devices;  // each child gets --device D (least busy first)
  bool print_commands = false;       // print pending runs' commands instead of running them
  bool collect_only = false;         // start nothing, collect what is finished
};

// Runs (or prints) the pending runs of `plan`, reporting to `log`. Returns the
// number of runs that failed (their train.log says why); the plan's `finished`
// flags are refreshed from the folders afterwards.
int launch_runs(std::vector<RunPlan>& plan, const LaunchOptions& o, std::FILE* log);

// The shell command (quoted) that runs one planned run.
std::string train_command(const std::string& program, const RunPlan& run, const std::string& device);

// Mean and spread of one group of runs (one dataset and loss, or one a).
struct CellStats {
  std::string dataset, loss;
  double a = 0;
  int planned = 0, finished = 0;
  double mean = 0, std = 0;             // final validation accuracy over finished runs (sample std)
  double mean_best = 0, mean_first = 0, mean_seconds = 0;
  std::vector<double> curve;            // mean validation accuracy per epoch over finished runs
  const PaperResult* paper = nullptr;   // the paper's cell, if it has one
};
// Groups runs by (dataset, loss, a) in plan order and reads each finished run's
// summary.json and metrics.csv. `table` (0 = none) selects the paper's values.
std::vector<CellStats> collect_results(const std::vector<RunPlan>& plan, int table);

// results.md, results.csv and learning-curves.png (+ .csv, .gp) in `out`.
// Returns the path of results.md; gnuplot's absence is reported to `log`.
std::string write_experiment_results(const std::string& out, int table, const std::vector<CellStats>& cells,
                                     const std::vector<RunPlan>& plan, std::FILE* log);
// sweep.csv and sweep.png (+ .gp) in `out`: accuracy against a.
std::string write_sweep_results(const std::string& out, const std::vector<CellStats>& cells, std::FILE* log);

}  // namespace adma::apps
