// `adma train` and `adma evaluate`: flags (apps/cli/train_flags.h), validated while
// the command line is parsed so a bad flag fails before any work (usage error),
// then one call into apps/run/run_training.h.
//   adma train --dataset fashion-mnist --loss adma --epochs 75 --out runs/fm-adma
//   adma evaluate --checkpoint runs/fm-adma/best.safetensors --dataset fashion-mnist
#include "apps/cli/commands.h"
#include "apps/run/run_training.h"
#include "apps/cli/train_flags.h"
#include "core/error.h"

namespace adma::apps {

void register_train(CLI::App& app) {
  auto flags = std::make_shared<TrainFlags>();
  auto* cmd = app.add_subcommand("train", "Train the ConvNet on a dataset with a loss; writes a run folder");
  add_train_flags(cmd, *flags);
  cmd->callback([flags] {
    TrainSettings s;
    try {
      s = resolve(*flags);
      check_output_folder(s);
    } catch (const Error& e) {
      throw CLI::ValidationError(e.what());
    }
    selected() = [s] { run_training(s); };
  });
}

void register_evaluate(CLI::App& app) {
  auto flags = std::make_shared<EvaluateFlags>();
  auto* cmd = app.add_subcommand("evaluate", "Accuracy and loss of a checkpoint on a dataset's test split");
  add_evaluate_flags(cmd, *flags);
  cmd->callback([flags] {
    EvaluateSettings s;
    try {
      s = resolve(*flags);
    } catch (const Error& e) {
      throw CLI::ValidationError(e.what());
    }
    selected() = [s] { run_evaluation(s); };
  });
}

}  // namespace adma::apps
