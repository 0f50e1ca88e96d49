// Shared by the augmentation tests: run the fused batch kernel on one image
// with explicit parameters, and a random ImageSet.
#pragma once
#include <vector>

#include "core/context.h"
#include "core/rng.h"
#include "data/image_set.h"
#include "kernels/augment_batch.h"

namespace adma::test {

// Image `img` (c x h x w uint8) through the fused kernel on the CPU with
// parameters `p`, fill `mode`, no normalisation: the augmented pixels as floats.
inline std::vector<double> augment_one(const std::vector<uint8_t>& img, int c, int h, int w,
                                       const kernels::AugmentParams& p, kernels::FillMode mode, float cval = 0.0f) {
  const int32_t label = 0, order = 0;
  kernels::BatchGather g;
  g.images = img.data();
  g.labels = &label;
  g.order = &order;
  g.params = &p;
  g.examples = 1;
  g.rows = 1;
  g.channels = c;
  g.height = h;
  g.width = w;
  g.spec.fill = mode;
  g.spec.cval = cval;
  Tensor x = Tensor::empty(Shape{1, c, h, w}, DType::F32, Device::cpu());
  Tensor y = Tensor::empty(Shape{1}, DType::I32, Device::cpu());
  kernels::augment_batch(Context::cpu(), g, x, y);
  return x.to_host();
}

inline data::ImageSet random_set(Rng& rng, int64_t n, int c, int h, int w, int classes) {
  data::ImageSet s;
  s.channels = c;
  s.height = h;
  s.width = w;
  s.classes = classes;
  s.source = "random";
  s.pixels.resize(static_cast<size_t>(n * c * h * w));
  for (auto& v : s.pixels) v = static_cast<uint8_t>(rng.next_u32() & 0xff);
  for (int64_t i = 0; i < n; ++i) s.labels.push_back(static_cast<int32_t>(rng.below(classes)));
  return s;
}

}  // namespace adma::test
