// The fused loss, the simple way first: two versions that the tuned kernel
// (softmax_loss.cu) grew from. They compute the same numbers with the same
// per-sample math (losses/phi.h), are checked against the CPU reference in the gpu
// tests, and loss_bench times all three side by side (docs/losses.md walks through them).
//
// 1. RowPerThread: thread i owns row i and walks it with plain loops (max, sum, then
//    the gradient). Easy to read; but neighbouring threads read addresses C floats apart,
//    so no load is coalesced, and a batch of 64 rows keeps 64 threads of a GPU busy.
// 2. TwoPass: a warp per row finds lse and the loss (coalesced reads, shuffles) and
//    stores lse and dL/dlp (or sum_k g_k p_k); then one thread per ELEMENT writes dL/dz.
//    Every access is coalesced, but the logits cross DRAM twice and it takes three launches.
// Both then sum the per-row partials with one single-block launch, in a fixed order.
#include <cuda_runtime.h>

#include <algorithm>

#include "core/cuda/check.h"
#include "kernels/cuda/softmax_loss_args.h"
#include "kernels/softmax_loss_layout.h"

namespace adma::kernels::cuda {

namespace {

using loss_layout::kNaiveThreads;
using loss_layout::kPartials;
using loss_layout::kRowStats;

// The row's loss, dL/da and dL/dlp (lp-only) or sum_k g_k p_k (probability family) from its lse.
struct RowResult {
  float loss, da, dlp, dot;
};

__device__ RowResult row_loss(const LossArgs& p, const float* zr, float lse, int label) {
  RowResult r{label_ignored(label) ? 0.f : NAN, 0.f, 0.f, 0.f};
  if (!label_valid(label, p.c)) return r;
  losses::LossConsts<float> k = p.k;
  if (p.a_dev) k.a = *p.a_dev;
  if (k.lp_only) {
    losses::phi<float>(k, zr[label] - lse, r.loss, r.dlp, r.da);
  } else {
    const float inv_c = 1.f / static_cast<float>(p.c);
    float sum_f = 0.f;
    for (int j = 0; j < p.c; ++j) {
      const float pj = expf(zr[j] - lse);
      float f = 0.f, dfdp = 0.f;
      losses::prob_term<float>(k, pj, j == label, f, dfdp);
      sum_f += f;
      r.dot += dfdp * inv_c * pj;
    }
    r.loss = sum_f * inv_c;
  }
  return r;
}

// dL/dz_j for one element, scaled; 0 for a row whose label is not a class.
__device__ float element_grad(const LossArgs& p, float z, float lse, int j, int label, const RowResult& r) {
  if (!label_valid(label, p.c)) return 0.f;
  const float pj = expf(z - lse);
  if (p.k.lp_only) return p.scale * r.dlp * ((j == label ? 1.f : 0.f) - pj);
  float f = 0.f, dfdp = 0.f;
  losses::prob_term<float>(p.k, pj, j == label, f, dfdp);
  return p.scale * pj * (dfdp / static_cast<float>(p.c) - r.dot);
}

__device__ void write_partials(const LossArgs& p, int64_t row, int label, int arg, const RowResult& r) {
  p.per_sample[row] = r.loss;
  float* part = p.partials + kPartials * row;
  part[0] = r.loss;  // 0 for an ignored row
  part[1] = (label_valid(label, p.c) && arg == label) ? 1.f : 0.f;
  part[2] = r.da * p.scale;
  part[3] = label_ignored(label) ? 0.f : 1.f;
}

// Version 1: one thread per row.
__global__ void row_per_thread_kernel(LossArgs p) {
  const int64_t row = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (row >= p.n) return;
  const float* zr = p.z + row * p.c;
  int arg = 0;
  for (int j = 1; j < p.c; ++j)
    if (zr[j] > zr[arg]) arg = j;
  float sum = 0.f;
  for (int j = 0; j < p.c; ++j) sum += expf(zr[j] - zr[arg]);
  const float lse = zr[arg] + logf(sum);
  const int label = p.y[row];
  const RowResult r = row_loss(p, zr, lse, label);
  if (p.dz) {
    float* dr = p.dz + row * p.c;
    for (int j = 0; j < p.c; ++j) {
      const float g = element_grad(p, zr[j], lse, j, label, r);
      dr[j] = p.accumulate ? dr[j] + g : g;
    }
  }
  write_partials(p, row, label, arg, r);
}

// Version 2, pass 1: one warp per row for max / arg-max / sum-exp, then lane 0 does the loss.
__global__ void lse_per_warp_kernel(LossArgs p) {
  const int64_t row = (blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x) / 32;
  const int lane = threadIdx.x % 32;
  if (row >= p.n) return;  // whole warps leave together: row is the same for all 32 lanes
  const float* zr = p.z + row * p.c;
  float best = -INFINITY;
  int arg = 0;
  for (int j = lane; j < p.c; j += 32)
    if (zr[j] > best) {
      best = zr[j];
      arg = j;
    }
  for (int o = 16; o > 0; o >>= 1) {  // the first maximum wins ties, as on the CPU
    const float b = __shfl_xor_sync(0xffffffffu, best, o);
    const int a = __shfl_xor_sync(0xffffffffu, arg, o);
    if (b > best || (b == best && a < arg)) {
      best = b;
      arg = a;
    }
  }
  float sum = 0.f;
  for (int j = lane; j < p.c; j += 32) sum += expf(zr[j] - best);
  for (int o = 16; o > 0; o >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, o);
  const float lse = best + logf(sum);
  if (lane == 0) {
    const int label = p.y[row];
    const RowResult r = row_loss(p, zr, lse, label);
    p.row_stats[kRowStats * row] = lse;
    p.row_stats[kRowStats * row + 1] = r.dlp + r.dot;  // one of the two is 0: which, the family says
    write_partials(p, row, label, arg, r);
  }
}

// Version 2, pass 2: one thread per element of dL/dz.
__global__ void grad_per_element_kernel(LossArgs p) {
  const int64_t total = p.n * p.c;
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t row = i / p.c;
    const int j = static_cast<int>(i % p.c);
    const int label = p.y[row];
    const float lse = p.row_stats[kRowStats * row];
    RowResult r{0.f, 0.f, 0.f, 0.f};
    (p.k.lp_only ? r.dlp : r.dot) = p.row_stats[kRowStats * row + 1];
    const float g = element_grad(p, p.z[i], lse, j, label, r);
    p.dz[i] = p.accumulate ? p.dz[i] + g : g;
  }
}

// Both versions: one block sums the per-row partials in a fixed order (deterministic).
__global__ void sum_partials_kernel(LossArgs p) {
  __shared__ float part[kPartials][kNaiveThreads];
  float acc[kPartials] = {0.f, 0.f, 0.f, 0.f};
  for (int64_t row = threadIdx.x; row < p.n; row += blockDim.x)
    for (int k = 0; k < kPartials; ++k) acc[k] += p.partials[kPartials * row + k];
  for (int k = 0; k < kPartials; ++k) part[k][threadIdx.x] = acc[k];
  __syncthreads();
  for (int stride = blockDim.x / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride)
      for (int k = 0; k < kPartials; ++k) part[k][threadIdx.x] += part[k][threadIdx.x + stride];
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    *p.loss = part[3][0] > 0.f ? part[0][0] / part[3][0] : 0.f;
    *p.correct = part[1][0];
    if (p.dloss_da) *p.dloss_da = part[2][0];
  }
}

unsigned blocks_for(int64_t threads) { return static_cast<unsigned>((threads + kNaiveThreads - 1) / kNaiveThreads); }

}  // namespace

void launch_row_per_thread(const LossArgs& a, cudaStream_t s) {
  row_per_thread_kernel<<<blocks_for(a.n), kNaiveThreads, 0, s>>>(a);
  CUDA_CHECK_LAUNCH();
  sum_partials_kernel<<<1, kNaiveThreads, 0, s>>>(a);
  CUDA_CHECK_LAUNCH();
}

void launch_two_pass(const LossArgs& a, cudaStream_t s) {
  lse_per_warp_kernel<<<blocks_for(a.n * 32), kNaiveThreads, 0, s>>>(a);
  CUDA_CHECK_LAUNCH();
  if (a.dz) {
    const int64_t total = a.n * a.c;
    grad_per_element_kernel<<<static_cast<unsigned>(std::min<int64_t>(blocks_for(total), 65535 * 8)),
                              kNaiveThreads, 0, s>>>(a);
    CUDA_CHECK_LAUNCH();
  }
  sum_partials_kernel<<<1, kNaiveThreads, 0, s>>>(a);
  CUDA_CHECK_LAUNCH();
}

}  // namespace adma::kernels::cuda
