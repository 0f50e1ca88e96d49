// The model side of the program (issue 19): `adma train` with the model table's option
// flags, --weights, --train-top / --train-only; the settings round trip through train_args()
// and the checkpoint, so `adma evaluate` rebuilds the same model (a ResNet with ImageNet's
// per-channel normalisation included); a mismatched weights file named with its first
// mismatch; `adma experiment --ablation` writing one table per study. The runs are child
// processes on a tiny Fashion-MNIST-shaped folder (tests/program_test_util.h), ResNets at
// an 8x8 input, so each takes seconds.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "apps/cli/train_flags.h"
#include "apps/common/files.h"
#include "apps/common/subprocess.h"
#include "apps/run/run_folder.h"
#include "core/graph/checkpoint.h"
#include "core/graph/graph.h"
#include "models/registry.h"
#include "program_test_util.h"

#ifndef ADMA_EXE
#error "ADMA_EXE (the path of the adma program) must be defined by the build"
#endif

namespace adma {
namespace {

using test::contains;

using Result = test::ProgramResult;

Result adma(std::vector<std::string> args) { return test::run_adma(std::move(args)); }

apps::TrainSettings parse(std::vector<std::string> args, bool local = true) {
  CLI::App app;
  auto* cmd = app.add_subcommand("train");
  apps::TrainFlags f;
  apps::add_train_flags(cmd, f);
  args.insert(args.begin(), "train");
  std::reverse(args.begin(), args.end());
  app.parse(args);
  return apps::resolve(f, local);
}

// A weights file in the model's own names, as the conversion script writes torchvision's:
// the model `spec` built for `classes` classes on a [3, side, side] input, its state dict.
void write_weights(const std::string& path, const std::string& spec, int64_t classes, int64_t channels, int64_t side) {
  Graph g(Device::cpu());
  Value x = g.input("x", Shape{1, channels, side, side});
  models::build(g, x, spec, classes);
  g.build();
  save_checkpoint(path, g.state_dict());
}

double accuracy_in(const std::string& output) {
  const size_t at = output.find("accuracy ");
  EXPECT_NE(at, std::string::npos) << output;
  return at == std::string::npos ? -1 : std::stod(output.substr(at + 9));
}

class ModelProgram : public testing::Test {
 protected:
  void SetUp() override { test::write_tiny_fashion(data_ = dir_ / "fashion", 256, 128); }
  std::vector<std::string> small_run(const std::string& out, std::vector<std::string> extra) const {
    std::vector<std::string> a = {"train", "--dataset", "fashion-mnist", "--data-dir", data_, "--device", "cpu",
                                  "--batch", "32",  "--epochs",  "1",             "--augment",  "none", "--out", out};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  // `adma evaluate` of a run's best checkpoint agrees with the accuracy its training recorded.
  void expect_evaluate_agrees(const std::string& run) {
    const Result r = adma({"evaluate", "--checkpoint", run + "/best.safetensors", "--dataset", "fashion-mnist",
                           "--data-dir", data_, "--device", "cpu", "--batch", "32"});
    ASSERT_EQ(r.status, 0) << r.output;
    const auto rows = apps::read_metrics_csv(run + "/metrics.csv");
    ASSERT_FALSE(rows.empty());
    EXPECT_NEAR(accuracy_in(r.output), rows.back().val_accuracy, 1e-6) << r.output;
  }
  test::TempDir dir_;
  std::string data_;
};

TEST(ModelFlags, OptionsRoundTripThroughTrainArgs) {
  const apps::TrainSettings s =
      parse({"--activation", "leaky-relu:0.2", "--dropout", "0.1,0.2,0.3", "--kernel", "5", "--batchnorm", "off",
             "--pool-stride", "1", "--train-top", "3", "--device", "cpu"});
  EXPECT_EQ(s.model, "convnet:activation=leaky-relu:0.2,batchnorm=false,dropout=0.1/0.2/0.3,kernel=5,pool_stride=1");
  EXPECT_EQ(s.train_top, 3);
  const apps::TrainSettings again = parse(apps::train_args(s));
  EXPECT_EQ(again.model, s.model);
  EXPECT_EQ(again.train_top, s.train_top);
  // The inline form is the same model.
  EXPECT_EQ(parse({"--model", "convnet:kernel=5,activation=leaky-relu:0.2,batchnorm=false,dropout=0.1/0.2/0.3",
                   "--pool-stride", "1", "--device", "cpu"})
                .model,
            s.model);
  // The default model adds no flag.
  const auto def = apps::train_args(parse({"--device", "cpu"}));
  EXPECT_EQ(std::find(def.begin(), def.end(), "--model"), def.end());
}

TEST(ModelFlags, ResNetOptionsAndWeightsRoundTrip) {
  // Not local: the weights file need not exist where the run is planned.
  const apps::TrainSettings s = parse({"--model", "resnet18", "--input-size", "64", "--weights", "/elsewhere/r.st",
                                       "--train-only", "layer4.*,fc.*", "--device", "cpu"},
                                      false);
  EXPECT_EQ(s.model, "resnet18:input_size=64");
  EXPECT_EQ(s.normalization(), "imagenet");
  const apps::TrainSettings again = parse(apps::train_args(s), false);
  EXPECT_EQ(again.model, s.model);
  EXPECT_EQ(again.weights, s.weights);
  EXPECT_EQ(again.train_only, s.train_only);
}

TEST(ModelFlags, BadValuesNameTheFlag) {
  auto error_of = [](std::vector<std::string> args) -> std::string {
    args.insert(args.end(), {"--device", "cpu"});
    try {
      parse(args);
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_TRUE(contains(error_of({"--model", "vgg"}), "--model: unknown model 'vgg' (one of: convnet, resnet34"));
  EXPECT_TRUE(contains(error_of({"--activation", "tanh"}), "--activation tanh: model 'convnet': activation must be"));
  EXPECT_TRUE(contains(error_of({"--activation", "relu:0.2"}), "activation relu takes no argument"));
  EXPECT_TRUE(contains(error_of({"--model", "resnet34", "--kernel", "5"}), "--kernel is an option of convnet, not of resnet34"));
  EXPECT_TRUE(contains(error_of({"--stride", "2"}), "images:"));  // 28 -> 14 -> 7 -> ... too small for 3 pools
  EXPECT_TRUE(contains(error_of({"--train-top", "0"}), "--train-top must be >= 1, got 0"));
  EXPECT_TRUE(contains(error_of({"--model", "resnet34", "--train-top", "38"}), "resnet34 has 37 parameterised layers"));
  EXPECT_TRUE(contains(error_of({"--train-only", "fc.*"}), "--train-only: train_only: pattern 'fc.*' matches no parameter"));
  EXPECT_TRUE(contains(error_of({"--model", "convnet:l2=0.1"}), "the model's l2 is set by --l2"));
}

TEST_F(ModelProgram, AblationOptionsTrainAndEvaluateRebuildsTheModel) {
  const std::string run = dir_ / "maxout";
  const Result r = adma(small_run(run, {"--activation", "maxout:3", "--kernel", "5", "--dropout", "0", "--batchnorm",
                                        "off", "--train-top", "2"}));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "training the top 2 layers: ")) << r.output;
  EXPECT_TRUE(contains(r.output, "dense.weight [10, ")) << r.output;
  EXPECT_TRUE(contains(r.output, "block3.conv2.weight [384, ")) << r.output;  // 128 filters x 3 pieces
  const auto config = nlohmann::json::parse(apps::read_file(run + "/config.json"));
  EXPECT_EQ(config["model"], "convnet:activation=maxout:3,batchnorm=false,dropout=0,kernel=5");
  EXPECT_TRUE(contains(config["model_spec"].get<std::string>(), "kernel=5,l2=0.0001")) << config.dump();
  EXPECT_EQ(config["train_top"], 2);
  EXPECT_EQ(config["normalization"], "zscore");
  const std::string args = read_checkpoint_metadata(run + "/best.safetensors").at("adma.train_args");
  EXPECT_TRUE(contains(args, "\"--activation\",\"maxout:3\"")) << args;
  // evaluate knows nothing but the file: another model would not even load it.
  expect_evaluate_agrees(run);
}

TEST_F(ModelProgram, ResNetFromWeightsFineTunesWithImageNetNormalisation) {
  const std::string weights = dir_ / "resnet18.safetensors", run = dir_ / "resnet";
  write_weights(weights, "resnet18", 1000, 3, 8);
  const Result r = adma(small_run(run, {"--model", "resnet18", "--input-size", "8", "--weights", weights,
                                        "--train-top", "3", "--train-limit", "64"}));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "the file's classifier has 1000 classes, the model 10")) << r.output;
  EXPECT_TRUE(contains(r.output, "training the top 3 layers: ")) << r.output;
  EXPECT_TRUE(contains(r.output, "  fc.weight [10, 512]")) << r.output;
  EXPECT_FALSE(contains(r.output, "layer1.0.conv1.weight [")) << r.output;  // frozen: not listed
  const auto config = nlohmann::json::parse(apps::read_file(run + "/config.json"));
  EXPECT_EQ(config["model"], "resnet18:input_size=8");
  EXPECT_EQ(config["normalization"], "imagenet");
  // The checkpoint carries ImageNet's statistics (pixel units) and says which normalisation it used.
  const auto meta = read_checkpoint_metadata(run + "/best.safetensors");
  EXPECT_EQ(meta.at("adma.normalization"), "imagenet");
  const auto t = read_checkpoint_tensors(run + "/best.safetensors", {"data.channel_mean", "data.channel_std"});
  ASSERT_EQ(t.size(), 2u);
  EXPECT_NEAR(t[0].value.to_host()[0], 255 * 0.485, 1e-3);
  EXPECT_NEAR(t[1].value.to_host()[2], 255 * 0.225, 1e-3);
  // The frozen weights are the file's, the trained ones moved.
  const auto file = read_checkpoint_tensors(weights, {"layer1.0.conv1.weight", "layer4.1.conv2.weight"});
  const auto ckpt = read_checkpoint_tensors(run + "/best.safetensors", {"layer1.0.conv1.weight", "layer4.1.conv2.weight"});
  EXPECT_EQ(file[0].value.to_host(), ckpt[0].value.to_host());
  EXPECT_NE(file[1].value.to_host(), ckpt[1].value.to_host());
  // evaluate rebuilds ResNet-18 at 8x8 with the checkpoint's normalisation, without the weights file.
  std::filesystem::remove(weights);
  expect_evaluate_agrees(run);
}

TEST_F(ModelProgram, MismatchedWeightsNameTheFlagFileAndFirstMismatch) {
  const std::string r18 = dir_ / "resnet18.safetensors", conv5 = dir_ / "convnet-k5.safetensors";
  write_weights(r18, "resnet18", 1000, 3, 8);
  Result r = adma(small_run(dir_ / "a", {"--model", "resnet34", "--input-size", "8", "--weights", r18}));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "adma: error: --weights: weights " + r18 +
                                     " do not fit the model: 'layer1.2.conv1.weight' [64, 64, 3, 3] is not in the file"))
      << r.output;
  write_weights(conv5, "convnet:kernel=5", 10, 1, 28);
  r = adma(small_run(dir_ / "b", {"--weights", conv5}));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "'block1.conv1.weight' is [32, 1, 3, 3] in the model but [32, 1, 5, 5] in the file"))
      << r.output;
  // The same file into the ConvNet it came from loads (strictly: every name and shape).
  r = adma(small_run(dir_ / "c", {"--kernel", "5", "--weights", conv5, "--train-limit", "32"}));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "loaded ")) << r.output;
}

