// `adma train` flags: the paper's defaults per dataset/optimizer/L2, each bad
// value refused with the flag's name, train_args() reproducing a setting, the
// library's configs built from the flags, and the one loss-flag table every command uses.
#include <gtest/gtest.h>

#include "apps/cli/commands.h"
#include "apps/cli/train_flags.h"
#include "apps/common/format.h"
#include "core/cuda/runtime.h"
#include "core/error.h"
#include "program_test_util.h"

namespace adma {
namespace {

using test::contains;

// Parses `args` (after `adma train`) the way the program does.
apps::TrainSettings parse(std::vector<std::string> args) {
  CLI::App app;
  auto* cmd = app.add_subcommand("train");
  apps::TrainFlags f;
  apps::add_train_flags(cmd, f);
  args.insert(args.begin(), "train");
  std::reverse(args.begin(), args.end());  // CLI11 takes argv reversed in a vector
  app.parse(args);
  return apps::resolve(f);
}

std::string error_of(std::vector<std::string> args) {
  try {
    parse(std::move(args));
  } catch (const Error& e) {
    return e.what();
  } catch (const CLI::ParseError& e) {
    return std::string("CLI: ") + e.what();
  }
  return "no error";
}

TEST(TrainFlags, PaperDefaultsForFashionMnist) {
  const auto s = parse({"--device", "cpu", "--out", "x"});
  EXPECT_EQ(s.dataset, "fashion-mnist");
  EXPECT_EQ(s.loss_name(), "adma");
  EXPECT_DOUBLE_EQ(s.loss_params.a, 0.2580);  // Table 1 (Adam, L2)
  EXPECT_EQ(s.optimizer.kind, "adam");
  EXPECT_DOUBLE_EQ(s.optimizer.lr, 1e-3);
  EXPECT_DOUBLE_EQ(s.l2, 1e-4);
  EXPECT_EQ(s.epochs, 75);
  EXPECT_EQ(s.batch, 64);
  EXPECT_DOUBLE_EQ(s.rotation, 30);
  EXPECT_DOUBLE_EQ(s.shift, 0.2);
  EXPECT_FALSE(s.flip);
  EXPECT_EQ(s.device, "cpu");
  EXPECT_EQ(s.out, "x");
}

TEST(TrainFlags, DefaultsFollowDatasetOptimizerAndRegularisation) {
  const auto sgd = parse({"--optimizer", "sgd", "--device", "cpu"});
  EXPECT_DOUBLE_EQ(sgd.optimizer.lr, 0.01);   // Keras' SGD default
  EXPECT_DOUBLE_EQ(sgd.loss_params.a, 0.2729);  // Table 2
  EXPECT_DOUBLE_EQ(parse({"--l2", "0", "--device", "cpu"}).loss_params.a, 0.2481);  // Table 3
  EXPECT_DOUBLE_EQ(parse({"--l2", "0", "--optimizer", "sgd", "--device", "cpu"}).loss_params.a, 0.2654);  // Table 4
  const auto flowers = parse({"--dataset", "flowers", "--device", "cpu"});
  EXPECT_DOUBLE_EQ(flowers.optimizer.lr, 4e-4);
  EXPECT_EQ(flowers.epochs, 150);
  const auto cifar = parse({"--dataset", "cifar10", "--device", "cpu", "--augment", "none", "--shift", "0.1"});
  EXPECT_DOUBLE_EQ(cifar.shift, 0.1);
  EXPECT_FALSE(cifar.flip);
  EXPECT_TRUE(parse({"--dataset", "cifar10", "--device", "cpu"}).flip);
  EXPECT_DOUBLE_EQ(parse({"--a", "0.3", "--device", "cpu"}).loss_params.a, 0.3);
}

TEST(TrainFlags, BadValuesNameTheFlag) {
  EXPECT_TRUE(contains(error_of({"--lr", "0"}), "--lr must be > 0, got 0"));
  EXPECT_TRUE(contains(error_of({"--lr", "-0.1"}), "--lr must be > 0"));
  EXPECT_TRUE(contains(error_of({"--batch", "0"}), "--batch: must be in [1, 16777216], got '0'"));
  // The loss table's words (kernels/ or losses/), with the flag named.
  EXPECT_TRUE(contains(error_of({"--a", "-1"}), "--a")) << error_of({"--a", "-1"});
  EXPECT_TRUE(contains(error_of({"--a", "-1"}), "must be >= 0, got -1")) << error_of({"--a", "-1"});
  EXPECT_TRUE(contains(error_of({"--loss", "hinge"}), "unknown loss 'hinge'"));
  EXPECT_TRUE(contains(error_of({"--optimizer", "rmsprop"}), "unknown optimizer 'rmsprop' (one of: sgd, adam, adamw)"));
  EXPECT_TRUE(contains(error_of({"--dataset", "imagenet"}), "unknown dataset 'imagenet'"));
  EXPECT_TRUE(contains(error_of({"--model", "resnet"}), "unknown model 'resnet'"));
  EXPECT_TRUE(contains(error_of({"--epochs", "0"}), "--epochs: must be in [1, 1000000], got '0'"));
  EXPECT_TRUE(contains(error_of({"--l2", "-1e-4"}), "--l2 must be >= 0"));
  EXPECT_TRUE(contains(error_of({"--momentum", "0.9"}), "--momentum is an SGD setting"));
  EXPECT_TRUE(contains(error_of({"--optimizer", "sgd", "--momentum", "1"}), "--momentum must be in [0, 1)"));
  EXPECT_TRUE(contains(error_of({"--schedule", "step"}), "--schedule step needs --lr-steps"));
  EXPECT_TRUE(contains(error_of({"--schedule", "warmup"}), "unknown schedule 'warmup'"));
  EXPECT_TRUE(contains(error_of({"--lr-steps", "30,20", "--schedule", "step"}), "increasing"));
  EXPECT_TRUE(contains(error_of({"--augment", "heavy"}), "--augment: 'heavy'"));
  EXPECT_TRUE(contains(error_of({"--shift", "1.5"}), "--shift must be in [0, 1)"));
  EXPECT_TRUE(contains(error_of({"--split", "1"}), "--split must be in (0, 1)"));
  EXPECT_TRUE(contains(error_of({"--device", "tpu"}), "--device: 'tpu' is not a device"));
  EXPECT_TRUE(contains(error_of({"--data-dir", "/nonexistent/dir"}), "--data-dir: '/nonexistent/dir' is not a folder"));
  EXPECT_TRUE(contains(error_of({"--resume", "/nonexistent/run"}), "--resume"));
  EXPECT_TRUE(contains(error_of({"--learn-a", "--loss", "cce"}), "only Adma has a scaling factor"));
  EXPECT_TRUE(contains(error_of({"--precision", "tf32", "--device", "cpu"}), "--precision tf32 needs a CUDA device"));
  EXPECT_TRUE(contains(error_of({"--batch", "many"}), "CLI: "));  // not a number: CLI11's own message
}

TEST(TrainFlags, CudaWithoutAGpuIsRefused) {
  if (cuda_rt::device_count() > 0) GTEST_SKIP() << "a CUDA device is present, so --device cuda is valid here";
  const std::string e = error_of({"--device", "cuda"});
  EXPECT_TRUE(contains(e, "--device cuda")) << e;
  EXPECT_TRUE(contains(e, cuda_rt::built_with_cuda() ? "no CUDA device" : "built without CUDA")) << e;
  EXPECT_EQ(apps::resolve_device("auto"), "cpu");
  EXPECT_EQ(apps::resolve_device("cuda:3", false), "cuda:3");  // printed for another machine: not checked
}

TEST(TrainFlags, TrainArgsReproduceTheSettings) {
  const std::vector<std::vector<std::string>> cases = {
      {"--device", "cpu", "--out", "r"},
      {"--dataset", "cifar100", "--loss", "cce", "--optimizer", "sgd", "--momentum", "0.9", "--nesterov", "--l2", "0",
       "--lr", "0.0002", "--schedule", "step", "--lr-steps", "30,60", "--lr-factor", "0.5", "--epochs", "3", "--batch",
       "32", "--augment", "none", "--rotation", "10", "--flip", "true", "--train-limit", "5000", "--seed", "7",
       "--device", "cpu", "--out", "r2"},
      {"--loss", "adma", "--a", "0.31", "--learn-a", "--a-lr", "0.01", "--a-max", "0.5", "--base", "3", "--schedule",
       "plateau", "--lr-patience", "3", "--lr-min", "1e-6", "--split", "0.6", "--device", "cpu", "--out", "r3"},
      {"--loss", "focal", "--gamma", "1.5", "--schedule", "time", "--lr-decay", "1e-4", "--device", "cpu"},
  };
  for (const auto& args : cases) {
    const auto s = parse(args);
    const auto again = parse(apps::train_args(s));
    EXPECT_EQ(apps::to_json(again).dump(), apps::to_json(s).dump()) << testing::PrintToString(args);
  }
}

// The settings hold the library's own configs, parsed once from the flags: the same
// canonical specs the program wrote into checkpoints before (a --resume compares them).
TEST(TrainFlags, OptimizerAndScheduleAreTheLibrarysConfigs) {
  using optim::OptimizerConfig;
  using optim::ScheduleConfig;
  const auto adam = parse({"--device", "cpu"});
  EXPECT_EQ(adam.optimizer.spec, OptimizerConfig::parse("adam:lr=0.001").spec);
  EXPECT_EQ(adam.optimizer.rule, kernels::UpdateRule::Adam);
  EXPECT_DOUBLE_EQ(adam.optimizer.beta2, 0.999);  // the library's table fills what no flag sets
  const auto sgd = parse({"--optimizer", "sgd", "--momentum", "0.9", "--nesterov", "--device", "cpu"});
  EXPECT_EQ(sgd.optimizer.spec, OptimizerConfig::parse("sgd:lr=0.01,momentum=0.9,nesterov=true").spec);
  EXPECT_DOUBLE_EQ(sgd.optimizer.momentum, 0.9);
  EXPECT_TRUE(sgd.optimizer.nesterov);
  EXPECT_EQ(adam.schedule.spec, "constant");
  const auto step = parse({"--schedule", "step", "--lr-steps", "30,60", "--device", "cpu"});
  EXPECT_EQ(step.schedule.spec, ScheduleConfig::parse("step:epochs=30/60,factor=0.1").spec);
  EXPECT_EQ(step.schedule.epochs, (std::vector<int64_t>{30, 60}));
  const auto plateau = parse({"--schedule", "plateau", "--lr-patience", "3", "--device", "cpu"});
  EXPECT_EQ(plateau.schedule.spec, ScheduleConfig::parse("plateau:factor=0.1,patience=3,min_lr=0").spec);
  EXPECT_EQ(plateau.schedule.patience, 3);
  const auto time = parse({"--schedule", "time", "--lr-decay", "1e-4", "--device", "cpu"});
  EXPECT_EQ(time.schedule.spec, ScheduleConfig::parse("time:decay=0.0001").spec);
  EXPECT_EQ(parse({"--schedule", "cosine", "--lr-min", "1e-5", "--device", "cpu"}).schedule.spec,
            ScheduleConfig::parse("cosine:min_lr=1e-05").spec);
  EXPECT_EQ(apps::schedule_name(plateau.schedule), "plateau");
  EXPECT_TRUE(contains(error_of({"--schedule", "time"}), "--lr-decay"));
  EXPECT_TRUE(contains(error_of({"--optimizer", "adamw"}), "--l2 with adamw"));
  EXPECT_TRUE(contains(error_of({"--optimizer", "sgd", "--nesterov"}), "--nesterov needs a --momentum > 0"));
  // config.json: each block with the parameters of its kind and the canonical spec.
  const auto j = apps::to_json(sgd);
  EXPECT_EQ(j["optimizer"]["spec"], sgd.optimizer.spec);
  EXPECT_EQ(j["optimizer"]["momentum"], 0.9);
  EXPECT_FALSE(apps::to_json(adam)["optimizer"].contains("momentum"));
  EXPECT_EQ(apps::to_json(step)["schedule"]["steps"], nlohmann::json({30, 60}));
  EXPECT_FALSE(apps::to_json(adam)["schedule"].contains("factor"));
}

TEST(TrainFlags, FinishedOutputFolderIsNotOverwritten) {
  test::TempDir dir;
  apps::write_file_checked(dir / "summary.json", "{}");
  const auto s = parse({"--device", "cpu", "--out", dir.path()});
  EXPECT_THROW(apps::check_output_folder(s), Error);
}

// Every command takes its loss flags from the one table (losses/loss_kind.h): the
// table's flag names and help, single values in train/experiment/loss, lists of a in
// sweep and loss-curves; experiment sets a per run (its table's), so it has no --a.
TEST(LossFlags, EveryCommandDeclaresTheTablesFlags) {
  CLI::App app;
  apps::register_train(app);
  apps::register_experiment(app);
  apps::register_sweep(app);
  apps::register_loss(app);
  apps::register_loss_curves(app);
  for (const auto& info : losses::kLossParams) {
    const std::string flag = std::string("--") + info.name;
    for (const std::string name : {"train", "experiment", "sweep", "loss", "loss-curves"}) {
      const CLI::Option* o = app.get_subcommand(name)->get_option_no_throw(flag);
      const bool a = info.param == losses::LossParam::A;
      if ((name == "experiment" && a) || (name == "loss-curves" && !a)) {
        EXPECT_EQ(o, nullptr) << name << " " << flag;
        continue;
      }
      ASSERT_NE(o, nullptr) << name << " " << flag;
      EXPECT_EQ(o->get_description().rfind(info.help, 0), 0u) << name << " " << flag << ": " << o->get_description();
    }
  }
  for (const std::string name : {"train", "loss"})
    EXPECT_TRUE(contains(app.get_subcommand(name)->get_option("--loss")->get_description(), losses::loss_names()));
}

TEST(LossFlags, EveryParameterReachesTheSettingsAndTheirArguments) {
  for (const auto& info : losses::kLossParams) {
    const double v = info.default_value + 0.5;  // within every parameter's range
    const auto s = parse({std::string("--") + info.name, apps::exact_number(v), "--device", "cpu"});
    EXPECT_EQ(s.loss_params[info.param], v) << info.name;
    EXPECT_EQ(parse(apps::train_args(s)).loss_params[info.param], v) << info.name;
  }
  EXPECT_TRUE(contains(error_of({"--gamma", "-1"}), "--gamma: focal loss gamma must be >= 0, got -1"));
  EXPECT_TRUE(contains(error_of({"--q", "nan"}), "--q: must be finite, got 'nan'"));  // strict numbers, as every NUMBER
  EXPECT_EQ(apps::loss_param_values(losses::LossParam::A, "0.1,0.2"), (std::vector<double>{0.1, 0.2}));
  EXPECT_EQ(apps::loss_param_values(losses::LossParam::A, "0.1:0.3:0.1").size(), 3u);
  try {
    apps::loss_param_values(losses::LossParam::A, "0.1,-0.5");
    FAIL() << "a negative a was accepted";
  } catch (const UsageError& e) {
    EXPECT_TRUE(contains(e.what(), "--a: Adma scaling factor a must be >= 0, got -0.5")) << e.what();
  }
}

TEST(EvaluateFlags, CheckpointMustExist) {
  apps::EvaluateFlags f;
  f.checkpoint = "/nonexistent/best.safetensors";
  f.device = "cpu";
  try {
    apps::resolve(f);
    FAIL();
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "--checkpoint: '/nonexistent/best.safetensors' is not a file")) << e.what();
  }
}

}  // namespace
}  // namespace adma
