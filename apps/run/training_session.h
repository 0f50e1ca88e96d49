// A training session built from the program's settings: the dataset (data/
// registry), the model of the table (models/registry.h: the paper's ConvNet and its
// ablations, ResNet-34; pretrained weights and freezing) with its fused loss, the library's Trainer
// (optim/trainer.h) and the batch sources. `adma train`, `adma evaluate` and the
// tests build their runs here, so a checkpoint is always read back into the
// graph it was written from.
//
// A checkpoint of the program holds, beside the Trainer's state (weights, batch
// norm statistics, `a`, optimizer moments, step counter, schedule, epochs done):
//   data.mean, data.std     the normalisation of the training split
//   data.channel_mean/std   with ImageNet's per-channel normalisation (a ResNet with
//                           --weights), those numbers too; adma.normalization names which
//   adma.train_args         the `adma train` arguments that rebuild the run (JSON list)
//   adma.val_accuracy/loss  what training measured on the held-out split for it
// The random state is (seed, epoch): the library draws each epoch's shuffle,
// augmentation and dropout streams from them, so a run resumed at an epoch
// boundary draws what the uninterrupted run drew.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "apps/run/train_settings.h"
#include "core/spec.h"
#include "data/datasets.h"
#include "data/image_batches.h"
#include "models/freeze.h"
#include "optim/trainer.h"

namespace adma::apps {

// "cpu" or "cuda:N" (TrainSettings::device) as a Device.
Device device_of(const std::string& device);

struct SessionOptions {
  bool dropout = true;         // false: the ConvNet without its Dropout layers (CPU/CUDA comparisons)
  std::optional<int> batch;    // override the settings' batch (evaluation)
  // The `adma train` arguments that rebuild the run, kept in its checkpoints (adma.train_args)
  // so `adma evaluate` needs only the file. The command front writes them; save() needs them.
  std::vector<std::string> train_args;
  // Data parallelism (apps/run/process_group.h): this rank trains on its shard, batch/N
  // rows of every batch of `batch`, and the Trainer averages the gradient over the ranks.
  parallel::Communicator* communicator = nullptr;
};

class TrainingSession {
 public:
  explicit TrainingSession(const TrainSettings& s, const SessionOptions& o = {});

  const TrainSettings& settings() const { return s_; }
  data::Dataset& dataset() { return data_; }
  Graph& graph() { return *g_; }
  optim::Trainer& trainer() { return *trainer_; }
  data::ImageBatches& train_batches() { return *train_; }
  // Validation when the dataset has one, else test (what training reports).
  data::ImageBatches& held_out_batches() { return *held_out_; }
  // The test split (empty sets give nullptr).
  data::ImageBatches* test_batches() { return test_.get(); }
  // Adma's scaling factor now: the learnable parameter, else the fixed value.
  double current_a() const;
  // "CPU reference (OpenBLAS)" or "CUDA (cuDNN ..., CUDA graph)".
  std::string backend() const;

  // Trainer state + normalisation + the run's arguments and held-out metrics (+ `extra`
  // metadata, e.g. the metrics history); atomic.
  void save(const std::string& path, const optim::EpochMetrics* held_out,
            const std::map<std::string, std::string>& extra = {}) const;
  // Restores everything save() wrote (the normalisation too, refused unless its std is
  // finite and > 0); throws naming the file, and then nothing has changed.
  void load(const std::string& path);
  // A fresh run with --weights: loads them strictly (models/weights.h), the classifier
  // replaced for the dataset's classes; returns what was loaded, in words.
  std::string load_pretrained();
  // With --train-top / --train-only: which parameters train and how many ("" otherwise).
  std::string training_report() const;

 private:
  void make_batches();
  data::Shard shard() const;
  // The normalisation(s) a checkpoint carries beside the Trainer's state.
  std::vector<NamedTensor> extra_tensors() const;

  TrainSettings s_;
  std::vector<std::string> train_args_;
  parallel::Communicator* comm_;
  data::Dataset data_;
  std::unique_ptr<Graph> g_;
  Spec spec_;                       // the model built (models/registry.h)
  std::vector<int64_t> input_chw_;  // its input [C, H, W]
  data::ChannelNormalization channel_norm_;  // non-empty: ImageNet's, per channel
  std::shared_ptr<const models::TrainSelection> selection_;  // freezing, if any
  Value x_, y_, loss_;
  std::unique_ptr<optim::Trainer> trainer_;
  std::unique_ptr<data::ImageBatches> train_, held_out_, test_;
};

// The `adma train` arguments a program checkpoint was saved with (adma.train_args);
// the command front turns them back into settings (apps/cli/train_flags.h).
std::vector<std::string> checkpoint_train_args(const std::string& path);

}  // namespace adma::apps
