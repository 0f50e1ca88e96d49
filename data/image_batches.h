// ImageBatches: the BatchSource over an ImageSet. It draws each epoch's
// permutation on the host from (seed, epoch) -- Fisher-Yates on a Philox
// stream, the same on every device -- and builds every batch with the fused
// kernel of kernels/augment_batch.h (gather + Keras augmentation + z-score; for a
// model whose input differs from the images, grey repeated to 3 channels, resized,
// and normalised per channel, all in the same kernel).
//
// CUDA: the split is copied to the device once, as uint8, with its labels;
// start_epoch uploads the permutation with one stream-ordered copy, and fill()
// is one kernel launch writing straight into the graph's input and label
// tensors -- no host copy, no synchronisation.
// CPU: a worker thread assembles batch i + 1 into a second buffer while the
// step on batch i runs (double buffering); fill() waits for it (normally
// already done) and copies it into the graph's tensors. Same seed, same batches
// on both devices (to float rounding). With a shard (data parallelism) it writes
// this process's rows of every global batch of `batch_size` (data/batch_source.h).
#pragma once
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "data/batch_source.h"
#include "data/image_set.h"
#include "data/normalization.h"
#include "kernels/augment_batch.h"

namespace adma::data {

struct BatchOptions {
  int64_t batch_size = 64;  // the global batch: all processes' rows together
  Shard shard;              // this process's rows of each batch ({0, 1}: all)
  bool shuffle = true;
  uint64_t seed = 0;
  kernels::AugmentSpec augment;  // none by default (evaluation)
  Normalization norm;
  // The model's input when it differs from the images (models::input_chw): 0 keeps the
  // images' own; out_channels 3 repeats grey images; a size resizes them (bilinear) on the
  // device, before the augmentation. E.g. MNIST into ResNet-34: 3, 32, 32.
  int32_t out_channels = 0, out_height = 0, out_width = 0;
  // Non-empty: per-channel normalisation of the output (ImageNet's for pretrained weights)
  // instead of `norm`.
  ChannelNormalization channel_norm;
};

// The epoch's order: identity without shuffling, else a Fisher-Yates
// permutation drawn from Rng(order_key(seed, epoch)).
std::vector<int32_t> epoch_order(int64_t examples, bool shuffle, uint64_t seed, int64_t epoch);

class ImageBatches : public BatchSource {
 public:
  ImageBatches(const ImageSet& set, const BatchOptions& options, Device device);
  ~ImageBatches() override;
  ImageBatches(const ImageBatches&) = delete;
  ImageBatches& operator=(const ImageBatches&) = delete;

  int64_t examples() const override { return examples_; }
  int64_t batch_size() const override { return opt_.batch_size / opt_.shard.count; }
  int64_t batches() const override { return (examples_ + opt_.batch_size - 1) / opt_.batch_size; }
  Shard shard() const override { return opt_.shard; }
  void start_epoch(int64_t epoch) override;
  void fill(int64_t i, Tensor& x, Tensor& labels) override;
  Device device() const { return device_; }
  // CPU: waits up to `timeout_ms` for the worker to finish batch i on its own
  // (no fill needed); true when it has. Shows the double buffering in tests.
  bool wait_prepared(int64_t i, int timeout_ms);

 private:
  kernels::BatchGather gather(int64_t i) const;
  void worker_loop();
  void request(int64_t i);  // CPU: ask the worker for batch i (lock held by caller)

  BatchOptions opt_;
  Device device_;
  int64_t examples_ = 0;
  int32_t c_ = 0, h_ = 0, w_ = 0;     // the images
  int32_t oc_ = 0, oh_ = 0, ow_ = 0;  // a batch row (the model's input)
  int64_t epoch_ = -1;
  std::shared_ptr<Storage> images_, labels_, order_;  // on device_
  // CPU double buffer and its worker.
  Tensor next_x_, next_labels_;
  std::thread worker_;
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t wanted_ = -1, ready_ = -1;  // batch the worker is asked for / has finished
  bool busy_ = false, stop_ = false;
  std::exception_ptr failure_;
};

}  // namespace adma::data
