// TrainSettings as config.json writes it.
#include "apps/run/train_settings.h"

#include "apps/run/model_settings.h"

namespace adma::apps {

namespace {

nlohmann::json optimizer_json(const optim::OptimizerConfig& c, double l2) {
  nlohmann::json j = {{"name", c.kind}, {"spec", c.spec}, {"lr", c.lr}, {"l2", l2}};
  if (c.rule == kernels::UpdateRule::SGD) {
    j["momentum"] = c.momentum;
    j["nesterov"] = c.nesterov;
  } else {
    j["beta1"] = c.beta1;
    j["beta2"] = c.beta2;
    j["epsilon"] = c.epsilon;
    j["weight_decay"] = c.weight_decay;
  }
  return j;
}

nlohmann::json schedule_json(const optim::ScheduleConfig& c) {
  nlohmann::json j = {{"name", schedule_name(c)}, {"spec", c.spec}};
  switch (c.kind) {
    case optim::ScheduleKind::Constant:
      break;
    case optim::ScheduleKind::Step:
      j["steps"] = c.epochs;
      j["factor"] = c.factor;
      break;
    case optim::ScheduleKind::Time:
      j["decay"] = c.decay;
      break;
    case optim::ScheduleKind::Cosine:
      j["min"] = c.min_lr;
      break;
    case optim::ScheduleKind::Plateau:
      j["factor"] = c.factor;
      j["patience"] = c.patience;
      j["min"] = c.min_lr;
      break;
  }
  return j;
}

}  // namespace

std::string schedule_name(const optim::ScheduleConfig& c) { return c.spec.substr(0, c.spec.find(':')); }

std::string TrainSettings::normalization() const {
  return !weights.empty() && model.rfind("resnet", 0) == 0 ? "imagenet" : "zscore";
}

nlohmann::json to_json(const TrainSettings& s) {
  nlohmann::json loss = {{"name", s.loss_name()}, {"learn_a", s.learn_a}, {"a_lr", s.a_lr},
                         {"a_min", s.a_min},      {"a_max", s.a_max}};
  for (const auto& info : losses::kLossParams) loss[info.name] = s.loss_params[info.param];
  nlohmann::json j = {
      {"dataset", s.dataset},
      {"data_dir", s.data_dir},
      {"split", s.split},
      {"train_limit", s.train_limit},
      {"augment", {{"preset", s.augment}, {"rotation", s.rotation}, {"shift", s.shift}, {"flip", s.flip}}},
      {"model", s.model},
      {"loss", loss},
      {"optimizer", optimizer_json(s.optimizer, s.l2)},
      {"schedule", schedule_json(s.schedule)},
      {"epochs", s.epochs},
      {"batch", s.batch},
      {"seed", s.seed},
      {"device_requested", s.device},
      {"precision", s.precision},
      {"out", s.out},
      {"resume", s.resume},
  };
  add_model_json(s, j);
  return j;
}

}  // namespace adma::apps
