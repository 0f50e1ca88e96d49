// `adma experiment` (the paper's Tables 1-4) and `adma sweep` (Adma's a): plan
// the runs over the user's train flags, start the pending ones as `adma train`
// children (or print their commands), collect every finished run folder into results
// (apps/experiment/: plan.h, launch.h, results.h).
//   adma experiment --table 1 --datasets fashion-mnist --iterations 3 --jobs 2 --devices cuda:0,cuda:1
//   adma sweep --dataset fashion-mnist --a 0.20:0.32:0.01 --epochs 10 --out sweeps/fm
#include <algorithm>
#include <cstdio>
#include <functional>
#include <sstream>

#include "apps/cli/commands.h"
#include "apps/cli/flags.h"
#include "apps/cli/loss_flags.h"
#include "apps/cli/slurm_flags.h"
#include "apps/cli/threads.h"
#include "apps/cli/train_flags.h"
#include "apps/common/files.h"
#include "apps/cli/experiment_models.h"
#include "apps/experiment/launch.h"
#include "apps/experiment/plan.h"
#include "apps/experiment/results.h"
#include "apps/experiment/slurm.h"
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
  int jobs = 0;     // 0: one per device of --devices, else 1
  int threads = 0;  // of each run; 0: cores / jobs on a CPU
  std::string devices;
  bool print_commands = false, collect_only = false;
  SlurmOptions slurm;
};

void add_launch_flags(CLI::App* cmd, LaunchFlags& f) {
  cmd->add_option("--jobs", f.jobs, "runs at once (child processes; default one per --devices entry, else 1)");
  cmd->add_option("--devices", f.devices, "devices to spread the runs over, e.g. cuda:0,cuda:1 (default: auto)");
  cmd->add_flag("--print-commands", f.print_commands,
                "print one `adma train` command per pending run (for a cluster scheduler) and start none");
  cmd->add_flag("--collect-only", f.collect_only, "start no run; collect the finished ones into the results");
  add_slurm_flags(cmd, f.slurm);
  add_threads_flag(cmd, f.threads)->description(
      "CPU threads of each run (default on a CPU: the cores shared by the --jobs runs at once)");
}

// Each run's --threads: as given, else on a CPU the cores divided among the runs at
// once (each would otherwise start a thread per core: --jobs 2 on 2 cores ran 4
// threads on 2 cores). Not for runs elsewhere (printed commands, Slurm).
void share_cores(std::vector<RunPlan>& plan, const LaunchOptions& launch, int threads, bool here) {
  if (threads == 0 && here) {
    const bool cpu = launch.devices.empty() ? resolve_device("auto", false) == "cpu" : launch.devices[0] == "cpu";
    if (cpu) threads = std::max(1, usable_cores() / std::max(1, launch.jobs));
  }
  if (threads == 0) return;
  for (RunPlan& r : plan) {
    r.train_args.push_back("--threads");
    r.train_args.push_back(std::to_string(threads));
  }
}

// The results an experiment or a sweep wrote: the main file (printed) and where all are.
struct WrittenResults {
  std::string main, main_end, listing;
};

// After planning: start (or print) the pending runs, collect every finished one, write
// the results, and fail (exit 1) when a run failed, after the others are written.
void launch_and_collect(std::vector<RunPlan>& plan, const LaunchOptions& launch, const SlurmOptions& slurm,
                        const std::string& out, int table,
                        const std::function<WrittenResults(const std::vector<CellStats>&)>& write) {
  if (slurm.enabled && !launch.collect_only) {  // the runs go to Slurm; what is finished is collected now
    // One --devices entry goes on every task's command; Slurm itself hands out GPUs.
    const std::string device = launch.devices.empty() ? "" : launch.devices[0];
    const std::vector<std::string> jobs = slurm_submit_pending(out, plan, slurm, device, stderr);
    write(collect_results(plan, table));
    for (const auto& job : jobs) std::printf("%s\n", job.c_str());
    return;
  }
  const int failed = launch_runs(plan, launch, stderr);
  if (launch.print_commands) return;
  const WrittenResults r = write(collect_results(plan, table));
  const std::vector<FailedRun> failed_tasks = failed_slurm_runs(plan);  // of an earlier --slurm
  if (r.main.size() > 3 && r.main.compare(r.main.size() - 3, 3, ".md") == 0) append_failed_runs(r.main, failed_tasks);
  for (const auto& f : failed_tasks)
    std::fprintf(stderr, "FAILED   %s (%s): %s\n", f.folder.c_str(), f.status.c_str(), f.last_line.c_str());
  std::printf("%s%s", read_file(r.main).c_str(), r.main_end.c_str());
  std::fprintf(stderr, "results: %s\n", r.listing.c_str());
  ADMA_CHECK(failed == 0, failed, " of the runs failed (each folder's train.log says why); ", r.main,
             " holds the finished ones. Run the same command again to retry them.");
}

