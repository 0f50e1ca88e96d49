// The ConvNet ablations of the paper's Section 5 ("ReLU, LeakyReLU and Maxout", "other
// dropout rates, window sizes and strides"; "no significant exception was observed for
// Adma"): `adma experiment --ablation activation|dropout|kernel|stride`. A study varies one
// option of the model table (models/registry.h) over its values; every value is trained
// with each loss (the paper's four by default) and iteration, under the table's optimizer,
// L2 and Adma `a` (as the paper's tables). Results: one table per study and dataset, the
// losses as columns, mean ± std of the final validation accuracy; results.csv;
// learning-curves.png (one panel per study value and dataset, one line per loss).
#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "apps/experiment/plan.h"

namespace adma::apps {

struct AblationStudy {
  std::string name;                 // --ablation NAME
  std::string option;               // the model table's option it varies
  std::vector<std::string> values;  // its values (the paper's first)
  std::string paper;                // the paper's value (Figure 2)
  std::string what;                 // for --help and results.md
};

const std::vector<AblationStudy>& ablation_studies();
// Throws naming the studies when `name` is none of them.
const AblationStudy& find_ablation(const std::string& name);
std::string ablation_names();

struct AblationSpec {
  std::vector<std::string> studies;
  std::vector<std::string> values;  // empty: each study's own; else one study's values
  int table = 1;                    // the optimizer, L2 and a of the paper's Table t
  std::vector<std::string> datasets = {"fashion-mnist"};
  std::vector<std::string> losses = paper_losses();
  int iterations = 1;
  uint64_t seed = 1;
  std::string out;
};

// Every run: studies x values x datasets x losses x iterations; run folders
// OUT/STUDY/VALUE/runs/DATASET/LOSS/seed-S (RunPlan::variant = "option=value").
std::vector<RunPlan> plan_ablations(const AblationSpec& spec, const TrainRecipe& recipe);

// results.md, results.csv and learning-curves.png (+ .csv, .gp) in spec.out; returns results.md's path.
std::string write_ablation_results(const AblationSpec& spec, const std::vector<RunPlan>& plan, std::FILE* log);

}  // namespace adma::apps
