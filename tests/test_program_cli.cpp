// The `adma` program itself: each bad flag of train/evaluate/experiment/sweep
// is a usage error (exit status 2) whose message names the flag; good flags
// reach the training loop; experiment and sweep work against run folders.
#include "apps/cli/train_flags.h"
#include "apps/common/subprocess.h"
#include "apps/experiment/plan.h"
#include "apps/run/run_folder.h"
#include "core/cuda/runtime.h"
#include "program_test_util.h"

#ifndef ADMA_EXE
#error "ADMA_EXE (the path of the adma program) must be defined by the build"
#endif

namespace adma {
namespace {

using test::contains;

using Result = test::ProgramResult;

Result adma(std::vector<std::string> args, const std::string& cwd = "") { return test::run_adma(std::move(args), cwd); }

void expect_usage_error(const std::vector<std::string>& args, const std::string& words) {
  const Result r = adma(args);
  EXPECT_EQ(r.status, 2) << testing::PrintToString(args) << "\n" << r.output;
  EXPECT_TRUE(contains(r.output, words)) << testing::PrintToString(args) << "\n" << r.output;
}

TEST(ProgramCli, TrainBadFlagsAreUsageErrors) {
  expect_usage_error({"train", "--lr", "0"}, "--lr must be > 0, got 0");
  expect_usage_error({"train", "--lr", "-1"}, "--lr must be > 0");
  expect_usage_error({"train", "--batch", "0"}, "--batch: must be in [1, 16777216], got '0'");
  expect_usage_error({"train", "--a", "-0.5"}, "--a");
  expect_usage_error({"train", "--a", "-0.5"}, "must be >= 0");
  expect_usage_error({"train", "--loss", "hinge"}, "unknown loss 'hinge'");
  expect_usage_error({"train", "--optimizer", "rmsprop"}, "unknown optimizer 'rmsprop'");
  expect_usage_error({"train", "--dataset", "imagenet"}, "unknown dataset 'imagenet'");
  expect_usage_error({"train", "--epochs", "0"}, "--epochs: must be in [1, 1000000], got '0'");
  expect_usage_error({"train", "--device", "gpu"}, "--device: 'gpu' is not a device");
  expect_usage_error({"train", "--resume", "/nonexistent/run"}, "--resume");
  expect_usage_error({"train", "--no-such-flag"}, "--no-such-flag");
}

TEST(ProgramCli, TrainOnCudaWithoutAGpuIsRefusedBeforeAnyWork) {
  if (cuda_rt::device_count() > 0) GTEST_SKIP() << "a CUDA device is present";
  test::TempDir dir;
  const Result r = adma({"train", "--device", "cuda", "--out", dir / "run"});
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "--device cuda")) << r.output;
  EXPECT_FALSE(apps::file_exists(dir / "run/config.json"));
}

TEST(ProgramCli, EvaluateExperimentSweepBadFlags) {
  expect_usage_error({"evaluate", "--checkpoint", "/nonexistent.safetensors"}, "--checkpoint");
  expect_usage_error({"evaluate"}, "--checkpoint is required");
  expect_usage_error({"experiment", "--table", "5"}, "Tables 1 to 4, not 5");
  expect_usage_error({"experiment", "--datasets", "mnist,imagenet"}, "unknown dataset 'imagenet'");
  expect_usage_error({"experiment", "--losses", "adma,hinge"}, "unknown loss 'hinge'");
  expect_usage_error({"experiment", "--iterations", "0"}, "--iterations must be in [1, 1000], got 0");
  expect_usage_error({"experiment", "--jobs", "-1"}, "--jobs must be >= 1");
  expect_usage_error({"sweep", "--a", "0.3:0.2:0.01"}, "ends before it starts");
  expect_usage_error({"sweep", "--a", "-0.1,0.2"}, "must be >= 0");
  expect_usage_error({"sweep", "--lr", "0"}, "--lr must be > 0");
}

// The loss table's flags reach the runs an experiment or a sweep starts, checked by the library.
TEST(ProgramCli, LossFlagsReachTheRunsOfExperimentAndSweep) {
  test::TempDir dir;
  const Result ex = adma({"experiment", "--losses", "focal", "--gamma", "1.5", "--epochs", "1", "--out", dir / "ex",
                          "--print-commands"});
  EXPECT_EQ(ex.status, 0) << ex.output;
  EXPECT_TRUE(contains(ex.output, " train --dataset fashion-mnist --loss focal --gamma 1.5 --optimizer adam"))
      << ex.output;
  const Result sw = adma({"sweep", "--a", "0.2,0.3", "--base", "3", "--epochs", "1", "--out", dir / "sw",
                          "--print-commands"});
  EXPECT_EQ(sw.status, 0) << sw.output;
  EXPECT_TRUE(contains(sw.output, " train --dataset fashion-mnist --loss adma --a 0.3 --base 3 --optimizer adam"))
      << sw.output;
  expect_usage_error({"sweep", "--a", "0.2", "--base", "1"}, "--base: Adma base b must be > 1");
  expect_usage_error({"experiment", "--q", "0"}, "--q: generalized cross-entropy q must be > 0");
  expect_usage_error({"experiment", "--a", "0.3"}, "--a");  // experiment takes each table's a
}

