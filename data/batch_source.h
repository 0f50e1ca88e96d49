// BatchSource: what the training loop (optim/trainer.h) reads batches from, and
// what every dataset pipeline (data/) provides. It writes each batch straight into
// the graph's own input and label tensors, on their device, so a step needs no
// host copy of its own and the training loop never sees a dataset format.
//
// An epoch is `batches()` batches of exactly `batch_size()` rows (the graph is
// static). When the split does not divide evenly, the last batch is padded: its
// missing rows get a zero image and the label kIgnoreLabel (-1, core/labels.h), which the fused loss kernels
// treat as "ignore this row" (no loss, no gradient, not counted), so evaluation
// covers every example exactly once. `valid_rows(i)` says how many rows are real.
#pragma once
#include <cstdint>

#include "core/tensor.h"

namespace adma::data {

class BatchSource {
 public:
  virtual ~BatchSource() = default;
  // Examples in the split (before padding), rows per batch, and batches per epoch.
  virtual int64_t examples() const = 0;
  virtual int64_t batch_size() const = 0;
  virtual int64_t batches() const = 0;
  // Begins epoch `epoch` (0-based): draws its permutation (when shuffling) and its
  // augmentation parameters from the source's seed and the epoch number, so the
  // same seed gives the same batches on every device and after a resume.
  virtual void start_epoch(int64_t epoch) = 0;
  // Writes batch `i` of the current epoch into `x` ([B, C, H, W], the graph's input)
  // and `labels` ([B] int32), both on the graph's device. Queued on that device's
  // context stream; never waits for the device.
  virtual void fill(int64_t i, Tensor& x, Tensor& labels) = 0;
  int64_t valid_rows(int64_t i) const {
    const int64_t left = examples() - i * batch_size();
    return left < batch_size() ? left : batch_size();
  }
};

}  // namespace adma::data
