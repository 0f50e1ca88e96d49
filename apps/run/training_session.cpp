// TrainingSession: settings -> dataset, model (+ weights, freezing) + fused loss, Trainer, batches.
#include "apps/run/training_session.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <nlohmann/json.hpp>

#include "apps/common/format.h"
#include "apps/run/model_settings.h"
#include "core/cuda/runtime.h"
#include "core/error.h"
#include "core/graph/checkpoint.h"
#include "layers/softmax_loss.h"
#include "models/freeze.h"
#include "models/registry.h"
#include "models/weights.h"

namespace adma::apps {

namespace {

constexpr const char* kTrainArgs = "adma.train_args";
// The images the model was built for, "CxHxW": an evaluation on images of another size
// is refused in these words, not by the first layer whose weight shape differs.
constexpr const char* kInputShape = "adma.input_shape";

std::string shape_text(const data::ImageSet& set) {
  return std::to_string(set.channels) + "x" + std::to_string(set.height) + "x" + std::to_string(set.width);
}

data::BatchOptions batch_options(const TrainSettings& s, int batch, bool training, const data::Normalization& norm) {
  data::BatchOptions b;
  b.batch_size = batch;
  b.shuffle = training;
  b.seed = s.seed;
  b.norm = norm;
  if (training) {
    b.augment.rotation = static_cast<float>(s.rotation);
    b.augment.width_shift = b.augment.height_shift = static_cast<float>(s.shift);
    b.augment.horizontal_flip = s.flip;
  }
  return b;
}

}  // namespace

Device device_of(const std::string& device) {
  if (device == "cpu") return Device::cpu();
  ADMA_CHECK(device.rfind("cuda:", 0) == 0, "unknown device '", device, "' (cpu or cuda:N)");
  return Device::cuda(std::stoi(device.substr(5)));
}

TrainingSession::TrainingSession(const TrainSettings& s, const SessionOptions& o)
    : s_(s), train_args_(o.train_args), comm_(o.communicator) {
  if (o.batch) s_.batch = *o.batch;
  const data::Shard part = shard();
  ADMA_CHECK(s_.batch % part.count == 0, "--batch ", s_.batch, " is not a multiple of the ", part.count,
             " processes: each takes batch/N rows of every batch");
  const int rows = s_.batch / part.count;  // this rank's rows of each batch
  data::LoadOptions lo;
  lo.dir = s_.data_dir;
  lo.train_fraction = s_.split;
  lo.seed = s_.seed;
  lo.train_limit = s_.train_limit;
  data_ = data::load_dataset(s_.dataset, lo);
  if (s_.normalization() == "imagenet") channel_norm_ = data::ChannelNormalization::imagenet();

  const data::ImageSet& t = data_.train;
  // One model takes one input shape: a split of other images would fail deep in the
  // first batch copy ("copy_from: [64,1,28,28] into [64,1,32,32]"); say it here.
  for (const auto& [name, set] : {std::pair<const char*, const data::ImageSet*>{"validation", &data_.val},
                                  std::pair<const char*, const data::ImageSet*>{"test", &data_.test}})
    ADMA_CHECK(set->size() == 0 || (set->channels == t.channels && set->height == t.height && set->width == t.width),
               s_.dataset, ": the ", name, " images are ", shape_text(*set), " (channels x height x width) but the "
               "training images are ", shape_text(t), "; one model takes one input shape, so every split of ",
               s_.data_dir.empty() ? std::string("the dataset") : s_.data_dir, " must have the same image size");
  g_ = std::make_unique<Graph>(device_of(s_.device), DType::F32, s_.seed);
  g_->context().allow_tf32 = s_.precision == "tf32";
  // The model of the table (models/registry.h) on its input: the images as they are for
  // the ConvNet; 3 x input_size^2 for a ResNet (the batches repeat and resize to it).
  spec_ = model_spec(s_, o.dropout);
  input_chw_ = models::input_chw(spec_, t.channels, t.height, t.width);
  x_ = g_->input("x", Shape{rows, input_chw_[0], input_chw_[1], input_chw_[2]});
  y_ = g_->labels("y", rows);
  Value logits = models::build(*g_, x_, spec_, t.classes);
  layers::SoftmaxLoss::Options lo2;
  lo2.params = s_.loss_params;
  lo2.learnable_a = s_.learn_a;
  // a_lr is a rate; the parameter's rule is a multiplier of the scheduled lr.
  lo2.a_lr_mult = s_.a_lr / s_.optimizer.lr;
  lo2.a_min = s_.a_min;
  lo2.a_max = s_.a_max;
  loss_ = g_->add<layers::SoftmaxLoss>("loss", {logits, y_}, lo2);
  // Freezing is decided before the plan: a frozen parameter gets no gradient buffer.
  if (s_.train_top > 0) selection_ = models::train_top(*g_, s_.train_top);
  else if (!s_.train_only.empty()) selection_ = models::train_only(*g_, s_.train_only);
  g_->build();
  if (selection_) models::check_selection(*selection_);

  optim::TrainerOptions to;
  to.optimizer = s_.optimizer;
  to.schedule = s_.schedule;
  to.seed = s_.seed;
  to.communicator = comm_;
  trainer_ = std::make_unique<optim::Trainer>(*g_, x_, y_, loss_, to);
  make_batches();
}

data::Shard TrainingSession::shard() const {
  return comm_ ? data::Shard{comm_->rank(), comm_->size()} : data::Shard{};
}

void TrainingSession::make_batches() {
  const Device dev = g_->context().device;
  // Every split is sharded: each rank evaluates its rows too, and the Trainer sums the counts.
  // The model's input when it differs from the images (a ResNet's 3 x input_size^2), and
  // the per-channel normalisation when pretrained weights expect ImageNet's.
  auto options_for = [&](int batch, bool training) {
    data::BatchOptions b = batch_options(s_, batch, training, data_.norm);
    const data::ImageSet& t = data_.train;
    if (input_chw_ != std::vector<int64_t>{t.channels, t.height, t.width}) {
      b.out_channels = static_cast<int32_t>(input_chw_[0]);
      b.out_height = static_cast<int32_t>(input_chw_[1]);
      b.out_width = static_cast<int32_t>(input_chw_[2]);
    }
    b.channel_norm = channel_norm_;
    b.shard = shard();
    return b;
  };
  train_ = std::make_unique<data::ImageBatches>(data_.train, options_for(s_.batch, true), dev);
  held_out_ = std::make_unique<data::ImageBatches>(data_.held_out(), options_for(s_.batch, false), dev);
  test_.reset();
  if (data_.test.size() > 0)
    test_ = std::make_unique<data::ImageBatches>(data_.test, options_for(s_.batch, false), dev);
}

double TrainingSession::current_a() const {
  if (s_.learn_a)
    for (const auto& p : g_->parameters())
      if (p.name == g_->node(loss_).name() + ".a") return p.value.to_host()[0];
  return s_.loss_params.a;
}

std::string TrainingSession::backend() const {
  if (!g_->context().is_cuda())
    return g_->context().backend == Backend::CpuReference ? "CPU reference kernels (ADMA_CPU_REFERENCE=1)"
                                                          : "CPU fast path (see adma devices)";
  // The Trainer captures on CUDA by default: its first step runs eagerly (the capture's
  // warm-up), every later one replays that CUDA graph.
  return cuda_rt::versions() +
         (trainer_->captured() ? ", step replayed as one CUDA graph" : ", step captured as one CUDA graph after its first run") +
         (s_.precision == "tf32" ? ", TF32" : ", FP32");
}

void TrainingSession::save(const std::string& path, const optim::EpochMetrics* held_out,
                           const std::map<std::string, std::string>& extra) const {
  ADMA_CHECK(!train_args_.empty(), "saving ", path, ": a program checkpoint needs the arguments that rebuild its run");
  std::map<std::string, std::string> meta = extra;
  meta[kTrainArgs] = nlohmann::json(train_args_).dump();
  meta[kInputShape] = shape_text(data_.train);
  if (held_out) {
    meta["adma.val_accuracy"] = significant(held_out->accuracy, 17);
    meta["adma.val_loss"] = significant(held_out->loss, 17);
  }
  meta["adma.normalization"] = s_.normalization();
  trainer_->save(path, extra_tensors(), meta);
}

std::vector<NamedTensor> TrainingSession::extra_tensors() const {
  std::vector<NamedTensor> t = data_.norm.tensors();
  if (!channel_norm_.empty())
    for (NamedTensor& c : channel_norm_tensors(channel_norm_)) t.push_back(std::move(c));
  return t;
}

std::string TrainingSession::load_pretrained() {
  ADMA_CHECK(!s_.weights.empty(), "load_pretrained: the run has no --weights");
  models::WeightsOptions wo;
  wo.classifier = models::classifier(spec_);
  try {
    return models::load_weights(*g_, s_.weights, wo).message;
  } catch (const Error& e) {
    ADMA_THROW("--weights: ", e.what());
  }
}

std::string TrainingSession::training_report() const {
  return selection_ ? models::training_report(*g_, *selection_) : std::string();
}

void TrainingSession::load(const std::string& path) {
  const auto meta = read_checkpoint_metadata(path);
  const auto shape = meta.find(kInputShape);
  ADMA_CHECK(shape == meta.end() || shape->second == shape_text(data_.train), path, " was trained on ", shape->second,
             " images (channels x height x width) but the images of ",
             s_.data_dir.empty() ? s_.dataset : s_.data_dir, " are ", shape_text(data_.train),
             "; use it on images of the size it was trained on");
  const auto extra = extra_tensors();
  // (pixel - mean) / std: a std of 0 or below (or not finite) would turn every image into
  // Inf or flip its sign, and evaluation would report chance accuracy as a result.
  trainer_->load(path, extra, [&path](const std::vector<NamedTensor>& staged) {
    for (const auto& t : staged)
      for (const double v : t.value.to_host()) {
        ADMA_CHECK(std::isfinite(v), path, ": the normalisation '", t.name, "' is ", v, ", not a finite number");
        if (t.name == data::Normalization::kStdName || t.name.find("std") != std::string::npos)
          ADMA_CHECK(v > 0, path, ": the normalisation std '", t.name, "' is ", v,
                     " but must be > 0 (the checkpoint is damaged or was edited)");
      }
  });
  data_.norm = data::Normalization::from_tensors(extra);
  if (!channel_norm_.empty()) channel_norm_ = channel_norm_from(extra);
  make_batches();  // the batches normalise with the checkpoint's numbers
}

std::vector<std::string> checkpoint_train_args(const std::string& path) {
  const auto meta = read_checkpoint_metadata(path);
  const auto it = meta.find(kTrainArgs);
  ADMA_CHECK(it != meta.end(), "checkpoint ", path, " has no '", kTrainArgs,
             "': it was not written by adma train, so its model and settings are unknown");
  try {
    return nlohmann::json::parse(it->second).get<std::vector<std::string>>();
  } catch (const std::exception& e) {
    ADMA_THROW("checkpoint ", path, ": '", kTrainArgs, "' is not a JSON list of arguments (", e.what(), ")");
  }
}

}  // namespace adma::apps
