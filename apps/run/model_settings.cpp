// The model side of a run's settings (see apps/run/model_settings.h).
#include "apps/run/model_settings.h"

#include "apps/common/format.h"
#include "core/error.h"
#include "models/registry.h"

namespace adma::apps {

namespace {
constexpr const char* kChannelMean = "data.channel_mean";
constexpr const char* kChannelStd = "data.channel_std";
}  // namespace

Spec model_spec(const TrainSettings& s, bool dropout) {
  Spec spec = models::parse_model(s.model);
  spec.args["l2"] = exact_number(s.l2);
  if (!dropout && spec.kind == "convnet") spec.args["dropout"] = "0";
  return spec;
}

void add_model_json(const TrainSettings& s, nlohmann::json& j) {
  j["model_spec"] = model_spec(s).str();
  j["weights"] = s.weights;
  j["train_top"] = s.train_top;
  j["train_only"] = s.train_only;
  j["normalization"] = s.normalization();
}

std::vector<NamedTensor> channel_norm_tensors(const data::ChannelNormalization& n) {
  const auto c = static_cast<int64_t>(n.mean.size());
  std::vector<NamedTensor> t(2);
  t[0].name = kChannelMean;
  t[0].value = Tensor::from_host(std::vector<double>(n.mean.begin(), n.mean.end()), Shape{c}, DType::F32, Device::cpu());
  t[1].name = kChannelStd;
  t[1].value = Tensor::from_host(std::vector<double>(n.std.begin(), n.std.end()), Shape{c}, DType::F32, Device::cpu());
  return t;
}

data::ChannelNormalization channel_norm_from(const std::vector<NamedTensor>& tensors) {
  data::ChannelNormalization n;
  for (const NamedTensor& t : tensors) {
    if (t.name != kChannelMean && t.name != kChannelStd) continue;
    const std::vector<double> v = t.value.to_host();
    std::vector<float>& dst = t.name == kChannelMean ? n.mean : n.std;
    dst.assign(v.begin(), v.end());
  }
  ADMA_CHECK(!n.mean.empty() && n.mean.size() == n.std.size(), "the checkpoint holds no per-channel normalisation ('",
             kChannelMean, "', '", kChannelStd, "')");
  for (float v : n.std) ADMA_CHECK(v > 0, "the checkpoint's per-channel std must be > 0, got ", v);
  return n;
}

}  // namespace adma::apps
