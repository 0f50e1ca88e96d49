// CUDA side of kernels/softmax_loss.h, the tuned version: one fused kernel per call;
// and the entry point that picks a version. (The naive versions it grew from are in
// softmax_loss_naive.cu, the registers version that followed it, float and bfloat16, in
// softmax_loss_registers*.cu; docs/losses.md.)
//
// Layout (constants in kernels/softmax_loss_layout.h). A "group" of G threads owns one row:
//   C <= 1024: G = 32, one warp per row, 8 rows per 256-thread block; reductions are
//              warp shuffles only, so a row never waits for another.
//   C >  1024: G = 1024, one block per row; reductions go warp shuffles -> shared memory.
// Each row is read in passes: (1) online max / sum-exp / arg-max, (2) the gradient
// written once (lp-only losses), or (2) sum_k g_k p_k and (3) the gradient (MSE, hinge).
// DRAM should see the logits once and dlogits once. Small rows (a warp's) are re-read
// from L1/L2. A large row is kept in shared memory by pass 1 (up to kMaxCachedC floats):
// a 32000-class row is 128 KB, and the rows in flight (2 blocks per SM x 132 SMs on an
// H200, ~34 MB) plus the dlogits written through the same 50 MB L2 could evict a row
// before its second pass. Each thread re-reads exactly the elements it cached, so no
// barrier is needed. Rows whose length is a multiple of 4 move as float4.
//
// Batch reduction without a second launch and without float atomics: every block
// writes its partials (loss, correct, dL/da, rows counted) to scratch, takes a ticket; the block that
// draws the last ticket sums all partials in a fixed order (deterministic), writes the
// results and resets the ticket counter, so the next call (or graph replay) starts clean.
#include <algorithm>
#include <cstdint>

#include "kernels/cuda/cuda_util.h"
#include "kernels/cuda/softmax_loss_args.h"
#include "kernels/softmax_loss_layout.h"