TEST_F(ModelProgram, AblationWritesOneTablePerStudyWithTheLossesAsColumns) {
  const std::string out = dir_ / "ablation";
  const Result r = adma({"experiment", "--ablation", "kernel", "--variants", "3,5", "--losses", "adma,cce",
                         "--epochs", "1", "--train-limit", "64", "--data-dir", data_, "--augment", "none", "--batch",
                         "32", "--devices", "cpu", "--out", out});
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string md = apps::read_file(out + "/results.md");
  EXPECT_TRUE(contains(md, "## kernel: ")) << md;
  EXPECT_TRUE(contains(md, "| kernel | adma | cce |")) << md;
  EXPECT_TRUE(contains(md, "| 3 (paper) | ")) << md;
  EXPECT_TRUE(contains(md, "| 5 | ")) << md;
  EXPECT_TRUE(contains(md, " ± 0.00 |")) << md;  // one iteration: std 0
  EXPECT_TRUE(apps::file_exists(out + "/kernel/5/runs/fashion-mnist/cce/seed-1/summary.json"));
  const auto config = nlohmann::json::parse(apps::read_file(out + "/kernel/5/runs/fashion-mnist/cce/seed-1/config.json"));
  EXPECT_EQ(config["model"], "convnet:kernel=5");
  const std::string csv = apps::read_file(out + "/results.csv");
  EXPECT_TRUE(contains(csv, "kernel,kernel,\"5\",fashion-mnist,cce,,1,1,")) << csv;
  EXPECT_TRUE(apps::file_exists(out + "/learning-curves.csv"));
  // Run again: every run is finished, nothing is trained, the same tables come back.
  const Result again = adma({"experiment", "--ablation", "kernel", "--variants", "3,5", "--losses", "adma,cce",
                             "--epochs", "1", "--train-limit", "64", "--data-dir", data_, "--augment", "none",
                             "--batch", "32", "--devices", "cpu", "--out", out});
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_TRUE(contains(again.output, "4 runs: 4 finished, 0 to do")) << again.output;
}

}  // namespace
}  // namespace adma
