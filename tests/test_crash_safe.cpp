// A run folder survives kills, second writers and changed flags (issue 17), with the
// program as a child process on a tiny Fashion-MNIST-shaped folder:
//   - a kill at every point of the write sequence (the fault hook, apps/common/fault.h)
//     leaves a run that resumes to weights bit-identical to a straight run's, with no
//     temporary file left behind;
//   - a second writer into a locked folder is refused naming the holder's pid;
//   - `--resume` refuses a flag that would change the run, and lets --epochs grow.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <nlohmann/json.hpp>
#include <utility>

#include "apps/common/files.h"
#include "apps/common/subprocess.h"
#include "apps/run/run_folder.h"
#include "apps/run/run_lock.h"
#include "program_test_util.h"

#ifndef ADMA_EXE
#error "ADMA_EXE (the path of the adma program) must be defined by the build"
#endif

namespace adma {
namespace {

using test::contains;

using Result = test::ProgramResult;

// Runs adma with `env` set for it (and unset after).
Result adma(std::vector<std::string> args, const std::vector<std::pair<std::string, std::string>>& env = {}) {
  return test::run_adma(std::move(args), "", env);
}

// The tensors of a safetensors file: the bytes after its header (the header holds the
// metadata, whose metrics history has wall-clock seconds in it).
std::string tensor_bytes(const std::string& path) {
  const std::string b = apps::read_file(path);
  uint64_t n = 0;
  if (b.size() < 8) return "";
  std::memcpy(&n, b.data(), 8);
  return n + 8 <= b.size() ? b.substr(8 + n) : "";
}

std::string metrics_without_seconds(const std::string& dir) {
  std::string out;
  for (const auto& m : apps::read_metrics_csv(dir + "/metrics.csv")) {
    char line[256];
    std::snprintf(line, sizeof line, "%d,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g\n", m.epoch, m.train_loss, m.train_accuracy,
                  m.val_loss, m.val_accuracy, m.lr, m.a);
    out += line;
  }
  return out;
}

std::vector<std::string> temp_files(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp.") != std::string::npos) found.push_back(e.path().string());
  return found;
}

class CrashSafe : public testing::Test {
 protected:
  // One thread per child: the test runs many small children and must not wait on spinning threads.
  void SetUp() override {
    test::write_tiny_fashion(data_ = dir_ / "fashion", 64, 32);
    ::setenv("OMP_NUM_THREADS", "1", 1);
  }
  void TearDown() override { ::unsetenv("OMP_NUM_THREADS"); }
  std::vector<std::string> run(const std::string& out, const std::string& epochs = "2") const {
    return {"train", "--dataset", "fashion-mnist", "--data-dir", data_, "--device", "cpu",
            "--batch", "32", "--seed", "3", "--epochs", epochs, "--out", out};
  }
  test::TempDir dir_;
  std::string data_;
};

TEST_F(CrashSafe, AKillAtEveryWritePointResumesToTheStraightRunsWeights) {
  const std::string straight = dir_ / "straight", log = dir_ / "points.log";
  const Result s = adma(run(straight), {{"ADMA_FAULT_LOG", log}});
  ASSERT_EQ(s.status, 0) << s.output;
  // The points in the order reached, each with its occurrence: "epoch:end#2" is the second epoch's.
  std::vector<std::string> points;
  std::map<std::string, int> seen;
  {
    std::istringstream in(apps::read_file(log));
    for (std::string p; std::getline(in, p);) points.push_back(p + "#" + std::to_string(++seen[p]));
  }
  ASSERT_GE(points.size(), 10u) << apps::read_file(log);
  EXPECT_EQ(points.front(), "tmp:config.json#1");
  EXPECT_TRUE(std::count(points.begin(), points.end(), "epoch:committed#2"));

  int resumed = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    SCOPED_TRACE(points[i]);
    const std::string out = dir_ / ("kill" + std::to_string(i));
    const Result killed = adma(run(out), {{"ADMA_FAULT_AT", points[i]}});
    ASSERT_EQ(killed.status, 137) << killed.output;
    // Killed before config.json existed there is no run yet: the same command starts it
    // again; from then on `--resume` continues it.
    const bool started = apps::file_exists(out + "/config.json");
    EXPECT_EQ(started, i > 0);
    const Result again = started ? adma({"train", "--resume", out, "--data-dir", data_, "--device", "cpu"}) : adma(run(out));
    ASSERT_EQ(again.status, 0) << again.output;
    EXPECT_TRUE(temp_files(out).empty()) << temp_files(out)[0];
    EXPECT_EQ(tensor_bytes(out + "/last.safetensors"), tensor_bytes(straight + "/last.safetensors"));
    EXPECT_EQ(tensor_bytes(out + "/best.safetensors"), tensor_bytes(straight + "/best.safetensors"));
    EXPECT_EQ(metrics_without_seconds(out), metrics_without_seconds(straight));
    EXPECT_TRUE(apps::run_finished(out));
    resumed += started;
  }
  std::printf("crash-safe: %zu kill points tried, %d resumed with --resume, all bit-identical\n", points.size(),
              resumed);
}

TEST_F(CrashSafe, ASecondWriterIsRefusedNamingTheHoldersPid) {
  const std::string out = dir_ / "run";
  const apps::RunLock held(out);  // this test process holds the folder
  const Result r = adma(run(out, "1"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "run folder " + out + " is in use by another adma process (pid " +
                                      std::to_string(::getpid()) + ")"))
      << r.output;
  EXPECT_FALSE(apps::file_exists(out + "/config.json"));
}

TEST_F(CrashSafe, ResumeRefusesChangedSettingsAndLetsEpochsGrow) {
  const std::string out = dir_ / "run";
  ASSERT_EQ(adma(run(out, "1")).status, 0);
  const std::string config = apps::read_file(out + "/config.json");
  const std::vector<std::vector<std::string>> changes = {
      {"--loss", "cce"}, {"--a", "0.5"},        {"--batch", "16"},   {"--seed", "4"},
      {"--l2", "0"},     {"--dataset", "mnist"}, {"--augment", "none"}, {"--lr", "0.01"}};
  for (const auto& change : changes) {
    std::vector<std::string> args = {"train", "--resume", out, "--epochs", "2"};
    args.insert(args.end(), change.begin(), change.end());
    const Result r = adma(args);
    EXPECT_EQ(r.status, 2) << change[0] << ": " << r.output;
    EXPECT_TRUE(contains(r.output, "adma: error: " + change[0] + " " + change[1] + ": the run in " + out +
                                       " was trained with other settings"))
        << r.output;
  }
  // The same value as the run's is no change; --epochs may not shrink.
  EXPECT_EQ(adma({"train", "--resume", out, "--epochs", "1", "--batch", "32", "--seed", "3"}).status, 0);
  const Result shrink = adma({"train", "--resume", out, "--epochs", "0"});
  EXPECT_EQ(shrink.status, 2) << shrink.output;
  // --epochs grows from the run's own settings (no other flag needed) and config.json stays.
  const Result grow = adma({"train", "--resume", out, "--epochs", "2"});
  ASSERT_EQ(grow.status, 0) << grow.output;
  EXPECT_EQ(apps::read_metrics_csv(out + "/metrics.csv").size(), 2u);
  EXPECT_EQ(apps::read_file(out + "/config.json"), config);
}

// `adma evaluate --checkpoint F` needs no --dataset (the checkpoint names it), and a
// checkpoint whose normalisation std was edited to 0 is refused before evaluating.
TEST_F(CrashSafe, EvaluateTakesTheDatasetFromTheCheckpointAndRefusesAZeroStd) {
  const std::string out = dir_ / "run";
  ASSERT_EQ(adma(run(out, "1")).status, 0);
  const std::string ckpt = out + "/last.safetensors";
  const Result r = adma({"evaluate", "--checkpoint", ckpt, "--data-dir", data_, "--device", "cpu"});
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "on fashion-mnist test split (32 images")) << r.output;

  std::string bytes = apps::read_file(ckpt);
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  const auto header = nlohmann::json::parse(bytes.substr(8, n));
  const size_t at = 8 + n + header.at("data.std").at("data_offsets")[0].get<size_t>();
  const float zero = 0.0f;
  std::memcpy(&bytes[at], &zero, 4);
  const std::string edited = dir_ / "edited.safetensors";
  apps::write_file_checked(edited, bytes);
  const Result bad = adma({"evaluate", "--checkpoint", edited, "--data-dir", data_, "--device", "cpu"});
  EXPECT_EQ(bad.status, 1) << bad.output;
  EXPECT_TRUE(contains(bad.output, "the normalisation std 'data.std' is 0 but must be > 0")) << bad.output;
  EXPECT_FALSE(contains(bad.output, "accuracy")) << bad.output;
}

