// The dataset registry: ONE table of every dataset adma reads -- the paper's
// eight and two for a user's own data -- with its input shape, classes, the
// paper's epochs, learning rate and augmentation preset, its split, where its
// files go and what they are. The command line, the tests and docs/data.md
// all read this table.
#pragma once
#include <string>
#include <vector>

#include "data/folder.h"
#include "data/image_set.h"
#include "data/normalization.h"
#include "kernels/augment_batch.h"

namespace adma::data {

struct LoadOptions {
  std::string dir;              // empty: the dataset's default directory
  double train_fraction = 0.8;  // stratified splits (image folders); the paper also uses 0.75 and 0.6
  uint64_t seed = 0;            // stratified split seed
  int64_t train_limit = 0;      // keep only the first N training examples (0: all)
  int64_t classes = 0;          // idx: class count (0: largest label + 1)
  ImageGeometry geometry{0, 0, 0};  // folder: input size (0: 3 x 150 x 150)
};

struct DatasetInfo;

// A loaded dataset: its splits and the z-score of its training split.
struct Dataset {
  const DatasetInfo* info = nullptr;
  ImageSet train, val, test;  // val or test may be empty
  std::vector<std::string> class_names;
  Normalization norm;  // from train
  // What the training loop reports accuracy on: validation when there is one, else test.
  const ImageSet& held_out() const { return val.size() > 0 ? val : test; }
};

struct DatasetInfo {
  const char* name;
  int64_t channels, height, width;  // input shape; 0 where the files decide (idx)
  int64_t classes;                  // 0 where the files decide (idx, folder)
  int paper_epochs;                 // 0: the paper gives none
  double paper_lr;                  // 0: the optimizer's default
  kernels::AugmentSpec augment;     // the paper's ImageDataGenerator preset
  const char* split;                // how train/validation/test are formed
  const char* default_dir;          // "" : the directory must be given
  const char* files;                // what the directory holds
  const char* help;                 // one line
  Dataset (*load)(const DatasetInfo& info, const LoadOptions& options);
};

const std::vector<DatasetInfo>& datasets();
// Throws listing every name when `name` is not in the table.
const DatasetInfo& find_dataset(const std::string& name);
// Reads, splits, limits and computes the normalisation.
Dataset load_dataset(const std::string& name, const LoadOptions& options = {});

}  // namespace adma::data
