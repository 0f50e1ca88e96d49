// CUDA side of kernels/maxout.h: one thread per output element finds its group's
// arg-max (the same rule as the CPU: first NaN, else first maximum). Consecutive
// threads take consecutive spatial positions, so each of the k reads is coalesced.
// Backward recomputes the arg-max and adds dy there; the groups are disjoint, so
// no two threads write one dx element and no atomics are needed.
#include <algorithm>

#include "kernels/cuda/cudnn_util.h"
#include "kernels/maxout.h"

namespace adma::kernels {

namespace cuda {
namespace {
constexpr int kThreads = 256;
int blocks_for(int64_t n) { return static_cast<int>(std::min<int64_t>((n + kThreads - 1) / kThreads, 65535 * 8)); }

// Input index of the arg-max of output element i (layout: kernels/maxout.h).
__device__ int64_t group_argmax(const float* __restrict__ x, int64_t i, int64_t k, int64_t units, int64_t hw) {
  const int64_t s = i % hw, nm = i / hw, n = nm / units, m = nm % units;
  const int64_t first = (n * units * k + m * k) * hw + s;
  int64_t best = first;
  float bv = x[first];
  for (int64_t j = 1; j < k && !isnan(bv); ++j) {
    const float v = x[first + j * hw];
    if (v > bv || isnan(v)) {
      bv = v;
      best = first + j * hw;
    }
  }
  return best;
}

__global__ void maxout_forward_kernel(const float* __restrict__ x, float* __restrict__ y, int64_t k, int64_t units,
                                      int64_t hw, int64_t n_out) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n_out; i += (int64_t)gridDim.x * blockDim.x)
    y[i] = x[group_argmax(x, i, k, units, hw)];
}
__global__ void maxout_backward_kernel(const float* __restrict__ x, const float* __restrict__ dy,
                                       float* __restrict__ dx, int64_t k, int64_t units, int64_t hw, int64_t n_out) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n_out; i += (int64_t)gridDim.x * blockDim.x)
    dx[group_argmax(x, i, k, units, hw)] += dy[i];
}
}  // namespace
}  // namespace cuda

void cuda::maxout_setup_init(Context&, MaxoutSetup& p) { expect_f32("maxout", p.dtype); }

void cuda::maxout_forward(Context& ctx, const MaxoutSetup& p, const Tensor& x, Tensor& y) {
  const int64_t n = y.numel();
  if (n == 0) return;
  maxout_forward_kernel<<<blocks_for(n), kThreads, 0, stream_of(ctx)>>>(cptr(x), ptr(y), p.pieces, p.units(),
                                                                        p.spatial(), n);
  CUDA_CHECK_LAUNCH();
}

void cuda::maxout_backward(Context& ctx, const MaxoutSetup& p, const Tensor& x, const Tensor& dy, Tensor& dx) {
  const int64_t n = dy.numel();
  if (n == 0) return;
  maxout_backward_kernel<<<blocks_for(n), kThreads, 0, stream_of(ctx)>>>(cptr(x), cptr(dy), ptr(dx), p.pieces,
                                                                         p.units(), p.spatial(), n);
  CUDA_CHECK_LAUNCH();
}

}  // namespace adma::kernels
