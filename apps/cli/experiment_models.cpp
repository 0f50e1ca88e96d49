// The model side of `adma experiment` (see apps/cli/experiment_models.h).
#include "apps/cli/experiment_models.h"

#include <sstream>

#include "apps/common/format.h"
#include "core/error.h"

namespace adma::apps {

namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream is(text);
  std::string piece;
  while (std::getline(is, piece, ','))
    if (!piece.empty()) out.push_back(piece);
  return out;
}

std::string kind_of(const std::string& model) { return model.substr(0, model.find(':')); }

}  // namespace

void add_model_study_flags(CLI::App* cmd, ModelStudyFlags& f) {
  std::string studies;
  for (const auto& s : ablation_studies())
    studies += "\n  " + s.name + " (" + s.option + ": " + join(s.values, ", ") + "): " + s.what;
  cmd->add_option("--ablation", f.ablation,
                  "ConvNet ablations of Section 5, comma-separated; one table per study, the losses as columns:" +
                      studies);
  cmd->add_option("--variants", f.variants,
                  "with one --ablation: the values to study instead of its own, comma-separated (lists with '/')");
}

void apply_model_study_defaults(CLI::App* cmd, std::string& datasets, TrainFlags& train) {
  if (kind_of(train.model).rfind("resnet", 0) != 0) return;
  if (cmd->count("--datasets") == 0) datasets = "mnist,fashion-mnist,cifar10,cifar100";
  if (!train.model_flags.weights.empty() && !train.model_flags.train_top && train.model_flags.train_only.empty())
    train.model_flags.train_top = 5;
}

std::string experiment_out(int table, const TrainFlags& train) {
  const std::string kind = kind_of(train.model);
  return "experiments/" + (kind == "convnet" ? std::string() : kind + "-") + "table" + std::to_string(table);
}

AblationSpec ablation_spec(const ModelStudyFlags& f, int table, const std::vector<std::string>& datasets,
                           const std::vector<std::string>& losses, int iterations, uint64_t seed,
                           const std::string& out, const TrainFlags& train) {
  ADMA_CHECK(kind_of(train.model) == "convnet", "--ablation: the ablations are the ConvNet's; --model is ",
             train.model);
  AblationSpec spec;
  spec.studies = split_list(f.ablation);
  for (const auto& name : spec.studies) {
    const AblationStudy& s = find_ablation(name);
    ADMA_CHECK(!train.model_flags.options.count(s.option), option_flag(s.option), ": --ablation ", name,
               " varies it (give the values with --variants)");
  }
  spec.values = split_list(f.variants);
  spec.table = table;
  spec.datasets = datasets;
  spec.losses = losses;
  spec.iterations = iterations;
  spec.seed = seed;
  spec.out = out.empty() ? "experiments/ablation-" + join(spec.studies, "-") : out;
  return spec;
}

void add_model_paper_results(const std::string& model, std::vector<CellStats>& cells) {
  for (CellStats& c : cells) c.paper = find_model_paper_result(kind_of(model), c.dataset, c.loss);
}

}  // namespace adma::apps
