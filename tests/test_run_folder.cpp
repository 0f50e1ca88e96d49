// Run-folder files (config.json, metrics.csv, summary.json, curves.png), the
// checked writes under them, and the progress lines of a training run.
#include <nlohmann/json.hpp>

#include "apps/common/files.h"
#include "apps/common/subprocess.h"
#include "apps/run/progress.h"
#include "apps/run/run_folder.h"
#include "apps/run/train_report.h"
#include "core/error.h"
#include "program_test_util.h"

namespace adma {
namespace {

using test::contains;

apps::EpochMetrics epoch(int e, double val_acc) {
  apps::EpochMetrics m;
  m.epoch = e;
  m.train_loss = 1.0 / e;
  m.train_accuracy = 0.5 + 0.01 * e;
  m.val_loss = 1.1 / e;
  m.val_accuracy = val_acc;
  m.lr = 1e-3;
  m.a = 0.258;
  m.seconds = 2.5;
  return m;
}

TEST(Files, FullDiskFailsLoudlyNamingTheFile) {
  try {
    apps::write_file_checked("/dev/full", std::string(100, 'x'));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "/dev/full")) << e.what();
    EXPECT_TRUE(contains(e.what(), "No space left")) << e.what();
  }
}

TEST(Files, AtomicWriteLeavesNoTmpAndReplaces) {
  test::TempDir dir;
  apps::write_file_atomic(dir / "a.json", "{\"x\": 1}\n");
  apps::write_file_atomic(dir / "a.json", "{\"x\": 2}\n");
  EXPECT_EQ(apps::read_file(dir / "a.json"), "{\"x\": 2}\n");
  EXPECT_FALSE(apps::file_exists(dir / "a.json.tmp"));
  EXPECT_THROW(apps::write_file_atomic(dir / "missing-folder/a.json", "x"), Error);
  EXPECT_THROW(apps::read_file(dir / "nope"), Error);
  EXPECT_EQ(apps::without_extension("a/b/c.png"), "a/b/c");
  EXPECT_EQ(apps::parent_dir("c.png"), ".");
}

TEST(RunFolder, WritesConfigMetricsSummaryAndCurves) {
  test::TempDir dir;
  apps::RunFolder run(dir / "run");
  run.write_config({{"dataset", "fashion-mnist"}, {"epochs", 3}}, "cpu");
  const auto config = nlohmann::json::parse(apps::read_file(dir / "run/config.json"));
  EXPECT_EQ(config["dataset"], "fashion-mnist");
  EXPECT_EQ(config["device"], "cpu");
  EXPECT_TRUE(config.contains("code_version"));
  EXPECT_TRUE(config.contains("started"));

  run.append_epoch(epoch(1, 0.80));
  run.append_epoch(epoch(2, 0.86));
  run.append_epoch(epoch(3, 0.85));
  EXPECT_THROW(run.append_epoch(epoch(5, 0.9)), Error);  // epochs follow each other
  const std::string csv = apps::read_file(dir / "run/metrics.csv");
  EXPECT_EQ(csv.rfind(std::string(apps::kMetricsHeader) + "\n1,1,0.51,1.1,0.8,0.001,0.258,2.5\n", 0), 0u) << csv;
  const auto rows = apps::read_metrics_csv(dir / "run/metrics.csv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_DOUBLE_EQ(rows[1].val_accuracy, 0.86);

  EXPECT_FALSE(apps::run_finished(run.dir()));
  const auto s = run.write_summary(7.5, "cpu");
  EXPECT_TRUE(apps::run_finished(run.dir()));
  EXPECT_DOUBLE_EQ(s.final_val_accuracy, 0.85);
  EXPECT_DOUBLE_EQ(s.best_val_accuracy, 0.86);
  EXPECT_EQ(s.best_epoch, 2);
  EXPECT_DOUBLE_EQ(s.first_epoch_val_accuracy, 0.80);
  const auto back = apps::read_summary_json(dir / "run/summary.json");
  EXPECT_DOUBLE_EQ(back.final_val_accuracy, 0.85);
  EXPECT_DOUBLE_EQ(back.seconds, 7.5);
  EXPECT_EQ(back.device, "cpu");
  const auto j = nlohmann::json::parse(apps::read_file(dir / "run/summary.json"));
  for (const char* key : {"final_val_accuracy", "best_val_accuracy", "first_epoch_val_accuracy", "seconds", "device"})
    EXPECT_TRUE(j.contains(key)) << key;

  const auto plot = run.draw_curves("fashion-mnist, adma");
  EXPECT_TRUE(apps::file_exists(dir / "run/curves.csv"));
  EXPECT_TRUE(apps::file_exists(dir / "run/curves.gp"));
  if (!apps::find_program("gnuplot").empty()) {
    EXPECT_TRUE(plot.drawn);
    EXPECT_EQ(test::png_size(dir / "run/curves.png").first, 1280u);
  }
}

TEST(RunFolder, ResumeKeepsTheCheckpointedEpochsOnly) {
  test::TempDir dir;
  {
    apps::RunFolder run(dir.path());
    for (int e = 1; e <= 3; ++e) run.append_epoch(epoch(e, 0.8));
  }
  apps::RunFolder resumed(dir.path());
  resumed.resume_metrics(2);  // the checkpoint was saved after epoch 2
  EXPECT_EQ(resumed.metrics().size(), 2u);
  EXPECT_EQ(apps::read_metrics_csv(dir / "metrics.csv").size(), 2u);
  resumed.append_epoch(epoch(3, 0.9));
  EXPECT_EQ(apps::read_metrics_csv(dir / "metrics.csv").back().val_accuracy, 0.9);
  EXPECT_THROW(resumed.resume_metrics(7), Error);  // more epochs than metrics.csv holds
}

TEST(RunFolder, BadFilesAreNamed) {
  test::TempDir dir;
  apps::write_file_checked(dir / "metrics.csv", std::string(apps::kMetricsHeader) + "\n1,0.5,0.5,x,0.5,0.1,0,1\n");
  try {
    apps::read_metrics_csv(dir / "metrics.csv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "metrics.csv line 2")) << e.what();
  }
  apps::write_file_checked(dir / "summary.json", "{\"final_val_accuracy\": 0.9}");
  try {
    apps::read_summary_json(dir / "summary.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "best_val_accuracy")) << e.what();
  }
  EXPECT_THROW(apps::summarize({}, 1, "cpu"), Error);
}

std::string read_all(std::FILE* f) {
  std::rewind(f);
  std::string s;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}

TEST(Progress, PlainOutputIsOneLinePerEpoch) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  double now = 0;
  apps::EpochProgress::Options o;
  o.tty = false;
  o.epochs = 75;
  o.steps_per_epoch = 100;
  o.batch = 64;
  o.clock = [&] { return now; };
  apps::EpochProgress p(f, o);
  for (int e = 1; e <= 2; ++e) {
    p.begin_epoch(e);
    for (int s = 1; s <= 100; ++s) {
      now += 0.01;
      p.step(s, 0.5, 0.8);
    }
    auto m = epoch(e, 0.85);
    m.seconds = 1.0;
    p.end_epoch(m);
  }
  const std::string out = read_all(f);
  std::fclose(f);
  EXPECT_EQ(out,
            "epoch 1/75: train loss 1.0000 acc 0.5100 | val loss 1.1000 acc 0.8500 | lr 0.001 a 0.258 | 1.0 s, 6400 "
            "img/s\n"
            "epoch 2/75: train loss 0.5000 acc 0.5200 | val loss 0.5500 acc 0.8500 | lr 0.001 a 0.258 | 1.0 s, 6400 "
            "img/s\n");
}

TEST(Progress, TerminalBarRedrawsInPlace) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  double now = 0;
  apps::EpochProgress::Options o;
  o.tty = true;
  o.epochs = 2;
  o.steps_per_epoch = 10;
  o.batch = 64;
  o.clock = [&] { return now; };
  apps::EpochProgress p(f, o);
  p.begin_epoch(1);
  for (int s = 1; s <= 10; ++s) {
    now += 0.5;
    p.step(s, 0.25, 0.75);
  }
  p.end_epoch(epoch(1, 0.8));
  const std::string out = read_all(f);
  std::fclose(f);
  EXPECT_TRUE(contains(out, "\repoch 1/2 [############............] 5/10 loss 0.2500 acc 0.7500    128 img/s ETA 0:03"))
      << out;
  EXPECT_TRUE(contains(out, "\r\033[Kepoch 1/2: train loss")) << out;
  EXPECT_EQ(out.back(), '\n');
}

TEST(Progress, UnwritableOutputFails) {
  std::FILE* f = std::fopen("/dev/full", "w");
  ASSERT_NE(f, nullptr);
  apps::EpochProgress::Options o;
  o.epochs = 1;
  o.steps_per_epoch = 1;
  apps::EpochProgress p(f, o);
  p.begin_epoch(1);
  EXPECT_THROW(p.end_epoch(epoch(1, 0.5)), Error);
  std::fclose(f);
}

}  // namespace
}  // namespace adma

