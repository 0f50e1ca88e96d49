// CUDA side of kernels/softmax_loss.h: one fused kernel per call.
//
// Layout. A "group" of G threads owns one row:
//   C <= 1024: G = 32, one warp per row, 8 rows per 256-thread block; reductions are
//              warp shuffles only, so a row never waits for another.
//   C >  1024: G = 512, one block per row; reductions go warp shuffles -> shared memory.
// Each row is read in passes: (1) online max / sum-exp / arg-max, (2) the gradient
// written once (lp-only losses), or (2) sum_k g_k p_k and (3) the gradient (MSE, hinge).
// DRAM should see the logits once and dlogits once. Small rows (a warp's) are re-read
// from L1/L2. A large row is kept in shared memory by pass 1 (up to kMaxCachedC floats):
// with one 128 KB row per block, the rows in flight would otherwise outgrow the 60 MB L2
// before their second pass. Each thread re-reads exactly the elements it cached, so no
// barrier is needed. Rows whose length is a multiple of 4 move as float4.
//
// Batch reduction without a second launch and without float atomics: every block
// writes its partial (loss, correct, dL/da) to scratch, takes a ticket; the block that
// draws the last ticket sums all partials in a fixed order (deterministic), writes the
// results and resets the ticket counter, so the next call (or graph replay) starts clean.
#include <cstdint>

#include "kernels/cuda/cudnn_util.h"
#include "kernels/loss_phi.h"
#include "kernels/softmax_loss.h"

namespace adma::kernels::cuda {

namespace {

constexpr int kWarpRowsPerBlock = 8;
constexpr int kRowThreads = 1024;
constexpr int kSmallC = 1024;
constexpr int kMaxCachedC = 48 * 1024;  // 192 KB of shared memory: within the H100/H200's 227 KB

struct MaxSum {
  float m, s;     // running max and sum of exp(z - m)
  float best;     // arg-max value and index (first one wins ties)
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

struct Args {
  const float* z;
  const int32_t* y;
  int64_t n;
  int c;
  LossConsts k;
  const float* a_dev;  // learnable a, or null
  float scale;
  bool accumulate;
  float* dz;  // may be null
  float* per_sample;
  float* partials;  // 3 per block
  unsigned* ticket;
  float* loss;
  float* correct;
  float* dloss_da;  // may be null
  bool cache_row;   // block-per-row: keep the row in dynamic shared memory
};

template <int G, bool kProb>
__global__ void __launch_bounds__(G == 32 ? 32 * kWarpRowsPerBlock : G, 1) softmax_loss_kernel(Args p) {
  constexpr int R = (G == 32) ? kWarpRowsPerBlock : 1;
  extern __shared__ float4 dyn_smem[];  // the cached row (block-per-row launches that ask for it)
  __shared__ float row_loss[R], row_correct[R], row_da[R];
  __shared__ bool last;
  const int group = threadIdx.x / G, lane = threadIdx.x % G;
  const int64_t row = static_cast<int64_t>(blockIdx.x) * R + group;

  if (row < p.n) {
    const int c = p.c;
    const float* zr = p.z + row * c;
    const bool vec4 = (c % 4 == 0) && (reinterpret_cast<uintptr_t>(p.z) % 16 == 0) &&
                      (p.dz == nullptr || reinterpret_cast<uintptr_t>(p.dz) % 16 == 0);
    float* cache = (G > 32 && p.cache_row) ? reinterpret_cast<float*>(dyn_smem) : nullptr;
    MaxSum ms{-INFINITY, 0.f, -INFINITY, 0};
    row_read<G>(zr, c, lane, vec4, [&](int k, float z) { push(ms, z, k); }, cache);
    if (cache) zr = cache;  // later passes read the row from shared memory
    ms = group_reduce<G>(ms);  // its __syncthreads also publishes the cache (z_label below)
    const float lse = ms.m + logf(ms.s);
    const int label = p.y[row];
    const bool valid = label >= 0 && label < c;
    float loss = NAN, da = 0.f;
    float* dr = p.dz ? p.dz + row * c : nullptr;
    if constexpr (!kProb) {
      float dlp = 0.f;
      if (valid) {
        const float a = p.a_dev ? *p.a_dev : static_cast<float>(p.k.a);
        loss_phi<float>(p.k, a, zr[label] - lse, loss, dlp, da);
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
        float f, dfdp;
        loss_prob_term<float>(p.k, pk, k == label, f, dfdp);
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
          float f, dfdp;
          loss_prob_term<float>(p.k, pk, k == label, f, dfdp);
          return s * pk * (dfdp * inv_c - dot);
        });
    }
    if (lane == 0) {
      p.per_sample[row] = loss;
      row_loss[group] = loss;
      row_correct[group] = (valid && ms.arg == label) ? 1.f : 0.f;
      row_da[group] = da * p.scale;
    }
  } else if (lane == 0) {
    row_loss[group] = row_correct[group] = row_da[group] = 0.f;
  }
  __syncthreads();

