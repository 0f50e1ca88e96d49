// The model side of a run's settings (TrainSettings::model, weights, train_top,
// train_only): the spec the session builds, what config.json says of it, and the
// per-channel normalisation a checkpoint carries when the input is normalised with
// ImageNet's statistics (a ResNet from torchvision weights).
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "apps/run/train_settings.h"
#include "core/named_tensor.h"
#include "core/spec.h"
#include "data/normalization.h"

namespace adma::apps {

// The model spec to build: s.model with the program's L2 (s.l2) on its conv kernels;
// `dropout` false removes the ConvNet's Dropout layers (CPU/CUDA comparisons).
Spec model_spec(const TrainSettings& s, bool dropout = true);

// config.json's model entries: "model_spec" (every option, defaults included),
// "weights", "train_top", "train_only" and "normalization".
void add_model_json(const TrainSettings& s, nlohmann::json& j);

// The per-channel normalisation in a checkpoint: "data.channel_mean" and
// "data.channel_std", [C] float32 in pixel units; and back (throws if either is missing).
std::vector<NamedTensor> channel_norm_tensors(const data::ChannelNormalization& n);
data::ChannelNormalization channel_norm_from(const std::vector<NamedTensor>& tensors);

}  // namespace adma::apps
