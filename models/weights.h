// Pretrained weights into a built model, strictly: a safetensors file with the model's
// own names (torchvision's state_dict keys for models/resnet.h, as
// scripts/torchvision_to_safetensors.py writes them) fills every parameter and buffer.
//   - every tensor of the model must be in the file with its shape: the first one that is
//     not is an Error naming it (and the file's shape);
//   - every tensor of the file must be in the model, except BatchNorm's
//     `num_batches_tracked` counters (PyTorch reads them only when momentum is None;
//     adma's BatchNorm has a momentum, so they are ignored and reported);
//   - F32 and F64 files load into a graph of either dtype (F32 -> F64 is exact);
//   - the classifier (options.classifier, "fc" for torchvision models) may hold another
//     number of classes: with replace_classifier its tensors keep the fresh initialisation
//     the graph gave them (fine-tuning for the dataset's classes) and the report says so;
//     a classifier that differs in anything else (its input features) is a mismatch.
// Nothing is written to the model before every check passed and every value was read.
#pragma once
#include <string>
#include <vector>

#include "core/graph/graph.h"

namespace adma::models {

struct WeightsOptions {
  std::string classifier = "fc";   // node whose tensors may differ in the class count (models::classifier(spec))
  bool replace_classifier = true;  // false: a class count that differs is a mismatch
};

struct WeightsReport {
  int64_t tensors = 0, values = 0;    // loaded from the file
  std::vector<std::string> replaced;  // classifier tensors left at their fresh initialisation
  std::vector<std::string> ignored;   // num_batches_tracked entries of the file
  std::string message;                // all of it in words, for the program to print
};

// After g.build(). Throws (naming the first mismatch) or loads everything.
WeightsReport load_weights(Graph& g, const std::string& path, const WeightsOptions& options = {});

}  // namespace adma::models
