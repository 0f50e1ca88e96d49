// Global z-score: one mean and one standard deviation over every pixel of the
// training split (all channels together), applied to every split as
//   x = (pixel - mean) / std
// The pair travels in the checkpoint as two named [1] tensors, so evaluation
// of a saved model normalises with the numbers it was trained with.
#pragma once
#include <vector>

#include "core/named_tensor.h"
#include "data/image_set.h"

namespace adma::data {

struct Normalization {
  float mean = 0.0f;
  float std = 1.0f;  // population standard deviation (numpy's np.std)

  static constexpr const char* kMeanName = "data.mean";
  static constexpr const char* kStdName = "data.std";

  // Exact sums over the uint8 pixels (64-bit integers), then mean and std in double.
  static Normalization from(const ImageSet& train);
  // 1 / std, with std floored at 1e-6 so a constant split cannot divide by zero.
  float inv_std() const;
  // {"data.mean": [mean], "data.std": [std]} as float32 host tensors.
  std::vector<NamedTensor> tensors() const;
  // Reads the pair back from tensors named as above (any device); throws if either is missing.
  static Normalization from_tensors(const std::vector<NamedTensor>& tensors);
};

// Per-channel normalisation in pixel units (0..255), as torchvision's ToTensor then
// Normalize(mean, std): (pixel / 255 - m) / s = (pixel - 255 m) / (255 s). Used instead of
// the global z-score where a model's pretrained weights expect it (models/registry.h:
// ResNet-34 from torchvision weights). Channel c of the model's input uses mean[c], std[c].
struct ChannelNormalization {
  std::vector<float> mean, std;  // pixel units; empty: not used
  bool empty() const { return mean.empty(); }
  // ImageNet's statistics, what torchvision's pretrained weights were trained with:
  // mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225), times 255.
  static ChannelNormalization imagenet();
};

}  // namespace adma::data