TEST(ProgramCli, ExperimentPrintsCommandsAndCollectsFinishedRuns) {
  test::TempDir dir;
  const Result printed =
      adma({"experiment", "--table", "3", "--iterations", "2", "--epochs", "1", "--out", dir / "ex",
            "--print-commands", "--devices", "cuda:0,cuda:1"});
  EXPECT_EQ(printed.status, 0) << printed.output;
  EXPECT_TRUE(contains(printed.output, "8 runs: 0 finished, 8 to do")) << printed.output;
  EXPECT_TRUE(contains(printed.output, " train --dataset fashion-mnist --loss adma --a 0.2481 --optimizer adam "
                                       "--lr 0.001 --l2 0 --epochs 1"))
      << printed.output;
  EXPECT_TRUE(contains(printed.output, "--seed 2 --out " + dir / "ex/runs/fashion-mnist/adma-a0.2481/seed-2 --device cuda:1"))
      << printed.output;

  // Runs finished elsewhere: folders copied in; --collect-only writes the results.
  apps::ExperimentSpec spec;
  spec.table = 3;
  spec.iterations = 2;
  spec.out = dir / "ex";
  apps::TrainFlags flags;  // as the command line below gives them
  flags.device = "cpu";
  flags.epochs = 1;
  for (const auto& run : apps::plan_experiment(spec, apps::train_recipe(flags))) {
    if (run.loss != "adma") continue;
    apps::RunFolder f(run.settings.out);
    f.write_config(apps::to_json(run.settings), "cuda:0");
    apps::EpochMetrics m;
    m.epoch = 1;
    m.val_accuracy = 0.9 + 0.01 * run.iteration;
    f.append_epoch(m);
    f.write_summary(5, "cuda:0");
  }
  const Result collected = adma({"experiment", "--table", "3", "--iterations", "2", "--epochs", "1", "--out",
                                 dir / "ex", "--collect-only"});
  EXPECT_EQ(collected.status, 0) << collected.output;
  EXPECT_TRUE(contains(collected.output, "8 runs: 2 finished, 6 to do")) << collected.output;
  EXPECT_TRUE(contains(collected.output, "| fashion-mnist | adma | 0.2481 | 2/2 | 90.50 ± 0.71 | 92.14 | −1.64 |"))
      << collected.output;
  EXPECT_TRUE(apps::file_exists(dir / "ex/results.md"));
  EXPECT_TRUE(apps::file_exists(dir / "ex/results.csv"));
  EXPECT_TRUE(apps::file_exists(dir / "ex/learning-curves.gp"));
}

TEST(ProgramCli, ExperimentStartsOneChildPerPendingRun) {
  test::TempDir dir;
  test::write_tiny_fashion(dir / "fashion", 128, 64);
  const Result r = adma({"experiment", "--losses", "adma,cce", "--epochs", "1", "--data-dir", dir / "fashion",
                         "--augment", "none", "--jobs", "2", "--devices", "cpu", "--out", dir / "ex"});
  EXPECT_TRUE(contains(r.output, "2 runs: 0 finished, 2 to do")) << r.output;
  EXPECT_TRUE(contains(r.output, "started  fashion-mnist adma a=0.258 seed 1 on cpu")) << r.output;
  EXPECT_TRUE(contains(r.output, "started  fashion-mnist cce seed 1 on cpu")) << r.output;
  EXPECT_TRUE(apps::file_exists(dir / "ex/runs/fashion-mnist/adma-a0.258/seed-1/train.log"));
  EXPECT_TRUE(apps::file_exists(dir / "ex/runs/fashion-mnist/cce/seed-1/train.log"));
  EXPECT_TRUE(apps::file_exists(dir / "ex/results.md"));
  // Each child's outcome is reported; both finish.
  EXPECT_TRUE(contains(r.output, "[2/2]")) << r.output;
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_FALSE(contains(r.output, "FAILED")) << r.output;
}

TEST(ProgramCli, SweepCollectsIntoCsvAndPng) {
  test::TempDir dir;
  apps::SweepSpec spec;
  spec.a_values = {0.24, 0.25};
  spec.out = dir / "sw";
  apps::TrainFlags flags;
  flags.device = "cpu";
  flags.epochs = 2;
  for (const auto& run : apps::plan_sweep(spec, apps::train_recipe(flags))) {
    apps::RunFolder f(run.settings.out);
    for (int e = 1; e <= 2; ++e) {
      apps::EpochMetrics m;
      m.epoch = e;
      m.val_accuracy = run.a * e;
      f.append_epoch(m);
    }
    f.write_summary(1, "cpu");
  }
  const Result r = adma({"sweep", "--a", "0.24:0.25:0.01", "--epochs", "2", "--out", dir / "sw", "--collect-only"});
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "0.24,0.48,0.48,0,1,1\n0.25,0.5,0.5,0,1,1\n")) << r.output;
  if (!apps::find_program("gnuplot").empty()) EXPECT_GT(test::png_size(dir / "sw/sweep.png").first, 0u);
}

TEST(ProgramCli, LossCurvesPlotWritesPngCsvAndScript) {
  test::TempDir dir;
  const Result r = adma({"loss-curves", "--points", "20", "--a", "0.25", "--plot", dir / "lc.png"});
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.rfind("p,adma_a=0.25,cce,mse,squared-hinge\n0.05,", 0), 0u) << r.output;
  EXPECT_TRUE(apps::file_exists(dir / "lc.csv"));
  const std::string gp = apps::read_file(dir / "lc.gp");
  EXPECT_TRUE(contains(gp, "set xlabel '{/:Italic p}_{/:Italic y}'")) << gp;
  EXPECT_TRUE(contains(gp, "set yrange [0:3]")) << gp;
  if (!apps::find_program("gnuplot").empty()) {
    const auto [w, h] = test::png_size(dir / "lc.png");
    EXPECT_EQ(w, 960u);
    EXPECT_EQ(h, 640u);
  }
}

}  // namespace
}  // namespace adma
