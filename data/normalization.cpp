// Normalization: integer sums (exact for any dataset size that fits in memory),
// so the CPU and every later run compute the same mean and std to the bit.
#include "data/normalization.h"

#include <cmath>

#include "core/error.h"

namespace adma::data {

Normalization Normalization::from(const ImageSet& train) {
  ADMA_CHECK(!train.pixels.empty(), train.source, ": the training split is empty, nothing to normalise from");
  uint64_t sum = 0;
  unsigned __int128 sum_sq = 0;
  for (uint8_t p : train.pixels) {
    sum += p;
    sum_sq += static_cast<uint64_t>(p) * p;
  }
  const double n = static_cast<double>(train.pixels.size());
  const double mean = static_cast<double>(sum) / n;
  const double var = std::max(0.0, static_cast<double>(sum_sq) / n - mean * mean);
  Normalization z;
  z.mean = static_cast<float>(mean);
  z.std = static_cast<float>(std::sqrt(var));
  return z;
}

float Normalization::inv_std() const { return 1.0f / std::max(std, 1e-6f); }

std::vector<NamedTensor> Normalization::tensors() const {
  std::vector<NamedTensor> t(2);
  t[0].name = kMeanName;
  t[0].value = Tensor::from_host({mean}, Shape{1}, DType::F32, Device::cpu());
  t[1].name = kStdName;
  t[1].value = Tensor::from_host({std}, Shape{1}, DType::F32, Device::cpu());
  return t;
}

Normalization Normalization::from_tensors(const std::vector<NamedTensor>& tensors) {
  Normalization z;
  bool have_mean = false, have_std = false;
  for (const NamedTensor& t : tensors) {
    if (t.name == kMeanName || t.name == kStdName) {
      ADMA_CHECK(t.value.numel() == 1, "normalisation tensor ", t.name, " has shape ", t.value.shape().str(),
                 ", expected [1]");
      const float v = static_cast<float>(t.value.to_host()[0]);
      if (t.name == kMeanName) {
        z.mean = v;
        have_mean = true;
      } else {
        z.std = v;
        have_std = true;
      }
    }
  }
  ADMA_CHECK(have_mean && have_std, "no normalisation tensors (", kMeanName, ", ", kStdName, ") among those given");
  return z;
}

ChannelNormalization ChannelNormalization::imagenet() {
  ChannelNormalization n;
  for (double m : {0.485, 0.456, 0.406}) n.mean.push_back(static_cast<float>(255.0 * m));
  for (double d : {0.229, 0.224, 0.225}) n.std.push_back(static_cast<float>(255.0 * d));
  return n;
}

}  // namespace adma::data
