// CPU reference of kernels/augment_batch.h: the shared functions in plain loops,
// each row's parameters and inverse map computed once (a CUDA thread recomputes
// them per pixel; the values are the same).
#include "kernels/augment_batch.h"

#include <cstring>

namespace adma::kernels {

void cpu::augment_batch(Context&, const BatchGather& g, Tensor& x, Tensor& labels) {
  float* px = x.data<float>();
  int32_t* pl = labels.data<int32_t>();
  const int32_t oc = out_channels(g), oh = out_height(g), ow = out_width(g);
  for (int32_t row = 0; row < g.rows; ++row) {
    const BatchRow b = batch_row(g, row);
    for (int32_t ch = 0; ch < oc; ++ch)
      for (int32_t r = 0; r < oh; ++r)
        for (int32_t c = 0; c < ow; ++c) *px++ = batch_value(g, b, ch, r, c);
  }
  for (int64_t r = 0; r < g.rows; ++r) pl[r] = batch_label(g, r);
}

void cpu::upload_bytes(Context&, const void* host, size_t bytes, void* dst) {
  if (bytes) std::memcpy(dst, host, bytes);
}

}  // namespace adma::kernels
