// What one training run needs, every default resolved: the library's own configs
// (losses::LossParams, optim::OptimizerConfig, optim::ScheduleConfig) and the few
// settings of the program around them (data, augmentation, device, folders). The
// command front builds it from flags, once (apps/cli/train_flags.h: resolve()); the
// driver reads it and knows no flag. config.json holds to_json(settings).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "losses/loss_kind.h"
#include "optim/optimizer.h"
#include "optim/schedule.h"

namespace adma::apps {

struct TrainSettings {
  // data
  std::string dataset = "fashion-mnist";
  std::string data_dir;           // "" = the dataset's default location
  double split = 0.8;             // training fraction of image-folder datasets
  int64_t train_limit = 0;        // use only the first N training images (0 = all)
  std::string augment = "paper";  // "paper" or "none": where rotation/shift/flip started from
  double rotation = 0;            // degrees, U(-r, r)
  double shift = 0;               // fraction of width/height, U(-s, s)
  bool flip = false;              // horizontal flip with p = 0.5
  // model and loss
  // The model table's spec with the options given ("convnet", "convnet:activation=relu",
  // "resnet34:input_size=64"; models/registry.h); its l2 is `l2` below.
  std::string model = "convnet";
  std::string weights;     // pretrained weights loaded strictly before a fresh run ("" = none)
  int64_t train_top = 0;   // > 0: only the top N parameterised layers train (models/freeze.h)
  std::string train_only;  // or only the parameters matching these glob patterns
  double l2 = 1e-4;                // Keras l2(lambda) on every conv kernel (ConvNetOptions::l2); 0 = none
  losses::LossParams loss_params;  // the loss kind and its a, base, q, epsilon, gamma
  bool learn_a = false;            // Adma: train `a` as a parameter
  double a_lr = 1e-3;              //   its learning rate
  double a_min = 0, a_max = 1;     //   and the range it is clamped to
  // the optimizer and its learning-rate schedule, as the library takes them
  optim::OptimizerConfig optimizer = optim::OptimizerConfig::parse("adam");
  optim::ScheduleConfig schedule;  // constant
  // run
  int epochs = 75;
  int batch = 64;
  uint64_t seed = 1;
  std::string device = "cpu";      // resolved: "cpu" or "cuda:N"
  std::string precision = "fp32";  // fp32 or tf32 (CUDA convolutions and GEMMs)
  std::string out;                 // output folder
  std::string resume;              // folder to continue from ("" = a fresh run)

  // The loss table's name of loss_params.kind: "adma", "cce", ...
  std::string loss_name() const { return losses::loss_name(loss_params.kind); }
  // How the batches normalise the model's input: "imagenet" (per channel, ImageNet's
  // mean/std, what torchvision's weights expect) for a ResNet with --weights, else
  // "zscore" (one mean/std of the training split).
  std::string normalization() const;
};

// What `adma evaluate` needs beside the settings the checkpoint was trained with.
struct EvaluateSettings {
  std::string checkpoint;
  std::string dataset;  // "": the one the checkpoint was trained on
  std::string data_dir;
  double split = 0.8;
  int batch = 256;
  std::string device = "cpu";
};

// The schedule table's name of a schedule (optim/kinds.h): "constant", "step", ...
std::string schedule_name(const optim::ScheduleConfig& c);

// config.json's settings. The optimizer and the schedule are written with the
// parameters their kind takes and the library's canonical spec, which names all.
nlohmann::json to_json(const TrainSettings& s);

}  // namespace adma::apps
