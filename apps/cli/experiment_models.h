// The model side of `adma experiment`: --ablation STUDY[,STUDY] and --variants (the
// ConvNet ablations, apps/experiment/ablations.h), and the defaults of a ResNet
// experiment (`--model resnet34 --weights F`: the paper's four datasets of Section 5 and
// --train-top 5, its "only the top 5 layers trained"), compared with the numbers the
// paper reports for it instead of its ConvNet tables.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "apps/cli/train_flags.h"
#include "apps/experiment/ablations.h"
#include "apps/experiment/results.h"

namespace adma::apps {

struct ModelStudyFlags {
  std::string ablation, variants;
};
void add_model_study_flags(CLI::App* cmd, ModelStudyFlags& f);

// A ResNet experiment: --datasets (unless given) the paper's four, and with --weights
// --train-top 5 (unless --train-top or --train-only is given).
void apply_model_study_defaults(CLI::App* cmd, std::string& datasets, TrainFlags& train);

// The default --out: experiments/tableN for the ConvNet, experiments/MODEL-tableN for another model.
std::string experiment_out(int table, const TrainFlags& train);

// The ablation the flags ask for; refuses a study of a model other than the ConvNet and a
// train flag that sets the option the study varies.
AblationSpec ablation_spec(const ModelStudyFlags& f, int table, const std::vector<std::string>& datasets,
                           const std::vector<std::string>& losses, int iterations, uint64_t seed,
                           const std::string& out, const TrainFlags& train);

// The paper's Section 5 numbers for `model` (ResNet-34 with Adma) as the cells' paper values.
void add_model_paper_results(const std::string& model, std::vector<CellStats>& cells);

}  // namespace adma::apps
