// `adma experiment` / `adma sweep` bookkeeping: the plan of runs and their
// folders, skipping finished runs, ranges of a, child processes over devices,
// and the results collected from run folders (written here as fixtures).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "apps/cli/train_flags.h"
#include "apps/common/files.h"
#include "apps/common/subprocess.h"
#include "apps/experiment/launch.h"
#include "apps/experiment/plan.h"
#include "apps/experiment/results.h"
#include "apps/run/run_folder.h"
#include "core/error.h"
#include "program_test_util.h"

namespace adma {
namespace {

using test::contains;

apps::ExperimentSpec spec_in(const std::string& out) {
  apps::ExperimentSpec spec;
  spec.table = 1;
  spec.datasets = {"fashion-mnist"};
  spec.iterations = 2;
  spec.out = out;
  return spec;
}

// The user's other train flags, as `adma experiment --device cpu --epochs N` gives them.
apps::TrainRecipe recipe(int epochs = 3) {
  apps::TrainFlags f;
  f.device = "cpu";
  f.epochs = epochs;
  return apps::train_recipe(f);
}

// A finished run as `adma train` leaves it: metrics.csv, summary.json, config.json.
void finish_run(const apps::RunPlan& r, const std::vector<double>& val_acc) {
  apps::RunFolder folder(r.settings.out);
  folder.write_config(apps::to_json(r.settings), "cpu");
  for (size_t e = 0; e < val_acc.size(); ++e) {
    apps::EpochMetrics m;
    m.epoch = static_cast<int>(e) + 1;
    m.val_accuracy = val_acc[e];
    m.train_accuracy = val_acc[e];
    m.seconds = 10;
    folder.append_epoch(m);
  }
  folder.write_summary(10.0 * val_acc.size(), "cpu");
}

TEST(ExperimentPlan, RunsFoldersSeedsAndTheTablesA) {
  test::TempDir dir;
  const auto plan = apps::plan_experiment(spec_in(dir.path()), recipe());
  ASSERT_EQ(plan.size(), 8u);  // 4 losses x 2 iterations
  EXPECT_EQ(plan[0].loss, "adma");
  EXPECT_DOUBLE_EQ(plan[0].a, 0.258);
  EXPECT_EQ(plan[0].settings.out, dir / "runs/fashion-mnist/adma-a0.258/seed-1");
  EXPECT_EQ(plan[1].settings.out, dir / "runs/fashion-mnist/adma-a0.258/seed-2");
  EXPECT_EQ(plan[1].settings.seed, 2u);
  EXPECT_EQ(plan[2].settings.out, dir / "runs/fashion-mnist/cce/seed-1");
  EXPECT_EQ(plan[4].loss, "squared-hinge");
  EXPECT_EQ(plan[6].loss, "mse");
  for (const auto& r : plan) {
    EXPECT_EQ(r.settings.optimizer.kind, "adam");
    EXPECT_DOUBLE_EQ(r.settings.l2, 1e-4);
    EXPECT_EQ(r.settings.epochs, 3);
    EXPECT_FALSE(r.finished);
  }
  auto spec2 = spec_in(dir.path());
  spec2.table = 4;
  const auto plan4 = apps::plan_experiment(spec2, recipe());
  EXPECT_EQ(plan4[0].settings.optimizer.kind, "sgd");
  EXPECT_DOUBLE_EQ(plan4[0].settings.l2, 0.0);
  EXPECT_DOUBLE_EQ(plan4[0].a, 0.2654);
  // The same spec plans the same folders (a restart finds its runs).
  EXPECT_EQ(apps::plan_experiment(spec_in(dir.path()), recipe())[5].settings.out, plan[5].settings.out);
}

TEST(ExperimentPlan, BadSpecsAreRefused) {
  test::TempDir dir;
  auto s = spec_in(dir.path());
  s.datasets = {"imagenet"};
  EXPECT_THROW(apps::plan_experiment(s, recipe()), Error);
  s = spec_in(dir.path());
  s.losses = {"hinge"};
  EXPECT_THROW(apps::plan_experiment(s, recipe()), Error);
  s = spec_in(dir.path());
  s.iterations = 0;
  EXPECT_THROW(apps::plan_experiment(s, recipe()), Error);
  s = spec_in(dir.path());
  s.table = 5;
  EXPECT_THROW(apps::plan_experiment(s, recipe()), Error);
}

TEST(ExperimentPlan, FinishedRunsAreSkippedAndMustMatchTheSettings) {
  test::TempDir dir;
  auto plan = apps::plan_experiment(spec_in(dir.path()), recipe());
  finish_run(plan[0], {0.8, 0.85, 0.86});
  plan = apps::plan_experiment(spec_in(dir.path()), recipe());
  EXPECT_TRUE(plan[0].finished);
  EXPECT_FALSE(plan[1].finished);
  // Printing commands starts nothing and lists only the pending runs.
  apps::LaunchOptions o;
  o.print_commands = true;
  std::FILE* log = std::tmpfile();
  EXPECT_EQ(apps::launch_runs(plan, o, log), 0);
  std::fclose(log);
  EXPECT_FALSE(apps::file_exists(plan[1].settings.out + "/train.log"));
  // The same folder with other settings (more epochs) is another experiment.
  try {
    apps::plan_experiment(spec_in(dir.path()), recipe(5));
    FAIL() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "holds a finished run with other settings (epochs: 3 there, 5 now)")) << e.what();
  }
}

