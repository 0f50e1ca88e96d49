// CUDA side of kernels/elu_batchnorm2d.h: own kernels, since cuDNN's batch norm cannot
// take its input through an ELU. Training forward and backward are one kernel each,
// one block per channel: the block sums over the channel's M = N H W values (in double,
// as the CPU reference does, so the one-pass variance E[z^2] - mu^2 loses nothing at
// these sizes), then applies, reading x again (from L2 at the ConvNet's sizes). z = elu(x)
// is recomputed wherever it is needed and never stored. Eval is one grid-stride kernel.
// A first version for correctness: at batch 512 the ConvNet's 32 channels of block 1
// fill 32 blocks only; splitting each channel over several blocks (partial sums, then
// the apply as a second kernel) is the next step if the GPU run shows it matters.
#include <algorithm>

#include "kernels/cuda/cuda_util.h"
#include "kernels/elu_batchnorm2d.h"

namespace adma::kernels {

namespace cuda {
namespace {
constexpr int kThreads = 1024;  // per channel block: 32 warps
constexpr int kEvalThreads = 256;

__device__ __forceinline__ float elu_of(float x, float alpha) { return x > 0.f ? x : alpha * expm1f(x); }
// dz/dx of z = elu(x): 1 for x > 0, else alpha exp(x).
__device__ __forceinline__ float elu_slope(float x, float alpha) { return x > 0.f ? 1.f : alpha * expf(x); }

// (a, b) summed over the block, the result in every thread. Ends with a barrier, so it
// may be called again in the same kernel.
__device__ void block_sum2(double& a, double& b) {
  __shared__ double sa[kThreads / 32], sb[kThreads / 32];
  for (int o = 16; o > 0; o >>= 1) {
    a += __shfl_down_sync(0xffffffffu, a, o);
    b += __shfl_down_sync(0xffffffffu, b, o);
  }
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (lane == 0) {
    sa[warp] = a;
    sb[warp] = b;
  }
  __syncthreads();
  if (warp == 0) {
    const int warps = blockDim.x >> 5;
    a = lane < warps ? sa[lane] : 0.0;
    b = lane < warps ? sb[lane] : 0.0;
    for (int o = 16; o > 0; o >>= 1) {
      a += __shfl_down_sync(0xffffffffu, a, o);
      b += __shfl_down_sync(0xffffffffu, b, o);
    }
    if (lane == 0) {
      sa[0] = a;
      sb[0] = b;
    }
  }
  __syncthreads();
  a = sa[0];
  b = sb[0];
  __syncthreads();
}

// Element j (0 <= j < M) of channel c in [N, C, HW].
__device__ __forceinline__ int64_t at(int64_t j, int64_t c, int64_t channels, int64_t hw) {
  const int64_t n = j / hw;
  return (n * channels + c) * hw + (j - n * hw);
}

// One block per channel: statistics of z = elu(x), then y, the running statistics
// and the saved mean and 1/std.
__global__ void forward_train_kernel(const float* __restrict__ x, const float* __restrict__ gamma,
                                     const float* __restrict__ beta, float* __restrict__ rm, float* __restrict__ rv,
                                     float* __restrict__ sm, float* __restrict__ si, float* __restrict__ y,
                                     int64_t channels, int64_t hw, int64_t m, float alpha, double momentum,
                                     double eps) {
  const int64_t c = blockIdx.x;
  double sum = 0, sq = 0;
  for (int64_t j = threadIdx.x; j < m; j += blockDim.x) {
    const double z = elu_of(x[at(j, c, channels, hw)], alpha);
    sum += z;
    sq += z * z;
  }
  block_sum2(sum, sq);
  const double mean = sum / m;
  const double var = fmax(sq / m - mean * mean, 0.0);
  const double invstd = 1.0 / sqrt(var + eps);
  const float scale = static_cast<float>(gamma[c] * invstd);
  const float shift = static_cast<float>(beta[c] - gamma[c] * invstd * mean);
  for (int64_t j = threadIdx.x; j < m; j += blockDim.x) {
    const int64_t i = at(j, c, channels, hw);
    y[i] = scale * elu_of(x[i], alpha) + shift;
  }
  if (threadIdx.x == 0) {
    const double f = 1.0 - momentum;
    rm[c] = static_cast<float>(momentum * rm[c] + f * mean);
    rv[c] = static_cast<float>(momentum * rv[c] + f * var * m / (m - 1));
    sm[c] = static_cast<float>(mean);
    si[c] = static_cast<float>(invstd);
  }
}

__global__ void forward_eval_kernel(const float* __restrict__ x, const float* __restrict__ gamma,
                                    const float* __restrict__ beta, const float* __restrict__ rm,
                                    const float* __restrict__ rv, float* __restrict__ y, int64_t total,
                                    int64_t channels, int64_t hw, float alpha, float eps) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < total; i += (int64_t)gridDim.x * blockDim.x) {
    const int64_t c = (i / hw) % channels;
    const float scale = gamma[c] * rsqrtf(rv[c] + eps);
    y[i] = scale * (elu_of(x[i], alpha) - rm[c]) + beta[c];
  }
}

// One block per channel: the two sums batch norm's backward needs, then dx through
// batch norm and the ELU. dx may be null (the input needs no gradient).
__global__ void backward_kernel(const float* __restrict__ x, const float* __restrict__ dy,
                                const float* __restrict__ gamma, const float* __restrict__ sm,
                                const float* __restrict__ si, float* __restrict__ dx, float* __restrict__ dgamma,
                                float* __restrict__ dbeta, int64_t channels, int64_t hw, int64_t m, float alpha) {
  const int64_t c = blockIdx.x;
  const float mean = sm[c], invstd = si[c];
  double sum_dy = 0, sum_dy_zhat = 0;
  for (int64_t j = threadIdx.x; j < m; j += blockDim.x) {
    const int64_t i = at(j, c, channels, hw);
    const double g = dy[i];
    sum_dy += g;
    sum_dy_zhat += g * ((elu_of(x[i], alpha) - mean) * invstd);
  }
  block_sum2(sum_dy, sum_dy_zhat);
  if (threadIdx.x == 0) {
    dbeta[c] += static_cast<float>(sum_dy);
    dgamma[c] += static_cast<float>(sum_dy_zhat);
  }
  if (!dx) return;
  // dz = k (dy - sum_dy / M - zhat sum_dy_zhat / M), k = gamma invstd
  const float k = gamma[c] * invstd;
  const float mean_dy = static_cast<float>(sum_dy / m), mean_dy_zhat = static_cast<float>(sum_dy_zhat / m);
  for (int64_t j = threadIdx.x; j < m; j += blockDim.x) {
    const int64_t i = at(j, c, channels, hw);
    const float v = x[i];
    const float zhat = (elu_of(v, alpha) - mean) * invstd;
    dx[i] += k * (dy[i] - mean_dy - zhat * mean_dy_zhat) * elu_slope(v, alpha);
  }
}

struct Dims {
  int64_t n, c, hw;
};
Dims dims_of(const Shape& s) { return {s[0], s[1], s.numel_from(2)}; }
}  // namespace
}  // namespace cuda

