// `adma experiment` (the paper's Tables 1-4) and `adma sweep` (Adma's a): plan
// the runs, start the pending ones as `adma train` children (or print their
// commands), collect every finished run folder into results (apps/experiment/experiment.h).
//   adma experiment --table 1 --datasets fashion-mnist --iterations 3 --jobs 2 --devices cuda:0,cuda:1
//   adma sweep --dataset fashion-mnist --a 0.20:0.32:0.01 --epochs 10 --out sweeps/fm
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "apps/cli/commands.h"
#include "apps/experiment/experiment.h"
#include "apps/common/files.h"
#include "core/error.h"

namespace adma::apps {

namespace {

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream is(text);
  std::string piece;
  while (std::getline(is, piece, ',')) {
    const auto b = piece.find_first_not_of(' '), e = piece.find_last_not_of(' ');
    if (b != std::string::npos) out.push_back(piece.substr(b, e - b + 1));
  }
  return out;
}

struct LaunchFlags {
  int jobs = 0;  // 0: one per device of --devices, else 1
  std::string devices;
  bool print_commands = false, collect_only = false;
};

void add_launch_flags(CLI::App* cmd, LaunchFlags& f) {
  cmd->add_option("--jobs", f.jobs, "runs at once (child processes; default one per --devices entry, else 1)");
  cmd->add_option("--devices", f.devices, "devices to spread the runs over, e.g. cuda:0,cuda:1 (default: auto)");
  cmd->add_flag("--print-commands", f.print_commands,
                "print one `adma train` command per pending run (for a cluster scheduler) and start none");
  cmd->add_flag("--collect-only", f.collect_only, "start no run; collect the finished ones into the results");
}

LaunchOptions resolve_launch(const LaunchFlags& f) {
  LaunchOptions o;
  ADMA_CHECK(f.jobs >= 0, "--jobs must be >= 1, got ", f.jobs);
  ADMA_CHECK(!(f.print_commands && f.collect_only), "--print-commands and --collect-only exclude each other");
  o.print_commands = f.print_commands;
  o.collect_only = f.collect_only;
  for (const auto& d : split_names(f.devices)) {
    // Printed commands may run elsewhere: only devices to be used here must exist here.
    const std::string name = resolve_device(d, !f.print_commands);
    ADMA_CHECK(name != "cpu" || split_names(f.devices).size() == 1, "--devices: cpu cannot be mixed with GPUs");
    o.devices.push_back(name);
  }
  o.jobs = f.jobs > 0 ? f.jobs : std::max<int>(1, static_cast<int>(o.devices.size()));
  return o;
}

}  // namespace