TEST(ExperimentPlan, TrainCommandIsRunnableText) {
  test::TempDir dir;
  const auto plan = apps::plan_experiment(spec_in(dir.path()), recipe());
  const std::string cmd = apps::train_command("/usr/bin/adma", plan[0], "cuda:1");
  EXPECT_EQ(cmd.rfind("/usr/bin/adma train --dataset fashion-mnist --loss adma --a 0.258 --optimizer adam", 0), 0u)
      << cmd;
  EXPECT_TRUE(contains(cmd, " --seed 1 --out " + dir / "runs/fashion-mnist/adma-a0.258/seed-1 --device cuda:1"))
      << cmd;
  EXPECT_FALSE(contains(apps::train_command("adma", plan[2], ""), "--a "));  // CCE has no a to set
}

TEST(SweepPlan, OneRunPerAAndIteration) {
  test::TempDir dir;
  apps::SweepSpec spec;
  spec.a_values = {0.24, 0.25, 0.26};
  spec.iterations = 2;
  spec.out = dir.path();
  const auto plan = apps::plan_sweep(spec, recipe(1));
  ASSERT_EQ(plan.size(), 6u);
  EXPECT_EQ(plan[2].settings.out, dir / "runs/fashion-mnist/adma-a0.25/seed-1");
  EXPECT_DOUBLE_EQ(plan[5].settings.loss_params.a, 0.26);
  // Collected: 0.24 and 0.25 finished (0.25 twice), 0.26 not.
  finish_run(plan[0], {0.70});
  finish_run(plan[2], {0.80});
  finish_run(plan[3], {0.90});
  const auto cells = apps::collect_results(plan, 0);
  ASSERT_EQ(cells.size(), 3u);
  EXPECT_EQ(cells[1].finished, 2);
  EXPECT_NEAR(cells[1].mean, 0.85, 1e-12);
  std::FILE* log = std::tmpfile();
  const std::string csv_path = apps::write_sweep_results(dir.path(), cells, log);
  std::fclose(log);
  const std::string csv = apps::read_file(csv_path);
  EXPECT_EQ(csv.rfind("a,mean_final_val_accuracy,mean_best_val_accuracy,std_final_val_accuracy,runs_finished,"
                      "runs_planned\n0.24,0.7,0.7,0,1,2\n0.25,0.85,0.85,0.07071067812,2,2\n0.26,NaN,NaN,NaN,0,2\n",
                      0),
            0u)
      << csv;
  if (!apps::find_program("gnuplot").empty()) EXPECT_GT(test::png_size(dir / "sweep.png").first, 0u);
}

TEST(ExperimentResults, MeanStdPaperAndDifference) {
  test::TempDir dir;
  auto spec = spec_in(dir.path());
  spec.datasets = {"fashion-mnist", "mnist"};
  const auto plan = apps::plan_experiment(spec, recipe());  // 2 datasets x 4 losses x 2 iterations
  finish_run(plan[0], {0.80, 0.90, 0.91});        // fashion-mnist adma seed 1
  finish_run(plan[1], {0.84, 0.88, 0.92});        // fashion-mnist adma seed 2
  finish_run(plan[2], {0.85, 0.89, 0.90});        // fashion-mnist cce seed 1
  auto fresh = apps::plan_experiment(spec, recipe());
  EXPECT_TRUE(fresh[0].finished && fresh[1].finished && fresh[2].finished && !fresh[3].finished);
  const auto cells = apps::collect_results(fresh, 1);
  ASSERT_EQ(cells.size(), 8u);
  const auto& adma = cells[0];
  EXPECT_EQ(adma.planned, 2);
  EXPECT_EQ(adma.finished, 2);
  EXPECT_NEAR(adma.mean, 0.915, 1e-12);
  EXPECT_NEAR(adma.std, 0.00707106781, 1e-9);  // sample std of 0.91, 0.92
  EXPECT_NEAR(adma.mean_first, 0.82, 1e-12);
  EXPECT_NEAR(adma.mean_best, 0.915, 1e-12);
  ASSERT_EQ(adma.curve.size(), 3u);
  EXPECT_NEAR(adma.curve[1], 0.89, 1e-12);
  ASSERT_NE(adma.paper, nullptr);
  EXPECT_DOUBLE_EQ(adma.paper->percent, 91.48);
  EXPECT_EQ(cells[1].finished, 1);
  EXPECT_EQ(cells[1].std, 0.0);
  EXPECT_EQ(cells[4].dataset, "mnist");
  EXPECT_EQ(cells[4].finished, 0);

  std::FILE* log = std::tmpfile();
  const std::string md_path = apps::write_experiment_results(dir.path(), 1, cells, fresh, log);
  std::fclose(log);
  const std::string md = apps::read_file(md_path);
  EXPECT_TRUE(contains(md, "# Table 1: with regularization, Adam, reproduced")) << md;
  EXPECT_TRUE(contains(md, "3 of 16 runs finished")) << md;
  EXPECT_TRUE(contains(md, "| fashion-mnist | adma | 0.2580 | 2/2 | 91.50 ± 0.71 | 91.48 | +0.02 | 91.50 | 82.00 | 30 |"))
      << md;
  EXPECT_TRUE(contains(md, "| fashion-mnist | cce |  | 1/2 | 90.00 ± 0.00 | 91.42 | −1.42 |")) << md;
  EXPECT_TRUE(contains(md, "| mnist | adma | 0.2624 | 0/2 | — | 99.34 | — |")) << md;
  const std::string csv = apps::read_file(dir / "results.csv");
  EXPECT_TRUE(contains(csv, "fashion-mnist,adma,0.258,2,2,0.915000,0.007071,0.9148,0.000200,0.915000,0.820000,30.0\n"))
      << csv;
  EXPECT_TRUE(contains(csv, "mnist,mse,,2,0,,,0.9874,,,,\n")) << csv;
  const std::string curves = apps::read_file(dir / "learning-curves.csv");
  EXPECT_EQ(curves.rfind("epoch,fashion-mnist/adma a=0.258,fashion-mnist/cce,fashion-mnist/squared-hinge,"
                         "fashion-mnist/mse,mnist/adma a=0.2624,",
                         0),
            0u)
      << curves;
  EXPECT_TRUE(contains(curves, "\n2,0.89,0.89,NaN,NaN,NaN,")) << curves;
  if (!apps::find_program("gnuplot").empty()) EXPECT_GT(test::png_size(dir / "learning-curves.png").first, 0u);
}

