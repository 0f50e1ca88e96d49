// CPU reference of kernels/augment_batch.h: the shared per-element function in
// a plain loop, one output value at a time, as the CUDA kernel computes it.
#include "kernels/augment_batch.h"

#include <cstring>

namespace adma::kernels::cpu {

void augment_batch(Context&, const BatchGather& g, Tensor& x, Tensor& labels) {
  float* px = x.data<float>();
  int32_t* pl = labels.data<int32_t>();
  const int64_t n = x.numel();
  for (int64_t e = 0; e < n; ++e) px[e] = batch_element(g, e);
  for (int64_t r = 0; r < g.rows; ++r) pl[r] = batch_label(g, r);
}

void upload_bytes(Context&, const void* host, size_t bytes, void* dst) {
  if (bytes) std::memcpy(dst, host, bytes);
}

}  // namespace adma::kernels::cpu