// IDX files of `size` x `size` images (noise; labels 0..9) for the generic idx dataset.
void write_idx(const std::string& dir, int size) {
  std::filesystem::create_directories(dir);
  for (const auto& [prefix, n] : {std::pair<const char*, int>{"train", 64}, {"t10k", 32}}) {
    std::ofstream images(dir + "/" + prefix + "-images-idx3-ubyte", std::ios::binary);
    std::ofstream labels(dir + "/" + prefix + "-labels-idx1-ubyte", std::ios::binary);
    test::write_be32(images, 0x803), test::write_be32(images, n), test::write_be32(images, size),
        test::write_be32(images, size);
    test::write_be32(labels, 0x801), test::write_be32(labels, n);
    for (int i = 0; i < n; ++i) {
      labels.put(char(i % 10));
      for (int p = 0; p < size * size; ++p) images.put(char((i * 31 + p * 7) % 251));
    }
  }
}

// A checkpoint evaluated on images of another size: said in the user's words, not as
// the first weight whose shape differs.
TEST_F(CrashSafe, EvaluateOnImagesOfAnotherSizeSaysSo) {
  write_idx(dir_ / "idx28", 28);
  write_idx(dir_ / "idx32", 32);
  const std::string out = dir_ / "run";
  const Result trained = adma({"train", "--dataset", "idx", "--data-dir", dir_ / "idx28", "--device", "cpu",
                               "--epochs", "1", "--batch", "32", "--out", out});
  ASSERT_EQ(trained.status, 0) << trained.output;
  const Result r = adma({"evaluate", "--checkpoint", out + "/last.safetensors", "--data-dir", dir_ / "idx32",
                         "--device", "cpu"});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "was trained on 1x28x28 images (channels x height x width) but the images of " +
                                     dir_ / "idx32" + " are 1x32x32"))
      << r.output;
}

}  // namespace
}  // namespace adma
