// SyntheticSource: a learnable image-classification problem made from a seed, for
// tests, examples and smoke runs where no dataset is at hand. Class c has a fixed
// random prototype image P_c (values +-1); example k has label k mod classes and
// image P_label + noise * N(0, 1), both a pure function of (seed, k); a split is the
// examples first .. first + examples - 1 (train and validation: disjoint ranges). Each epoch
// visits the examples in a permutation drawn from (seed, epoch); the last batch is
// padded (zero image, label -1) as data/batch_source.h asks. `batch` is the global
// batch; with a shard this source writes rank r's batch/N rows of each.
// fill() builds the batch on the host and copies it in (a synchronous copy: this
// source is for small problems, not for timing).
#pragma once
#include <vector>

#include "data/batch_source.h"

namespace adma::data {

struct SyntheticOptions {
  int64_t examples = 512, batch = 16;
  int64_t channels = 1, height = 8, width = 8, classes = 4;
  double noise = 1.0;
  uint64_t seed = 1;        // the problem: prototypes and noise
  int64_t first = 0;        // index of the first example: disjoint ranges make disjoint splits
  bool shuffle = true;
  Shard shard;              // data parallelism: this process's rows of every batch
};

class SyntheticSource : public BatchSource {
 public:
  explicit SyntheticSource(const SyntheticOptions& o);
  int64_t examples() const override { return o_.examples; }
  int64_t batch_size() const override { return o_.batch / o_.shard.count; }
  int64_t batches() const override { return (o_.examples + o_.batch - 1) / o_.batch; }
  Shard shard() const override { return o_.shard; }
  void start_epoch(int64_t epoch) override;
  void fill(int64_t i, Tensor& x, Tensor& labels) override;

 private:
  SyntheticOptions o_;
  std::vector<double> prototypes_;  // [classes, C*H*W]
  std::vector<int64_t> order_;
};

}  // namespace adma::data
