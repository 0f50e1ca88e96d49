// TrainingSession: settings -> dataset, model (+ weights, freezing) + fused loss, Trainer, batches.
#include "apps/run/training_session.h"

#include <algorithm>
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

TrainingSession::TrainingSession(const TrainSettings& s, const SessionOptions& o) : s_(s), train_args_(o.train_args) {
  if (o.batch) s_.batch = *o.batch;
  data::LoadOptions lo;
  lo.dir = s_.data_dir;
  lo.train_fraction = s_.split;
  lo.seed = s_.seed;
  lo.train_limit = s_.train_limit;
  data_ = data::load_dataset(s_.dataset, lo);
  if (s_.normalization() == "imagenet") channel_norm_ = data::ChannelNormalization::imagenet();

  const data::ImageSet& t = data_.train;
  g_ = std::make_unique<Graph>(device_of(s_.device), DType::F32, s_.seed);
  g_->context().allow_tf32 = s_.precision == "tf32";
  // The model of the table (models/registry.h) on its input: the images as they are for
  // the ConvNet; 3 x input_size^2 for a ResNet (the batches repeat and resize to it).
  spec_ = model_spec(s_, o.dropout);
  input_chw_ = models::input_chw(spec_, t.channels, t.height, t.width);
  x_ = g_->input("x", Shape{s_.batch, input_chw_[0], input_chw_[1], input_chw_[2]});
  y_ = g_->labels("y", s_.batch);
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
  trainer_ = std::make_unique<optim::Trainer>(*g_, x_, y_, loss_, to);
  make_batches();
}

void TrainingSession::make_batches() {
  const Device dev = g_->context().device;
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

void TrainingSession::save(const std::string& path, const optim::EpochMetrics* held_out) const {
  ADMA_CHECK(!train_args_.empty(), "saving ", path, ": a program checkpoint needs the arguments that rebuild its run");
  std::map<std::string, std::string> meta;
  meta[kTrainArgs] = nlohmann::json(train_args_).dump();
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
  const auto extra = extra_tensors();
  trainer_->load(path, extra);
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
