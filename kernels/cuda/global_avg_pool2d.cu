// CUDA side of kernels/global_avg_pool2d.h. Forward: one warp per (n, c) plane,
// each lane summing a strided part of the plane (consecutive lanes read consecutive
// addresses), then a shuffle reduction; eight planes per block of 256 threads.
// ResNet's last maps are small (7x7 at 224 input, 1x1 at 32) and there are N C of
// them, so a warp per plane keeps the GPU busy where a block per plane would idle.
// Backward: a grid-stride loop over dx, each element adding its plane's dy / HW.
// Both divide by HW as the CPU does (IEEE division), so backward agrees with it exactly.
#include <algorithm>

#include "kernels/cuda/cudnn_util.h"
#include "kernels/global_avg_pool2d.h"

namespace adma::kernels {

namespace cuda {
namespace {
constexpr int kThreads = 256;
constexpr int kWarp = 32;
constexpr int kPlanesPerBlock = kThreads / kWarp;
int blocks_for(int64_t n, int64_t per_block) {
  return static_cast<int>(std::min<int64_t>((n + per_block - 1) / per_block, 65535 * 8));
}

__global__ void global_avg_pool2d_forward_kernel(const float* __restrict__ x, float* __restrict__ y, int64_t planes,
                                                 int64_t hw) {
  const int lane = threadIdx.x % kWarp;
  for (int64_t pl = blockIdx.x * (int64_t)kPlanesPerBlock + threadIdx.x / kWarp; pl < planes;
       pl += (int64_t)gridDim.x * kPlanesPerBlock) {
    const float* xp = x + pl * hw;
    float sum = 0.f;
    for (int64_t i = lane; i < hw; i += kWarp) sum += xp[i];
    for (int off = kWarp / 2; off > 0; off /= 2) sum += __shfl_down_sync(0xffffffffu, sum, off);
    if (lane == 0) y[pl] = sum / static_cast<float>(hw);
  }
}

__global__ void global_avg_pool2d_backward_kernel(const float* __restrict__ dy, float* __restrict__ dx, int64_t hw,
                                                  int64_t n) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    dx[i] += dy[i / hw] / static_cast<float>(hw);
}
}  // namespace
}  // namespace cuda

void cuda::global_avg_pool2d_setup_init(Context&, GlobalAvgPool2dSetup& p) { expect_f32("global_avg_pool2d", p.dtype); }

void cuda::global_avg_pool2d_forward(Context& ctx, const GlobalAvgPool2dSetup& p, const Tensor& x, Tensor& y) {
  const int64_t planes = p.planes();
  if (planes == 0) return;
  const int64_t hw = p.plane_size();
  // The plane loop's index is the same for the 32 lanes of a warp, so whole warps
  // enter and leave it together: the full-mask shuffles are safe.
  global_avg_pool2d_forward_kernel<<<blocks_for(planes, kPlanesPerBlock), kThreads, 0, stream_of(ctx)>>>(
      cptr(x), ptr(y), planes, hw);
  CUDA_CHECK_LAUNCH();
}

void cuda::global_avg_pool2d_backward(Context& ctx, const GlobalAvgPool2dSetup& p, const Tensor& dy, Tensor& dx) {
  const int64_t n = dx.numel();
  if (n == 0) return;
  global_avg_pool2d_backward_kernel<<<blocks_for(n, kThreads), kThreads, 0, stream_of(ctx)>>>(cptr(dy), ptr(dx),
                                                                                              p.plane_size(), n);
  CUDA_CHECK_LAUNCH();
}

}  // namespace adma::kernels
