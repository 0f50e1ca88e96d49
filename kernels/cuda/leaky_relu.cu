// CUDA side of kernels/leaky_relu.h: one grid-stride kernel each way (cuDNN has no
// leaky ReLU). Memory-bound: one read and one write per element forward, three
// reads and one write backward.
#include <algorithm>

#include "kernels/cuda/cudnn_util.h"
#include "kernels/leaky_relu.h"

namespace adma::kernels {

namespace cuda {
namespace {
constexpr int kThreads = 256;
int blocks_for(int64_t n) { return static_cast<int>(std::min<int64_t>((n + kThreads - 1) / kThreads, 65535 * 8)); }

__global__ void leaky_relu_forward_kernel(const float* __restrict__ x, float* __restrict__ y, float alpha, int64_t n) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    const float v = x[i];
    y[i] = v > 0.f ? v : alpha * v;
  }
}
__global__ void leaky_relu_backward_kernel(const float* __restrict__ x, const float* __restrict__ dy,
                                           float* __restrict__ dx, float alpha, int64_t n) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    dx[i] += x[i] > 0.f ? dy[i] : alpha * dy[i];
}
}  // namespace
}  // namespace cuda

void cuda::leaky_relu_setup_init(Context&, LeakyReluSetup& p) { expect_f32("leaky_relu", p.dtype); }

void cuda::leaky_relu_forward(Context& ctx, const LeakyReluSetup& p, const Tensor& x, Tensor& y) {
  const int64_t n = x.numel();
  if (n == 0) return;
  leaky_relu_forward_kernel<<<blocks_for(n), kThreads, 0, stream_of(ctx)>>>(cptr(x), ptr(y),
                                                                            static_cast<float>(p.alpha), n);
  CUDA_CHECK_LAUNCH();
}

void cuda::leaky_relu_backward(Context& ctx, const LeakyReluSetup& p, const Tensor& x, const Tensor& dy, Tensor& dx) {
  const int64_t n = x.numel();
  if (n == 0) return;
  leaky_relu_backward_kernel<<<blocks_for(n), kThreads, 0, stream_of(ctx)>>>(cptr(x), cptr(dy), ptr(dx),
                                                                             static_cast<float>(p.alpha), n);
  CUDA_CHECK_LAUNCH();
}

}  // namespace adma::kernels
