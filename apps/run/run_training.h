// The single call from the program into the library's training loop (optim/,
// issue 9) and evaluation. Everything before it (flags, validation, device) and
// around it (apps/run/train_report.h: run folder, progress) is the program's.
#pragma once
#include <string>
#include <vector>

#include "apps/run/train_settings.h"

namespace adma::apps {

// Trains as `s` says, writing the run folder through TrainReport; its checkpoints keep
// `train_args`, the `adma train` arguments that rebuild the run. Throws on failure.
// `profile` (adma train --profile) prints, after the first epoch, what one captured
// training step and one evaluation step launch (CUDA graph nodes by type).
void run_training(const TrainSettings& s, const std::vector<std::string>& train_args, bool profile = false);
// Prints the test-split accuracy and loss of checkpoint e.checkpoint, which was trained
// with `trained` (apps/cli/train_flags.h: checkpoint_settings). Throws on failure.
void run_evaluation(TrainSettings trained, const EvaluateSettings& e);

}  // namespace adma::apps
