// The single call from the program into the library's training loop (optim/,
// issue 9) and evaluation. Everything before it (flags, validation, device) and
// around it (apps/run/train_report.h: run folder, progress) is the program's.
#pragma once
#include "apps/cli/train_flags.h"

namespace adma::apps {

// Trains as `s` says, writing the run folder through TrainReport. Throws on failure.
void run_training(const TrainSettings& s);
// Prints test-split accuracy and loss of a checkpoint. Throws on failure.
void run_evaluation(const EvaluateSettings& s);

}  // namespace adma::apps