namespace adma {
namespace {

// What a trainer's hooks do through TrainReport: config.json, a line per epoch, summary.json.
TEST(TrainReport, HooksWriteTheRunFolderAndOneLinePerEpoch) {
  test::TempDir dir;
  apps::TrainSettings s;
  s.out = dir / "run";
  s.epochs = 2;
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  {
    apps::TrainReport report(s, 10, out);
    const std::vector<std::string> args = {"--epochs", "2"};
    report.start("cpu", "CPU reference (OpenBLAS)", &args);
    for (int e = 1; e <= 2; ++e) {
      report.begin_epoch(e);
      for (int i = 1; i <= 10; ++i) report.step(i, 0.5, 0.8);
      report.folder().append_epoch(epoch(e, 0.8 + 0.05 * e));  // what commit_epoch does after its commit
      report.end_epoch(epoch(e, 0.8 + 0.05 * e));
    }
    const auto summary = report.finish(12.0);
    EXPECT_DOUBLE_EQ(summary.final_val_accuracy, 0.9);
  }
  const std::string text = read_all(out);
  std::fclose(out);
  EXPECT_TRUE(contains(text, "on cpu (CPU reference (OpenBLAS))")) << text;
  EXPECT_TRUE(contains(text, "epoch 1/2: train loss")) << text;
  EXPECT_TRUE(contains(text, "epoch 2/2: train loss")) << text;
  EXPECT_TRUE(contains(text, "final validation accuracy 0.9000 (best 0.9000 at epoch 2)")) << text;
  const auto config = nlohmann::json::parse(apps::read_file(dir / "run/config.json"));
  EXPECT_EQ(config["backend"], "CPU reference (OpenBLAS)");
  EXPECT_EQ(config["train_args"], nlohmann::json({"--epochs", "2"}));
  EXPECT_EQ(config["loss"]["name"], "adma");
  EXPECT_EQ(config["optimizer"]["lr"], 1e-3);
  EXPECT_EQ(apps::read_metrics_csv(dir / "run/metrics.csv").size(), 2u);
  EXPECT_TRUE(apps::run_finished(dir / "run"));
  EXPECT_TRUE(contains(apps::read_file(dir / "run/curves.gp"), "fashion-mnist, adma ({/:Italic a} = 0.25)"));
}

}  // namespace
}  // namespace adma