namespace adma::kernels {

namespace cuda {
namespace {

using loss_layout::kMaxCachedC;
using loss_layout::kPartials;
using loss_layout::kRowThreads;
using loss_layout::kSmallC;
using loss_layout::kWarpRowsPerBlock;

struct MaxSum {
  float m, s;  // running max and sum of exp(z - m)
  float best;  // arg-max value and index (first one wins ties)
  int arg;
};

__device__ inline void merge(MaxSum& a, const MaxSum& b) {
  if (b.s != 0.f) {
    if (a.s == 0.f) {
      a.m = b.m;
      a.s = b.s;
    } else {
      const float mx = fmaxf(a.m, b.m);
      a.s = a.s * expf(a.m - mx) + b.s * expf(b.m - mx);
      a.m = mx;
    }
  }
  if (b.best > a.best || (b.best == a.best && b.arg < a.arg)) {
    a.best = b.best;
    a.arg = b.arg;
  }
}

__device__ inline void push(MaxSum& a, float z, int k) {
  if (z > a.m) {
    a.s = a.s * expf(a.m - z) + 1.f;
    a.m = z;
  } else {
    a.s += expf(z - a.m);
  }
  if (z > a.best) {  // k increases within a thread, so ">" keeps the first maximum
    a.best = z;
    a.arg = k;
  }
}

__device__ inline float shfl_xor(float v, int o) { return __shfl_xor_sync(0xffffffffu, v, o); }
__device__ inline MaxSum shfl_xor(const MaxSum& v, int o) {
  return {shfl_xor(v.m, o), shfl_xor(v.s, o), shfl_xor(v.best, o), __shfl_xor_sync(0xffffffffu, v.arg, o)};
}

// Reduces v over a group of G threads (a warp, or the whole block when G > 32) with
// `combine`; every thread of the group gets the result, combined in the same order.
template <int G, typename T, typename Combine>
__device__ T group_all_reduce(T v, Combine combine) {
  for (int o = 16; o > 0; o >>= 1) v = combine(v, shfl_xor(v, o));
  if constexpr (G > 32) {
    __shared__ T part[G / 32];
    const int w = threadIdx.x / 32, l = threadIdx.x % 32;
    __syncthreads();  // the previous reduction has finished reading `part`
    if (l == 0) part[w] = v;
    __syncthreads();
    v = part[0];
    for (int i = 1; i < G / 32; ++i) v = combine(v, part[i]);
  }
  return v;
}

template <int G>
__device__ MaxSum group_reduce(const MaxSum& v) {
  return group_all_reduce<G>(v, [](MaxSum a, const MaxSum& b) {
    merge(a, b);
    return a;
  });
}

template <int G>
__device__ float group_sum(float v) {
  return group_all_reduce<G>(v, [](float a, float b) { return a + b; });
}

// Calls f(k, z_k) for this thread's elements of a row, in increasing k; with `cache`,
// also stores them there at the same places (the same thread reads them back later).
template <int G, typename F>
__device__ inline void row_read(const float* zr, int c, int lane, bool vec4, F&& f, float* cache = nullptr) {
  if (vec4) {
    const float4* z4 = reinterpret_cast<const float4*>(zr);
#pragma unroll 4
    for (int i = lane; i < c / 4; i += G) {
      const float4 v = z4[i];
      if (cache) reinterpret_cast<float4*>(cache)[i] = v;
      f(4 * i, v.x);
      f(4 * i + 1, v.y);
      f(4 * i + 2, v.z);
      f(4 * i + 3, v.w);
    }
  } else {
    for (int k = lane; k < c; k += G) {
      const float v = zr[k];
      if (cache) cache[k] = v;
      f(k, v);
    }
  }
}

// dr[k] = f(k, z_k) (or +=), with the same element assignment as row_read.
template <int G, typename F>
__device__ inline void row_write(const float* zr, float* dr, int c, int lane, bool vec4, bool acc, F&& f) {
  if (vec4) {
    const float4* z4 = reinterpret_cast<const float4*>(zr);
    float4* d4 = reinterpret_cast<float4*>(dr);
#pragma unroll 4
    for (int i = lane; i < c / 4; i += G) {
      const float4 v = z4[i];
      float4 o = make_float4(f(4 * i, v.x), f(4 * i + 1, v.y), f(4 * i + 2, v.z), f(4 * i + 3, v.w));
      if (acc) {
        const float4 old = d4[i];
        o.x += old.x;
        o.y += old.y;
        o.z += old.z;
        o.w += old.w;
      }
      d4[i] = o;
    }
  } else {
    for (int k = lane; k < c; k += G) {
      const float o = f(k, zr[k]);
      dr[k] = acc ? dr[k] + o : o;
    }
  }
}

template <int G, bool kProb>
__global__ void __launch_bounds__(G == 32 ? 32 * kWarpRowsPerBlock : G, 1)
    softmax_loss_kernel(LossArgs p, bool cache_row) {
  constexpr int R = (G == 32) ? kWarpRowsPerBlock : 1;
  extern __shared__ float4 dyn_smem[];  // the cached row (block-per-row launches that ask for it)
  __shared__ float row_loss[R], row_correct[R], row_da[R], row_counted[R];
  __shared__ bool last;
  const int group = threadIdx.x / G, lane = threadIdx.x % G;
  const int64_t row = static_cast<int64_t>(blockIdx.x) * R + group;

  if (row < p.n) {
    const int c = p.c;
    const float* zr = p.z + row * c;
    const bool vec4 = (c % 4 == 0) && (reinterpret_cast<uintptr_t>(p.z) % 16 == 0) &&
                      (p.dz == nullptr || reinterpret_cast<uintptr_t>(p.dz) % 16 == 0);
    float* cache = (G > 32 && cache_row) ? reinterpret_cast<float*>(dyn_smem) : nullptr;
    MaxSum ms{-INFINITY, 0.f, -INFINITY, 0};
    row_read<G>(
        zr, c, lane, vec4, [&](int k, float z) { push(ms, z, k); }, cache);
    if (cache) zr = cache;     // later passes read the row from shared memory
    ms = group_reduce<G>(ms);  // its __syncthreads also publishes the cache (z_label below)
    const float lse = ms.m + logf(ms.s);
    const int label = p.y[row];
    const bool valid = label_valid(label, c), ignored = label_ignored(label);
    float loss = ignored ? 0.f : NAN, da = 0.f;
    float* dr = p.dz ? p.dz + row * c : nullptr;
    if constexpr (!kProb) {
      float dlp = 0.f;
      if (valid) {
        losses::LossConsts<float> k = p.k;
        if (p.a_dev) k.a = *p.a_dev;  // the trained a
        losses::phi<float>(k, zr[label] - lse, loss, dlp, da);
      }
      const float g = dlp * p.scale;  // 0 for an invalid label
      if (dr)
        row_write<G>(zr, dr, c, lane, vec4, p.accumulate,
                     [&](int k, float z) { return g * ((k == label ? 1.f : 0.f) - expf(z - lse)); });
    } else {
      const float inv_c = 1.f / static_cast<float>(c);
      float sum_f = 0.f, dot = 0.f;
      row_read<G>(zr, c, lane, vec4, [&](int k, float z) {
        const float pk = expf(z - lse);
        float f = 0.f, dfdp = 0.f;
        losses::prob_term<float>(p.k, pk, k == label, f, dfdp);
        sum_f += f;
        dot += dfdp * inv_c * pk;
      });
      sum_f = group_sum<G>(sum_f);
      dot = group_sum<G>(dot);
      if (valid) loss = sum_f * inv_c;
      const float s = valid ? p.scale : 0.f;
      if (dr)
        row_write<G>(zr, dr, c, lane, vec4, p.accumulate, [&](int k, float z) {
          const float pk = expf(z - lse);
          float f = 0.f, dfdp = 0.f;
          losses::prob_term<float>(p.k, pk, k == label, f, dfdp);
          return s * pk * (dfdp * inv_c - dot);
        });
    }
    if (lane == 0) {
      p.per_sample[row] = loss;
      row_loss[group] = loss;
      row_correct[group] = (valid && ms.arg == label) ? 1.f : 0.f;
      row_da[group] = da * p.scale;
      row_counted[group] = ignored ? 0.f : 1.f;
    }
  } else if (lane == 0) {
    row_loss[group] = row_correct[group] = row_da[group] = row_counted[group] = 0.f;
  }
  __syncthreads();

  if (threadIdx.x == 0) {
    float l = 0.f, cor = 0.f, d = 0.f, cnt = 0.f;
    for (int i = 0; i < R; ++i) {
      l += row_loss[i];
      cor += row_correct[i];
      d += row_da[i];
      cnt += row_counted[i];
    }
    float* part = p.partials + kPartials * static_cast<int64_t>(blockIdx.x);
    part[0] = l;
    part[1] = cor;
    part[2] = d;
    part[3] = cnt;
    __threadfence();  // partials visible device-wide before the ticket is taken
    last = atomicAdd(p.ticket, 1u) == gridDim.x - 1;
  }
  __syncthreads();
  if (!last) return;

  // The last block: a fixed-order sum of every block's partial.
  __threadfence();
  float l = 0.f, cor = 0.f, d = 0.f, cnt = 0.f;
  for (unsigned b = threadIdx.x; b < gridDim.x; b += blockDim.x) {
    const volatile float* part = p.partials + kPartials * static_cast<int64_t>(b);
    l += part[0];
    cor += part[1];
    d += part[2];
    cnt += part[3];
  }
  constexpr int kBlock = G == 32 ? 32 * kWarpRowsPerBlock : G;
  l = group_sum<kBlock>(l);
  cor = group_sum<kBlock>(cor);
  d = group_sum<kBlock>(d);
  cnt = group_sum<kBlock>(cnt);
  if (threadIdx.x == 0) {
    *p.loss = cnt > 0.f ? l / cnt : 0.f;  // mean over the rows not ignored
    *p.correct = cor;
    if (p.dloss_da) *p.dloss_da = d;
    *p.ticket = 0u;
  }
}

template <bool kProb>
void launch(const Context& ctx, const LossArgs& a, cudaStream_t s) {
  const unsigned blocks = static_cast<unsigned>(loss_layout::tuned_blocks(a.n, a.c));
  if (a.c <= kSmallC) {
    softmax_loss_kernel<32, kProb><<<blocks, 32 * kWarpRowsPerBlock, 0, s>>>(a, false);
  } else {
    auto kernel = softmax_loss_kernel<kRowThreads, kProb>;
    // Allow the largest cache (above the 48 KB default) on this context's device: a
    // host-side attribute, per device and kernel, made once; not stream work.
    allow_dynamic_shared_memory(ctx, kernel, kMaxCachedC * sizeof(float));
    const bool cache_row = a.c <= kMaxCachedC;
    const size_t smem = cache_row ? static_cast<size_t>(a.c) * sizeof(float) : 0;
    kernel<<<blocks, kRowThreads, smem, s>>>(a, cache_row);
  }
  CUDA_CHECK_LAUNCH();
}

}  // namespace
}  // namespace cuda

namespace cuda {
namespace {

// The arguments every version reads, In being the logits' element type.
template <typename In>
LossArgsOf<In> loss_args(const SoftmaxLossSetup& setup, const Tensor& logits, const Tensor& labels, const Tensor& a,
                         double scale, bool accumulate, LossOutputs& out) {
  LossArgsOf<In> args;
  args.z = static_cast<const In*>(logits.raw());
  args.y = static_cast<const int32_t*>(labels.raw());
  args.n = setup.n;
  args.c = static_cast<int>(setup.c);
  args.k = setup.f32;
  args.a_dev = a.defined() ? cptr(a) : nullptr;
  args.scale = static_cast<float>(scale);
  args.accumulate = accumulate;
  args.dz = out.dlogits.defined() ? static_cast<In*>(out.dlogits.raw()) : nullptr;
  args.per_sample = ptr(out.per_sample);
  char* scratch = static_cast<char*>(out.scratch.raw());
  args.ticket = reinterpret_cast<unsigned*>(scratch);
  args.partials = reinterpret_cast<float*>(scratch + loss_layout::kTicketBytes);
  args.row_stats = args.partials + kPartials * std::max<int64_t>(loss_layout::tuned_blocks(setup.n, setup.c), setup.n);
  args.loss = ptr(out.loss);
  args.correct = ptr(out.correct);
  args.dloss_da = out.dloss_da.defined() ? ptr(out.dloss_da) : nullptr;
  return args;
}

}  // namespace
}  // namespace cuda

void cuda::softmax_loss(Context& ctx, const SoftmaxLossSetup& setup, const Tensor& logits, const Tensor& labels,
                        const Tensor& a, double scale, bool accumulate, LossOutputs& out) {
  const bool prob = !losses::uses_lp_only(setup.params.kind);
  const cudaStream_t s = stream_of(ctx);
  if (logits.dtype() == DType::BF16) {  // check_loss_operands saw to the version
    if (setup.n == 0) return;
    return launch_registers(loss_args<__nv_bfloat16>(setup, logits, labels, a, scale, accumulate, out), prob, s);
  }
  expect_f32("softmax_loss", logits.dtype());
  if (setup.n == 0) return;
  const LossArgs args = loss_args<float>(setup, logits, labels, a, scale, accumulate, out);
  switch (setup.version) {
    case SoftmaxLossVersion::RowPerThread:
      return launch_row_per_thread(args, s);
    case SoftmaxLossVersion::TwoPass:
      return launch_two_pass(args, s);
    case SoftmaxLossVersion::Tuned:
      if (prob)
        launch<true>(ctx, args, s);
      else
        launch<false>(ctx, args, s);
      return;
    case SoftmaxLossVersion::Registers:
      return launch_registers(args, prob, s);
  }
}

}  // namespace adma::kernels
