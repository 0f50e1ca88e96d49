// `adma train` and `adma evaluate`: flags (apps/cli/train_flags.h), validated while
// the command line is parsed so a bad flag fails before any work (usage error),
// then one call into the driver (apps/run/run_training.h) with the settings and, for
// the checkpoints, the arguments that rebuild the run.
//   adma train --dataset fashion-mnist --loss adma --epochs 75 --out runs/fm-adma
//   adma evaluate --checkpoint runs/fm-adma/best.safetensors --dataset fashion-mnist
#include "apps/cli/commands.h"
#include "apps/cli/flags.h"
#include "apps/cli/resume_flags.h"
#include "apps/cli/threads.h"
#include "apps/cli/train_flags.h"
#include "apps/run/run_training.h"
#include "core/error.h"

namespace adma::apps {

void register_train(CLI::App& app) {
  auto flags = std::make_shared<TrainFlags>();
  auto threads = std::make_shared<int>(0);
  auto* cmd = app.add_subcommand("train", "Train the ConvNet on a dataset with a loss; writes a run folder");
  add_train_flags(cmd, *flags);
  add_threads_flag(cmd, *threads);
  // Not a setting of the run (train_args leaves it out): what the program prints.
  auto profile = std::make_shared<bool>(false);
  cmd->add_flag("--profile", *profile,
                "After the first epoch, print what one captured training step and one evaluation step launch "
                "(CUDA graph nodes: kernels, memsets, memcpys)");
  cmd->callback([flags, cmd, threads, profile] {
    const TrainSettings s = while_parsing([&] {
      if (!flags->resume.empty()) return resume_settings(*cmd, *flags);  // the run's own settings
      TrainSettings resolved = resolve(*flags);
      check_output_folder(resolved);
      return resolved;
    });
    const std::vector<std::string> args = while_parsing([&] { return train_args(s, false); });
    selected() = [s, args, threads, profile = *profile] {
      apply_threads(*threads);
      run_training(s, args, profile);
    };
  });
}

void register_evaluate(CLI::App& app) {
  auto flags = std::make_shared<EvaluateFlags>();
  auto threads = std::make_shared<int>(0);
  auto* cmd = app.add_subcommand("evaluate", "Accuracy and loss of a checkpoint on a dataset's test split");
  add_evaluate_flags(cmd, *flags);
  add_threads_flag(cmd, *threads);
  cmd->callback([flags, threads] {
    const EvaluateSettings s = while_parsing([&] { return resolve(*flags); });
    // The checkpoint's own settings: a file that holds none fails the command (exit 1), not its flags.
    selected() = [s, threads] {
      apply_threads(*threads);
      run_evaluation(checkpoint_settings(s.checkpoint), s);
    };
  });
}

}  // namespace adma::apps
