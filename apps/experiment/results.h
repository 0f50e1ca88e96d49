// The results of many runs, always collected from their folders (apps/run/run_folder.h):
// per dataset, loss and a the mean and spread of the final validation accuracy beside
// the paper's value, as results.md, results.csv and the learning curves of an
// experiment, or sweep.csv and sweep.png (accuracy against a) of a sweep.
#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "apps/experiment/paper_tables.h"
#include "apps/experiment/plan.h"

namespace adma::apps {

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
