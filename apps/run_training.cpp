// WIRING POINT: the library's training loop (optim/trainer.h) and dataset
// readers (data/) are built on other branches; until they are merged this file
// is the one place `adma train` and `adma evaluate` stop, saying so. The lead
// replaces both bodies with: build the dataset and the ConvNet from `s`, run the
// trainer with TrainReport's hooks (apps/train_report.h), write checkpoints.
#include "apps/run_training.h"

#include "core/error.h"

namespace adma::apps {

void run_training(const TrainSettings& s) {
  ADMA_THROW("training loop not built yet: this build has no optim/trainer.h, so adma train cannot run ",
             s.dataset, " (the settings were valid)");
}

void run_evaluation(const EvaluateSettings& s) {
  ADMA_THROW("training loop not built yet: this build has no optim/trainer.h, so adma evaluate cannot read ",
             s.checkpoint);
}

}  // namespace adma::apps
