// The plan of many training runs: `adma experiment` (the paper's Tables 1-4) and
// `adma sweep` (Adma's a) list their runs, each with its settings and a fixed output
// folder, so a stopped experiment continues where it stopped (a run whose folder
// holds a summary.json is finished), and runs finished on other machines count once
// their folders are copied in. apps/experiment/launch.h starts the pending runs,
// apps/experiment/results.h collects the finished ones.
//
// The planner chooses what varies from run to run (dataset, loss, a, optimizer, L2,
// seed, folder) and knows no flag: the command front hands it a TrainRecipe over the
// user's other train flags (apps/cli/train_flags.h: train_recipe()).
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "apps/experiment/paper_tables.h"
#include "apps/run/train_settings.h"

namespace adma::apps {

// What the planner sets for one run; unset fields are as the user's train flags say.
struct RunChoice {
  std::optional<std::string> dataset, loss, optimizer;
  std::optional<double> a, l2;  // a unset: the flags' default (the paper's for dataset, optimizer and L2)
  std::map<std::string, std::string> model_options;  // model table options over the flags' (ablations)
  uint64_t seed = 1;
};

// One run of paper Table `table` (its optimizer, L2 and Adma's a for `dataset`).
RunChoice table_choice(int table, const std::string& dataset, const std::string& loss, uint64_t seed);

struct TrainRecipe {
  // The complete settings of one run: the user's train flags with `choice` (any `out` is replaced).
  std::function<TrainSettings(const RunChoice& choice)> settings;
  // The `adma train` arguments that rebuild `s`, without --device (a launcher adds it).
  std::function<std::vector<std::string>(const TrainSettings& s)> arguments;
};

struct RunPlan {
  std::string dataset, loss;
  double a = 0;                         // Adma's scaling factor (for the other losses: unused)
  int iteration = 0;                    // 0-based; seed = first seed + iteration
  TrainSettings settings;               // complete; settings.out is the run's folder
  std::vector<std::string> train_args;  // the `adma train` arguments of the run, without --device
  bool finished = false;                // its folder holds a summary.json
  std::string variant;                  // ablations: the model option it studies, "activation=relu"
};

// One run: the recipe's settings for `choice`, in run_folder_name(out, ...); a finished
// folder must hold the same settings (else it belongs to another experiment: refused).
RunPlan plan_run(const RunChoice& choice, const std::string& out, int iteration, const TrainRecipe& recipe);

// The folder of one run below `out`: runs/DATASET/LOSS/seed-S, with LOSS
// "adma-a0.258" for Adma (its a in the name, so a sweep's runs differ).
std::string run_folder_name(const std::string& out, const std::string& dataset, const std::string& loss, double a,
                            uint64_t seed);

// Bounds on planned work, checked before any run is planned: iterations per choice and
// runs in one plan. Two planned runs with the same folder (a value given twice) are refused.
constexpr int kMaxIterations = 1000;
constexpr int kMaxPlannedRuns = 10000;
// --iterations in [1, kMaxIterations] and a non-empty --out.
void check_spec(int iterations, const std::string& out);
// `runs` (the product of the lists, named in `product`) at most kMaxPlannedRuns.
void check_run_count(size_t runs, const std::string& product);
// No two planned runs share a folder; `lists` names the flags whose values repeat.
void check_distinct(const std::vector<RunPlan>& plan, const std::string& lists);

struct ExperimentSpec {
  int table = 1;
  std::vector<std::string> datasets = {"fashion-mnist"};
  std::vector<std::string> losses = paper_losses();
  int iterations = 1;
  uint64_t seed = 1;  // of the first iteration
  std::string out;
};
// Every run of the experiment: datasets x losses x iterations, each loss with the
// table's `a` (Adma) and the table's optimizer and L2. A finished run's folder must
// hold the settings planned now (else --out holds another experiment: refused).
std::vector<RunPlan> plan_experiment(const ExperimentSpec& spec, const TrainRecipe& recipe);

struct SweepSpec {
  std::vector<double> a_values;
  int iterations = 1;
  uint64_t seed = 1;
  std::string out;
};
// One Adma run per value of a and iteration; dataset, optimizer, L2 and the rest as the flags say.
std::vector<RunPlan> plan_sweep(const SweepSpec& spec, const TrainRecipe& recipe);

}  // namespace adma::apps
