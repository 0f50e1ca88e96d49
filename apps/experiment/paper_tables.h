// The paper's numbers in one place: its datasets as its tables name them and its
// Tables 1-4 (accuracy of each loss per dataset under Adam or SGD, with or without
// L2). `adma experiment` takes its runs and the values it compares with from here,
// and the tests check these rows against the paper's text.
#pragma once
#include <string>
#include <vector>

namespace adma::apps {

// The paper's datasets as its tables name them. Their training settings (epochs,
// learning rate, augmentation) are the dataset registry's (data/datasets.h), the
// one table `adma train` reads them from.
struct PaperDataset {
  const char* name;     // the --dataset name (data/datasets.h)
  const char* title;    // as the paper's tables write it
  int iterations;       // runs the paper averaged (0: not stated)
  const char* note;     // what the paper leaves open and what adma does then
};

// The four experimental settings: Table t is (optimizer, L2 on conv kernels).
struct PaperSetting {
  int table;
  const char* optimizer;  // "adam" or "sgd"
  double l2;              // 1e-4 "with regularization", 0 without
  const char* caption;
};

struct PaperResult {
  int table;
  const char* dataset;  // PaperDataset::name
  const char* loss;     // "adma", "cce", "squared-hinge", "mse"
  double a;             // Adma's scaling factor in that cell (0 for the other losses)
  double percent;       // the accuracy as printed, in percent
  double accuracy() const { return percent / 100.0; }
};

const std::vector<PaperDataset>& paper_datasets();
const std::vector<PaperSetting>& paper_settings();
const std::vector<PaperResult>& paper_results();

// nullptr when the paper has no such dataset / cell.
const PaperDataset* find_paper_dataset(const std::string& name);
const PaperResult* find_paper_result(int table, const std::string& dataset, const std::string& loss);
// Table t's setting; throws for t outside 1..4.
const PaperSetting& paper_setting(int table);
// Section 5's other model: "ResNet-34 with pretrained weights, only the top 5 layers
// trained", with Adma; the paper gives errors (MNIST 0.025 %, Fashion-MNIST about 6.5 %,
// CIFAR-10 about 9 %, CIFAR-100 about 38 %), kept as accuracies (table 0, a 0: not stated).
// nullptr for another model, dataset or loss.
const PaperResult* find_model_paper_result(const std::string& model, const std::string& dataset,
                                           const std::string& loss);
// The losses every table compares, in the paper's column order.
const std::vector<std::string>& paper_losses();
// "mnist, fashion-mnist, ..." for messages.
std::string paper_dataset_names();

}  // namespace adma::apps