void cuda::elu_batchnorm2d_setup_init(Context&, EluBatchNorm2dSetup& s) { expect_f32("elu_batchnorm2d", s.dtype); }

void cuda::elu_batchnorm2d_forward_train(Context& ctx, const EluBatchNorm2dSetup& s, const Tensor& x,
                                         const Tensor& gamma, const Tensor& beta, Tensor& rm, Tensor& rv, Tensor& sm,
                                         Tensor& si, Tensor& y) {
  const Dims d = dims_of(s.shape);
  if (d.c == 0) return;
  forward_train_kernel<<<static_cast<unsigned>(d.c), kThreads, 0, stream_of(ctx)>>>(
      cptr(x), cptr(gamma), cptr(beta), ptr(rm), ptr(rv), ptr(sm), ptr(si), ptr(y), d.c, d.hw, d.n * d.hw,
      static_cast<float>(s.alpha), s.momentum, s.eps);
  CUDA_CHECK_LAUNCH();
}

void cuda::elu_batchnorm2d_forward_eval(Context& ctx, const EluBatchNorm2dSetup& s, const Tensor& x,
                                        const Tensor& gamma, const Tensor& beta, const Tensor& rm, const Tensor& rv,
                                        Tensor& y) {
  const Dims d = dims_of(s.shape);
  const int64_t total = x.numel();
  if (total == 0) return;
  const int blocks = static_cast<int>(std::min<int64_t>((total + kEvalThreads - 1) / kEvalThreads, 65535 * 8));
  forward_eval_kernel<<<blocks, kEvalThreads, 0, stream_of(ctx)>>>(cptr(x), cptr(gamma), cptr(beta), cptr(rm),
                                                                   cptr(rv), ptr(y), total, d.c, d.hw,
                                                                   static_cast<float>(s.alpha),
                                                                   static_cast<float>(s.eps));
  CUDA_CHECK_LAUNCH();
}

void cuda::elu_batchnorm2d_backward(Context& ctx, const EluBatchNorm2dSetup& s, const Tensor& x, const Tensor& dy,
                                    const Tensor& gamma, const Tensor& sm, const Tensor& si, Tensor& dx,
                                    Tensor& dgamma, Tensor& dbeta) {
  const Dims d = dims_of(s.shape);
  if (d.c == 0) return;
  backward_kernel<<<static_cast<unsigned>(d.c), kThreads, 0, stream_of(ctx)>>>(
      cptr(x), cptr(dy), cptr(gamma), cptr(sm), cptr(si), dx.defined() ? ptr(dx) : nullptr, ptr(dgamma),
      ptr(dbeta), d.c, d.hw, d.n * d.hw, static_cast<float>(s.alpha));
  CUDA_CHECK_LAUNCH();
}

}  // namespace adma::kernels