TEST(RunJobs, ParallelChildrenLogsStatusesAndDevices) {
  test::TempDir dir;
  std::vector<apps::Job> jobs;
  for (int i = 0; i < 5; ++i) {
    apps::Job j;
    // Each child prints its arguments (the device is appended) and exits with its index mod 2.
    j.argv = {"/bin/sh", "-c", "echo \"job $0 args $*\"; sleep 0.2; exit $(($0 % 2))", std::to_string(i)};
    j.log = dir / ("job" + std::to_string(i) + ".log");
    jobs.push_back(j);
  }
  std::vector<std::string> started_on(5);
  int running = 0, most = 0;
  apps::JobHooks hooks;
  hooks.started = [&](size_t i, const std::string& d) {
    started_on[i] = d;
    most = std::max(most, ++running);
  };
  hooks.finished = [&](size_t, int) { --running; };
  const auto status = apps::run_jobs(jobs, 2, {"cuda:0", "cuda:1"}, hooks);
  EXPECT_EQ(status, (std::vector<int>{0, 1, 0, 1, 0}));
  EXPECT_EQ(most, 2);
  EXPECT_EQ(started_on[0], "cuda:0");
  EXPECT_EQ(started_on[1], "cuda:1");  // the two at once are on different devices
  EXPECT_EQ(apps::read_file(dir / "job0.log"), "job 0 args --device cuda:0\n");
  // A program that cannot be started reports 127 and says why in its log.
  const auto bad = apps::run_jobs({{{"/nonexistent/adma", "train"}, dir / "bad.log"}}, 1, {});
  EXPECT_EQ(bad, (std::vector<int>{127}));
  EXPECT_TRUE(contains(apps::read_file(dir / "bad.log"), "cannot run /nonexistent/adma"));
}

TEST(RunJobs, ChildrenEndWithTheirParent) {
  // An experiment killed with SIGKILL (no handler can run) takes its runs with it.
  test::TempDir dir;
  const std::string pid_file = dir / "child.pid";
  const pid_t experiment = ::fork();
  ASSERT_GE(experiment, 0);
  if (experiment == 0) {
    apps::run_jobs({{{"/bin/sh", "-c", "echo $$ > " + pid_file + ".tmp; mv " + pid_file + ".tmp " + pid_file +
                                          "; exec sleep 60"},
                     dir / "child.log"}},
                   1, {});
    ::_exit(0);
  }
  pid_t child = 0;
  for (int i = 0; i < 500 && child == 0; ++i) {
    if (apps::file_exists(pid_file)) child = std::stoi(apps::read_file(pid_file));
    ::usleep(10000);
  }
  ASSERT_GT(child, 0) << "the run never started";
  ::kill(experiment, SIGKILL);
  ::waitpid(experiment, nullptr, 0);
  bool gone = false;
  for (int i = 0; i < 500 && !gone; ++i) {  // up to 5 s; the child is reparented and reaped by init
    try {  // gone, or a zombie (a container's init may not reap it)
      gone = ::kill(child, 0) != 0 ||
             apps::read_file("/proc/" + std::to_string(child) + "/stat").find(") Z") != std::string::npos;
    } catch (const Error&) {
      gone = true;  // /proc/PID vanished between the two calls
    }
    ::usleep(10000);
  }
  if (!gone) ::kill(child, SIGKILL);
  EXPECT_TRUE(gone) << "run " << child << " outlived its experiment";
}

}  // namespace
}  // namespace adma
