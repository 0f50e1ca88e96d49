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
//
// Data parallelism (parallel/): N processes train one model, each on its shard of every
// batch. The GLOBAL batch of B rows is what one process would take; rank r of N
// writes its rows [r*B/N, (r+1)*B/N) (B divisible by N). Every rank draws the same
// permutation and augmentation (they depend on the seed, the epoch and the example
// only), so the ranks' shards of batch i together are exactly the single-process
// batch i, padding included: a rank whose rows all lie past the split's end writes
// padding only. batch_size() is the rows this process writes (B/N: what its graph is
// built for); batches() is the same on every rank.
#pragma once
#include <cstdint>

#include "core/error.h"
#include "core/tensor.h"

namespace adma::data {

// This process's part of every batch: rank `rank` of `count`.
struct Shard {
  int64_t rank = 0, count = 1;
  bool operator==(const Shard& o) const { return rank == o.rank && count == o.count; }
  bool operator!=(const Shard& o) const { return !(*this == o); }
};

// Throws unless 0 <= rank < count and `count` divides the global batch.
inline void check_shard(const Shard& s, int64_t global_batch, const char* who) {
  ADMA_CHECK(s.count >= 1 && s.rank >= 0 && s.rank < s.count, who, ": shard ", s.rank, " of ", s.count,
             " (the rank must be in [0, count))");
  ADMA_CHECK(global_batch % s.count == 0, who, ": the global batch of ", global_batch, " rows does not divide among ",
             s.count, " processes (choose a batch that is a multiple of ", s.count, ")");
}

class BatchSource {
 public:
  virtual ~BatchSource() = default;
  // Examples in the split (all ranks together, before padding), rows per batch this
  // process writes, and batches per epoch.
  virtual int64_t examples() const = 0;
  virtual int64_t batch_size() const = 0;
  virtual int64_t batches() const = 0;
  // Which part of each global batch this source writes ({0, 1}: all of it).
  virtual Shard shard() const { return {}; }
  int64_t global_batch_size() const { return batch_size() * shard().count; }
  // Begins epoch `epoch` (0-based): draws its permutation (when shuffling) and its
  // augmentation parameters from the source's seed and the epoch number, so the
  // same seed gives the same batches on every device and after a resume.
  virtual void start_epoch(int64_t epoch) = 0;
  // Writes batch `i` of the current epoch into `x` ([B, C, H, W], the graph's input)
  // and `labels` ([B] int32), both on the graph's device. Queued on that device's
  // context stream; never waits for the device.
  virtual void fill(int64_t i, Tensor& x, Tensor& labels) = 0;
  // Real rows of this process's batch i: its rows start at i*B + rank*B/N of the epoch.
  int64_t valid_rows(int64_t i) const {
    const int64_t left = examples() - (i * global_batch_size() + shard().rank * batch_size());
    return left <= 0 ? 0 : left < batch_size() ? left : batch_size();
  }
};

}  // namespace adma::data