LaunchOptions resolve_launch(const LaunchFlags& f) {
  LaunchOptions o;
  ADMA_CHECK(f.jobs >= 0, "--jobs must be >= 1, got ", f.jobs);
  ADMA_CHECK(!(f.print_commands && f.collect_only), "--print-commands and --collect-only exclude each other");
  ADMA_CHECK(!(f.print_commands && f.slurm.enabled), "--print-commands and --slurm exclude each other");
  ADMA_CHECK(f.slurm.enabled || !f.slurm.script_only, "--slurm-script-only needs --slurm");
  check_slurm_options(f.slurm);
  o.print_commands = f.print_commands;
  o.collect_only = f.collect_only;
  for (const auto& d : split_names(f.devices)) {
    // Printed commands may run elsewhere: only devices to be used here must exist here.
    const std::string name = resolve_device(d, !f.print_commands && !f.slurm.enabled);
    ADMA_CHECK(name != "cpu" || split_names(f.devices).size() == 1, "--devices: cpu cannot be mixed with GPUs");
    o.devices.push_back(name);
  }
  ADMA_CHECK(!f.slurm.enabled || o.devices.size() <= 1, "--slurm takes one --devices entry at most (",
             f.devices, "): Slurm gives each task its GPUs (--slurm-gpus-per-task)");
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
    ModelStudyFlags study;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("experiment", "Reproduce a table of the paper: many runs, results.md beside the paper");
  cmd->add_option("--table", o->table, "1: Adam + L2, 2: SGD + L2, 3: Adam, 4: SGD (optimizer, L2 and a)")
      ->capture_default_str();
  cmd->add_option("--datasets", o->datasets, "comma-separated: " + paper_dataset_names())->capture_default_str();
  cmd->add_option("--losses", o->losses, "comma-separated losses (each with the table's a)")->capture_default_str();
  cmd->add_option("--iterations", o->iterations, "runs per dataset and loss (seeds seed, seed+1, ...)")
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "seed of the first iteration")->capture_default_str();
  cmd->add_option("--out", o->out,
                  "output folder (default experiments/tableN; experiments/MODEL-tableN for another model; "
                  "experiments/ablation-STUDY)");
  add_launch_flags(cmd, o->launch);
  add_train_flags(cmd, o->train, TrainFlagSet{false});
  add_model_study_flags(cmd, o->study);
  cmd->callback([o, cmd] {
    while_parsing(
        [&] { ADMA_CHECK(o->table >= 1 && o->table <= 4, "--table: the paper has Tables 1 to 4, not ", o->table); });
    // --model resnet34 --weights F: the paper's four datasets and the top 5 layers by default.
    while_parsing([&] { apply_model_study_defaults(cmd, o->datasets, o->train); });
    if (!o->study.ablation.empty()) {
      const AblationSpec spec = while_parsing([&] {
        return ablation_spec(o->study, o->table, split_names(o->datasets), split_names(o->losses), o->iterations,
                             o->seed, o->out, o->train);
      });
      const LaunchOptions launch = while_parsing([&] { return resolve_launch(o->launch); });
      const bool here = !launch.print_commands && !o->launch.slurm.enabled;  // runs elsewhere: no device check
      auto plan = std::make_shared<std::vector<RunPlan>>(
          while_parsing([&] { return plan_ablations(spec, train_recipe(o->train, here)); }));
      share_cores(*plan, launch, o->launch.threads, here);
      selected() = [spec, plan, launch, slurm = o->launch.slurm] {
        launch_and_collect(*plan, launch, slurm, spec.out, 0, [&](const std::vector<CellStats>&) {
          const std::string md = write_ablation_results(spec, *plan, stderr);
          return WrittenResults{md, "\n", md + ", " + spec.out + "/results.csv, " + spec.out + "/learning-curves.png"};
        });
      };
      return;
    }
    ExperimentSpec spec;
    spec.table = o->table;
    spec.datasets = split_names(o->datasets);
    spec.losses = split_names(o->losses);
    spec.iterations = o->iterations;
    spec.out = o->out.empty() ? experiment_out(o->table, o->train) : o->out;
    spec.seed = o->seed;
    const LaunchOptions launch = while_parsing([&] { return resolve_launch(o->launch); });
    const bool here = !launch.print_commands && !o->launch.slurm.enabled;  // runs elsewhere: no device check
    auto plan = std::make_shared<std::vector<RunPlan>>(
        while_parsing([&] { return plan_experiment(spec, train_recipe(o->train, here)); }));
    share_cores(*plan, launch, o->launch.threads, here);
    selected() = [spec, plan, launch, slurm = o->launch.slurm] {
      const bool convnet = plan->empty() || plan->front().settings.model.rfind("convnet", 0) == 0;
      // The paper's tables are the ConvNet's: another model is compared with its Section 5 numbers.
      const int table = convnet ? spec.table : 0;
      launch_and_collect(*plan, launch, slurm, spec.out, table, [&](std::vector<CellStats> cells) {
        if (!convnet) add_model_paper_results(plan->front().settings.model, cells);
        const std::string md = write_experiment_results(spec.out, table, cells, *plan, stderr);
        return WrittenResults{md, "\n", md + ", " + spec.out + "/results.csv, " + spec.out + "/learning-curves.png"};
      });
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
  add_loss_param_list(cmd, losses::LossParam::A, o->a, "START:STOP:STEP (both ends included) or a list a1,a2,...")
      ->capture_default_str();
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
    SweepSpec spec;
    spec.a_values = while_parsing([&] { return loss_param_values(losses::LossParam::A, o->a); });
    spec.iterations = o->iterations;
    spec.out = o->out.empty() ? "sweeps/" + o->train.dataset : o->out;
    spec.seed = o->seed;
    const LaunchOptions launch = while_parsing([&] { return resolve_launch(o->launch); });
    const bool here = !launch.print_commands && !o->launch.slurm.enabled;  // runs elsewhere: no device check
    auto plan = std::make_shared<std::vector<RunPlan>>(
        while_parsing([&] { return plan_sweep(spec, train_recipe(o->train, here)); }));
    share_cores(*plan, launch, o->launch.threads, here);
    selected() = [spec, plan, launch, slurm = o->launch.slurm] {
      launch_and_collect(*plan, launch, slurm, spec.out, 0, [&](const std::vector<CellStats>& cells) {
        const std::string csv = write_sweep_results(spec.out, cells, stderr);
        return WrittenResults{csv, "", csv + ", " + spec.out + "/sweep.png"};
      });
    };
  });
}

}  // namespace adma::apps