  if (threadIdx.x == 0) {
    float l = 0.f, cor = 0.f, d = 0.f;
    for (int i = 0; i < R; ++i) {
      l += row_loss[i];
      cor += row_correct[i];
      d += row_da[i];
    }
    float* part = p.partials + 3 * static_cast<int64_t>(blockIdx.x);
    part[0] = l;
    part[1] = cor;
    part[2] = d;
    __threadfence();  // partials visible device-wide before the ticket is taken
    last = atomicAdd(p.ticket, 1u) == gridDim.x - 1;
  }
  __syncthreads();
  if (!last) return;

  // The last block: a fixed-order sum of every block's partial.
  __threadfence();
  float l = 0.f, cor = 0.f, d = 0.f;
  for (unsigned b = threadIdx.x; b < gridDim.x; b += blockDim.x) {
    const volatile float* part = p.partials + 3 * static_cast<int64_t>(b);
    l += part[0];
    cor += part[1];
    d += part[2];
  }
  l = group_sum<(G == 32 ? 32 * kWarpRowsPerBlock : G)>(l);
  cor = group_sum<(G == 32 ? 32 * kWarpRowsPerBlock : G)>(cor);
  d = group_sum<(G == 32 ? 32 * kWarpRowsPerBlock : G)>(d);
  if (threadIdx.x == 0) {
    *p.loss = l / static_cast<float>(p.n);
    *p.correct = cor;
    if (p.dloss_da) *p.dloss_da = d;
    *p.ticket = 0u;
  }
}

template <bool kProb>
void launch(const Context& ctx, Args a, cudaStream_t s) {
  if (a.c <= kSmallC) {
    const unsigned blocks = static_cast<unsigned>((a.n + kWarpRowsPerBlock - 1) / kWarpRowsPerBlock);
    softmax_loss_kernel<32, kProb><<<blocks, 32 * kWarpRowsPerBlock, 0, s>>>(a);
  } else {
    auto kernel = softmax_loss_kernel<kRowThreads, kProb>;
    // Allow the largest cache (above the 48 KB default) on this context's device: a
    // host-side attribute, per device, made once; not stream work.
    allow_dynamic_shared_memory(ctx, kernel, kMaxCachedC * sizeof(float));
    a.cache_row = a.c <= kMaxCachedC;
    const size_t smem = a.cache_row ? static_cast<size_t>(a.c) * sizeof(float) : 0;
    kernel<<<static_cast<unsigned>(a.n), kRowThreads, smem, s>>>(a);
  }
  CUDA_CHECK_LAUNCH();
}

}  // namespace

void softmax_loss(Context& ctx, const LossParams& params, const Tensor& logits, const Tensor& labels, const Tensor& a,
                  double scale, bool accumulate, LossOutputs& out) {
  expect_f32("softmax_loss", logits.dtype());
  ADMA_CHECK(logits.shape().rank() == 2, "loss: logits must be [N, C], got ", logits.shape().str());
  const int64_t n = logits.dim(0), c = logits.dim(1);
  ADMA_CHECK(labels.dtype() == DType::I32 && labels.numel() == n, "loss: labels must be int32 [", n, "], got ",
             dtype_name(labels.dtype()), " ", labels.shape().str());
  ADMA_CHECK(out.scratch.nbytes() >= loss_scratch_bytes(n, c), "loss: scratch of ", out.scratch.nbytes(),
             " bytes, need ", loss_scratch_bytes(n, c));
  if (n == 0) return;
  Args args;
  args.z = cptr(logits);
  args.y = static_cast<const int32_t*>(labels.raw());
  args.n = n;
  args.c = static_cast<int>(c);
  args.k = loss_consts(params);
  args.a_dev = a.defined() ? cptr(a) : nullptr;
  args.scale = static_cast<float>(scale);
  args.accumulate = accumulate;
  args.dz = out.dlogits.defined() ? ptr(out.dlogits) : nullptr;
  args.per_sample = ptr(out.per_sample);
  args.ticket = static_cast<unsigned*>(out.scratch.raw());
  args.partials = reinterpret_cast<float*>(static_cast<char*>(out.scratch.raw()) + 64);
  args.loss = ptr(out.loss);
  args.correct = ptr(out.correct);
  args.dloss_da = out.dloss_da.defined() ? ptr(out.dloss_da) : nullptr;
  args.cache_row = false;
  if (params.uses_lp_only())
    launch<false>(ctx, args, stream_of(ctx));
  else
    launch<true>(ctx, args, stream_of(ctx));
}

}  // namespace adma::kernels::cuda