void register_experiment(CLI::App& app) {
  struct Opts {
    int table = 1, iterations = 1;
    std::string datasets = "fashion-mnist", losses = "adma,cce,squared-hinge,mse", out;
    uint64_t seed = 1;
    TrainFlags train;
    LaunchFlags launch;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("experiment", "Reproduce a table of the paper: many runs, results.md beside the paper");
  cmd->add_option("--table", o->table, "1: Adam + L2, 2: SGD + L2, 3: Adam, 4: SGD")->capture_default_str();
  cmd->add_option("--datasets", o->datasets, "comma-separated: " + paper_dataset_names())->capture_default_str();
  cmd->add_option("--losses", o->losses, "comma-separated losses (each with the table's a)")->capture_default_str();
  cmd->add_option("--iterations", o->iterations, "runs per dataset and loss (seeds seed, seed+1, ...)")
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "seed of the first iteration")->capture_default_str();
  cmd->add_option("--out", o->out, "output folder (default experiments/tableN)");
  add_launch_flags(cmd, o->launch);
  add_train_flags(cmd, o->train, TrainFlagSet{false});
  cmd->callback([o] {
    auto spec = std::make_shared<ExperimentSpec>();
    auto plan = std::make_shared<std::vector<RunPlan>>();
    LaunchOptions launch;
    try {
      ADMA_CHECK(o->table >= 1 && o->table <= 4, "--table: the paper has Tables 1 to 4, not ", o->table);
      spec->table = o->table;
      spec->datasets = split_names(o->datasets);
      spec->losses = split_names(o->losses);
      spec->iterations = o->iterations;
      spec->out = o->out.empty() ? "experiments/table" + std::to_string(o->table) : o->out;
      spec->base = o->train;
      spec->base.seed = o->seed;
      launch = resolve_launch(o->launch);
      *plan = plan_experiment(*spec, !launch.print_commands);
    } catch (const Error& e) {
      throw CLI::ValidationError(e.what());
    }
    selected() = [spec, plan, launch] {
      const int failed = launch_runs(*plan, launch, stderr);
      if (launch.print_commands) return;
      const auto cells = collect_results(*plan, spec->table);
      const std::string md = write_experiment_results(spec->out, spec->table, cells, *plan, stderr);
      std::printf("%s\n", read_file(md).c_str());
      std::fprintf(stderr, "results: %s, %s/results.csv, %s/learning-curves.png\n", md.c_str(), spec->out.c_str(),
                   spec->out.c_str());
      ADMA_CHECK(failed == 0, failed, " of the runs failed (each folder's train.log says why); ", md,
                 " holds the finished ones. Run the same command again to retry them.");
    };
  });
}

void register_sweep(CLI::App& app) {
  struct Opts {
    std::string a = "0.20:0.32:0.01", out;
    int iterations = 1;
    uint64_t seed = 1;
    TrainFlags train;
    LaunchFlags launch;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("sweep", "Train with Adma over a range of a; accuracy against a as CSV and PNG");
  cmd->add_option("--a", o->a, "START:STOP:STEP (both ends included) or a list a1,a2,...")->capture_default_str();
  cmd->add_option("--dataset", o->train.dataset, "dataset")->capture_default_str();
  cmd->add_option("--optimizer", o->train.optimizer, "adam or sgd")->capture_default_str();
  cmd->add_option_function<double>("--l2", [o](double v) { o->train.l2 = v; },
                                   "L2 factor on conv kernels (default 1e-4; 0 = without)");
  cmd->add_option("--iterations", o->iterations, "runs per value of a (seeds seed, seed+1, ...)")
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "seed of the first iteration")->capture_default_str();
  cmd->add_option("--out", o->out, "output folder (default sweeps/DATASET)");
  add_launch_flags(cmd, o->launch);
  add_train_flags(cmd, o->train, TrainFlagSet{false});
  cmd->callback([o] {
    auto spec = std::make_shared<SweepSpec>();
    auto plan = std::make_shared<std::vector<RunPlan>>();
    LaunchOptions launch;
    try {
      spec->a_values = parse_range(o->a, "--a");
      for (double a : spec->a_values) ADMA_CHECK(a >= 0, "--a: the scaling factor must be >= 0, got ", a);
      spec->iterations = o->iterations;
      spec->out = o->out.empty() ? "sweeps/" + o->train.dataset : o->out;
      spec->base = o->train;
      spec->base.seed = o->seed;
      launch = resolve_launch(o->launch);
      *plan = plan_sweep(*spec, !launch.print_commands);
    } catch (const Error& e) {
      throw CLI::ValidationError(e.what());
    }
    selected() = [spec, plan, launch] {
      const int failed = launch_runs(*plan, launch, stderr);
      if (launch.print_commands) return;
      const auto cells = collect_results(*plan, 0);
      const std::string csv = write_sweep_results(spec->out, cells, stderr);
      std::printf("%s", read_file(csv).c_str());
      std::fprintf(stderr, "results: %s, %s/sweep.png\n", csv.c_str(), spec->out.c_str());
      ADMA_CHECK(failed == 0, failed, " of the runs failed (each folder's train.log says why); ", csv,
                 " holds the finished ones. Run the same command again to retry them.");
    };
  });
}

}  // namespace adma::apps
