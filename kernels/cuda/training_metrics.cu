// CUDA side of kernels/training_metrics.h: one block, a fixed-order tree sum.
#include "kernels/cuda/cuda_util.h"
#include "kernels/training_metrics.h"

namespace adma::kernels {

namespace cuda {
namespace {
constexpr int kThreads = 256;

__global__ void __launch_bounds__(kThreads)
    metrics_kernel(const float* loss, const int* y, int64_t n, const float* correct, const double* penalty,
                   const int* step, double* acc) {
  __shared__ double s_sum[kThreads], s_rows[kThreads];
  double sum = 0, rows = 0;
  for (int64_t i = threadIdx.x; i < n; i += kThreads) {
    sum += static_cast<double>(loss[i]);  // 0 for an ignored row
    rows += y[i] != kIgnoreLabel ? 1 : 0;
  }
  s_sum[threadIdx.x] = sum;
  s_rows[threadIdx.x] = rows;
  __syncthreads();
  for (int half = kThreads / 2; half > 0; half >>= 1) {
    if (threadIdx.x < half) {
      s_sum[threadIdx.x] += s_sum[threadIdx.x + half];
      s_rows[threadIdx.x] += s_rows[threadIdx.x + half];
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    double total = s_sum[0];
    if (penalty) total += *penalty * s_rows[0];
    acc[0] += total;
    acc[1] += static_cast<double>(*correct);
    acc[2] += s_rows[0];
    if (!isfinite(total) && acc[3] == 0 && step) acc[3] = *step;
  }
}
}  // namespace
}  // namespace cuda

void cuda::accumulate_metrics(Context& ctx, const Tensor& per_sample, const Tensor& labels, const Tensor& correct,
                              const Tensor& penalty, const Tensor& step, Tensor& acc) {
  expect_f32("accumulate_metrics", per_sample.dtype());
  metrics_kernel<<<1, kThreads, 0, stream_of(ctx)>>>(
      cptr(per_sample), static_cast<const int*>(labels.raw()), per_sample.numel(), cptr(correct),
      penalty.defined() ? static_cast<const double*>(penalty.raw()) : nullptr,
      step.defined() ? static_cast<const int*>(step.raw()) : nullptr, static_cast<double*>(acc.raw()));
  CUDA_CHECK_LAUNCH();
}

}  // namespace adma::kernels
