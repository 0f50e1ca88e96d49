// CUDA side of kernels/batchnorm2d_fold.h: one grid-stride kernel over W' (one read and
// one write per weight); the first K threads also write b'. In double, as the CPU side,
// so both agree bit for bit. O(parameters), once per evaluation pass.
#include <algorithm>

#include "kernels/batchnorm2d_fold.h"
#include "kernels/cuda/cuda_util.h"

namespace adma::kernels {

namespace cuda {
namespace {
constexpr int kThreads = 256;
int blocks_for(int64_t n) { return static_cast<int>(std::min<int64_t>((n + kThreads - 1) / kThreads, 65535 * 8)); }

__device__ double fold_scale(const float* gamma, const float* var, double eps, int64_t o) {
  return static_cast<double>(gamma[o]) / sqrt(static_cast<double>(var[o]) + eps);
}

__global__ void batchnorm2d_fold_kernel(const float* __restrict__ w, const float* __restrict__ b,
                                        const float* __restrict__ gamma, const float* __restrict__ beta,
                                        const float* __restrict__ mean, const float* __restrict__ var, double eps,
                                        float* __restrict__ fw, float* __restrict__ fb, int64_t channels,
                                        int64_t per_channel) {
  const int64_t n = channels * per_channel;  // >= channels: per_channel >= 1
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    fw[i] = static_cast<float>(fold_scale(gamma, var, eps, i / per_channel) * static_cast<double>(w[i]));
    if (i < channels) {
      const double bias = b ? static_cast<double>(b[i]) : 0.0;
      fb[i] = static_cast<float>(fma(fold_scale(gamma, var, eps, i), bias - static_cast<double>(mean[i]),
                                     static_cast<double>(beta[i])));
    }
  }
}
}  // namespace
}  // namespace cuda

void cuda::batchnorm2d_fold(Context& ctx, const BatchNorm2dSetup& p, const Tensor& w, const Tensor& b,
                            const Tensor& gamma, const Tensor& beta, const Tensor& rm, const Tensor& rv, Tensor& fw,
                            Tensor& fb) {
  expect_f32("batchnorm2d_fold", p.dtype);
  const int64_t channels = p.shape[1], n = w.numel();
  if (n == 0) return;
  batchnorm2d_fold_kernel<<<blocks_for(n), kThreads, 0, stream_of(ctx)>>>(
      cptr(w), b.defined() ? cptr(b) : nullptr, cptr(gamma), cptr(beta), cptr(rm), cptr(rv), p.eps, ptr(fw), ptr(fb),
      channels, n / channels);
  CUDA_CHECK_LAUNCH();
}

}  // namespace adma::kernels
