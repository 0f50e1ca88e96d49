// The registers version of the fused loss (SoftmaxLossVersion::Registers), for float and
// bfloat16 logits alike: the kernel templates, instantiated by softmax_loss_registers.cu
// (float) and softmax_loss_registers_bf16.cu (bfloat16). docs/losses.md, version 4.
//
// A group of G threads owns a row and holds all of it in registers, D values per thread:
//   1. every load of the row is issued before any arithmetic (E = D / V loads of V
//      elements: 16 bytes, float4 or 8 bf16, when the row allows it), so each thread has
//      E independent requests in flight and the SM's share of DRAM bandwidth is covered
//      (memory-level parallelism instead of occupancy);
//   2. max and first arg-max: one group reduction;
//   3. e_k = exp(z_k - max) replaces z_k in the registers; sum_k e_k and z_y: one
//      reduction; lse = max + log(sum), lp = z_y - lse, p_k = e_k / sum;
//   4. (MSE, squared hinge) sum_k f_k and sum_k g_k p_k: one more reduction;
//   5. dL/dz from the registers, written once with 16-byte stores.
// DRAM sees the logits once and dlogits once, and no shared memory holds the row (the
// tuned kernel's 128 KB row cache allows one block per SM at C = 32000).
// Thread t of a group loads vectors t, t + G, t + 2G, ... of the row, so a warp's loads
// are contiguous (coalesced) and a thread's elements come in increasing k.
// Reductions: shuffles within a warp; groups of more than 32 threads meet once in
// shared memory (one slot array per reduction, so one barrier each). Every thread of a
// group gets the same result, combined in the same order: deterministic.
// The batch sums: per-block partials and the last block's fixed-order sum (a ticket), as
// in the tuned kernel (kernels/cuda/softmax_loss.cu).
#pragma once
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <climits>
#include <cstdint>

#include "kernels/cuda/softmax_loss_args.h"
#include "kernels/softmax_loss_layout.h"

namespace adma::kernels::cuda::registers {

using loss_layout::kPartials;

// Threads per block for groups of G threads: small groups share a block of kRegBlockThreads.
constexpr int block_threads(int g) { return g < loss_layout::kRegBlockThreads ? loss_layout::kRegBlockThreads : g; }

// V consecutive elements of type In <-> V floats. One 16-byte access for float4 or eight
// bf16, else one element. Streaming hints (ld/st.global.cs): each logit is read once and
// each gradient written once, so neither should push other lines out of L2.
// bf16 -> float is exact (the bf16 is a float's top half); float -> bf16 rounds to
// nearest even (__float2bfloat16_rn), as the host does (core/bfloat16.h).
template <typename In, int V>
struct Pack;

template <>
struct Pack<float, 4> {
  static __device__ void load(const float* p, float (&x)[4]) {
    const float4 v = __ldcs(reinterpret_cast<const float4*>(p));
    x[0] = v.x;
    x[1] = v.y;
    x[2] = v.z;
    x[3] = v.w;
  }
  static __device__ void store(float* p, const float (&x)[4], bool acc) {
    float4 o = make_float4(x[0], x[1], x[2], x[3]);
    if (acc) {
      const float4 old = *reinterpret_cast<const float4*>(p);
      o.x += old.x;
      o.y += old.y;
      o.z += old.z;
      o.w += old.w;
    }
    __stcs(reinterpret_cast<float4*>(p), o);
  }
};

template <>
struct Pack<float, 1> {
  static __device__ void load(const float* p, float (&x)[1]) { x[0] = __ldcs(p); }
  static __device__ void store(float* p, const float (&x)[1], bool acc) { __stcs(p, acc ? *p + x[0] : x[0]); }
};

__device__ inline float bf16_bits_to_float(unsigned bits16) { return __uint_as_float(bits16 << 16); }
__device__ inline unsigned float_to_bf16_bits(float v) { return __bfloat16_as_ushort(__float2bfloat16_rn(v)); }

template <>
struct Pack<__nv_bfloat16, 8> {
  // Word i of the uint4 holds elements 2i (low half) and 2i + 1 (high half): little endian.
  static __device__ void unpack(const uint4& v, float (&x)[8]) {
    const unsigned w[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      x[2 * i] = bf16_bits_to_float(w[i] & 0xffffu);
      x[2 * i + 1] = bf16_bits_to_float(w[i] >> 16);
    }
  }
  static __device__ void load(const __nv_bfloat16* p, float (&x)[8]) {
    unpack(__ldcs(reinterpret_cast<const uint4*>(p)), x);
  }
  static __device__ void store(__nv_bfloat16* p, const float (&x)[8], bool acc) {
    float o[8];
#pragma unroll
    for (int i = 0; i < 8; ++i) o[i] = x[i];
    if (acc) {
      float old[8];
      unpack(*reinterpret_cast<const uint4*>(p), old);
#pragma unroll
      for (int i = 0; i < 8; ++i) o[i] += old[i];  // added in float, rounded once
    }
    unsigned w[4];
#pragma unroll
    for (int i = 0; i < 4; ++i) w[i] = float_to_bf16_bits(o[2 * i]) | (float_to_bf16_bits(o[2 * i + 1]) << 16);
    __stcs(reinterpret_cast<uint4*>(p), make_uint4(w[0], w[1], w[2], w[3]));
  }
};

template <>
struct Pack<__nv_bfloat16, 1> {
  static __device__ void load(const __nv_bfloat16* p, float (&x)[1]) {
    x[0] = bf16_bits_to_float(__ldcs(reinterpret_cast<const unsigned short*>(p)));
  }
  static __device__ void store(__nv_bfloat16* p, const float (&x)[1], bool acc) {
    unsigned short* q = reinterpret_cast<unsigned short*>(p);
    const float o = acc ? bf16_bits_to_float(*q) + x[0] : x[0];
    __stcs(q, static_cast<unsigned short>(float_to_bf16_bits(o)));
  }
};

// What the reductions carry. MaxArg: the first maximum (ties: the smaller k).
struct MaxArg {
  float v;
  int k;
};
struct Sum2 {
  float a, b;
};
struct Sum4 {
  float a, b, c, d;
};

__device__ inline MaxArg shfl_xor(const MaxArg& v, int o) {
  return {__shfl_xor_sync(0xffffffffu, v.v, o), __shfl_xor_sync(0xffffffffu, v.k, o)};
}
__device__ inline Sum2 shfl_xor(const Sum2& v, int o) {
  return {__shfl_xor_sync(0xffffffffu, v.a, o), __shfl_xor_sync(0xffffffffu, v.b, o)};
}
__device__ inline Sum4 shfl_xor(const Sum4& v, int o) {
  return {__shfl_xor_sync(0xffffffffu, v.a, o), __shfl_xor_sync(0xffffffffu, v.b, o),
          __shfl_xor_sync(0xffffffffu, v.c, o), __shfl_xor_sync(0xffffffffu, v.d, o)};
}
// Both commutative (a + b == b + a in IEEE; max of distinct k), so the two lanes of a
// butterfly step compute the same value and every lane ends with the same result.
__device__ inline MaxArg combine(const MaxArg& a, const MaxArg& b) {
  return (b.v > a.v || (b.v == a.v && b.k < a.k)) ? b : a;
}
__device__ inline Sum2 combine(const Sum2& a, const Sum2& b) { return {a.a + b.a, a.b + b.b}; }
__device__ inline Sum4 combine(const Sum4& a, const Sum4& b) { return {a.a + b.a, a.b + b.b, a.c + b.c, a.d + b.d}; }

// Reduces v over the group of G threads that this thread belongs to (G a power of two):
// butterfly shuffles over min(G, 32) lanes, then, for G > 32, the group's G / 32 warp
// results through `slots` (block_threads / 32 entries, used by this reduction only), read
// by every thread in the same order. Every thread of the block must call it (a barrier).
template <int G, typename T>
__device__ T group_reduce(T v, T* slots) {
  constexpr int kLanes = G < 32 ? G : 32;
#pragma unroll
  for (int o = kLanes / 2; o > 0; o >>= 1) v = combine(v, shfl_xor(v, o));
  if constexpr (G > 32) {
    if (threadIdx.x % 32 == 0) slots[threadIdx.x / 32] = v;
    __syncthreads();
    const int first = static_cast<int>(threadIdx.x / G) * (G / 32);
    v = slots[first];
#pragma unroll 8
    for (int i = 1; i < G / 32; ++i) v = combine(v, slots[first + i]);
  }
  return v;
}

// What a row leaves for the batch sums: its loss (0 when ignored), 1 if its first arg-max
// is its label, its dL/da (scaled), 1 if counted (label not -1).
// finish_block: each group's thread 0 passes its row's Sum4 (zeros for a group past the
// last row); the block writes one partial; the block that draws the last ticket sums all
// partials in a fixed order, writes loss / correct / dL/da and resets the ticket.
// Every thread of the block must call it.
template <typename In, int G>
__device__ void finish_block(const LossArgsOf<In>& p, const Sum4& mine) {
  constexpr int B = block_threads(G), R = B / G;
  __shared__ Sum4 rows[R];
  __shared__ Sum4 slots[B / 32];
  __shared__ bool last;
  if (threadIdx.x % G == 0) rows[threadIdx.x / G] = mine;
  __syncthreads();
  if (threadIdx.x == 0) {
    Sum4 s = rows[0];
    for (int i = 1; i < R; ++i) s = combine(s, rows[i]);
    float* part = p.partials + kPartials * static_cast<int64_t>(blockIdx.x);
    part[0] = s.a;
    part[1] = s.b;
    part[2] = s.c;
    part[3] = s.d;
    __threadfence();  // the partial is visible device-wide before the ticket is taken
    last = atomicAdd(p.ticket, 1u) == gridDim.x - 1;
  }
  __syncthreads();
  if (!last) return;
  __threadfence();
  Sum4 s{0.f, 0.f, 0.f, 0.f};
  for (unsigned b = threadIdx.x; b < gridDim.x; b += B) {
    const volatile float* part = p.partials + kPartials * static_cast<int64_t>(b);
    s = combine(s, Sum4{part[0], part[1], part[2], part[3]});
  }
  s = group_reduce<B>(s, slots);
  if (threadIdx.x == 0) {
    *p.loss = s.d > 0.f ? s.a / s.d : 0.f;  // mean over the rows not ignored
    *p.correct = s.b;
    if (p.dloss_da) *p.dloss_da = s.c;
    *p.ticket = 0u;
  }
}

// The row's loss and its dL/dz factor from lp (the losses of lp), or nothing (probability
// family: the kernel reduces sum f and sum g p first). loss: 0 ignored, NaN bad label.
template <typename In>
__device__ inline void lp_loss(const LossArgsOf<In>& p, bool valid, float lp, float& loss, float& dlp, float& da) {
  dlp = da = 0.f;
  if (!valid) return;
  losses::LossConsts<float> k = p.k;
  if (p.a_dev) k.a = *p.a_dev;  // the trained a
  losses::phi<float>(k, lp, loss, dlp, da);
}

// The kernel: In (float, __nv_bfloat16), V elements per load (16 bytes' worth, or 1),
// G threads per row, D = E V row values per thread (the row fits when C <= G D), kProb:
// MSE / squared hinge, else the losses of lp. V > 1 needs C % V == 0 and 16-byte
// aligned z and dz (the launcher checks).
template <typename In, int V, int G, int D, bool kProb>
__global__ void __launch_bounds__(block_threads(G), 1024 / block_threads(G))
    registers_kernel(LossArgsOf<In> p) {
  constexpr int B = block_threads(G), R = B / G, E = D / V;
  static_assert(D % V == 0 && (G & (G - 1)) == 0 && G >= 1 && G <= 1024, "bad instance");
  __shared__ MaxArg max_slots[B / 32];
  __shared__ Sum2 sum_slots[B / 32], dot_slots[B / 32];

  const int t = threadIdx.x % G;
  const int64_t row = static_cast<int64_t>(blockIdx.x) * R + threadIdx.x / G;
  const bool active = row < p.n;  // a group past the last row still takes part in the barriers
  const int c = p.c;
  const int label = active ? p.y[row] : kIgnoreLabel;
  const In* zr = p.z + (active ? row : 0) * static_cast<int64_t>(c);

  // 1. All loads first: x[j] holds elements (j G + t) V .. + V - 1; -inf past the row.
  float x[E][V];
#pragma unroll
  for (int j = 0; j < E; ++j) {
    const int k0 = (j * G + t) * V;
    if (active && k0 < c) {
      Pack<In, V>::load(zr + k0, x[j]);
    } else {
#pragma unroll
      for (int v = 0; v < V; ++v) x[j][v] = -INFINITY;
    }
  }

  // 2. Max and first arg-max (k rises within a thread, so a tie keeps the first).
  MaxArg best{-INFINITY, INT_MAX};
#pragma unroll
  for (int j = 0; j < E; ++j)
#pragma unroll
    for (int v = 0; v < V; ++v) {
      const int k = (j * G + t) * V + v;
      if (k < c && (x[j][v] > best.v || (x[j][v] == best.v && k < best.k))) best = {x[j][v], k};
    }
  best = group_reduce<G>(best, max_slots);
  const float m = best.v;

  // 3. e_k = exp(z_k - m) in place of z_k; sum e_k and z_y (held by one thread; 0 elsewhere).
  Sum2 se{0.f, 0.f};
#pragma unroll
  for (int j = 0; j < E; ++j)
#pragma unroll
    for (int v = 0; v < V; ++v) {
      const int k = (j * G + t) * V + v;
      float e = 0.f;
      if (k < c) {
        if (k == label) se.b = x[j][v];
        e = expf(x[j][v] - m);
      }
      x[j][v] = e;
      se.a += e;
    }
  se = group_reduce<G>(se, sum_slots);
  const float lse = m + logf(se.a), inv_sum = 1.f / se.a;

  const bool valid = label_valid(label, c), ignored = label_ignored(label);
  float loss = ignored ? 0.f : NAN, da = 0.f;
  In* dr = (p.dz && active) ? p.dz + row * static_cast<int64_t>(c) : nullptr;
  if constexpr (!kProb) {
    // dL/dz_k = scale phi'(lp) (1[k = y] - p_k).
    float dlp = 0.f;
    lp_loss(p, valid, se.b - lse, loss, dlp, da);
    const float g = dlp * p.scale;  // 0 for a bad label or an ignored row
    if (dr) {
#pragma unroll
      for (int j = 0; j < E; ++j) {
        const int k0 = (j * G + t) * V;
        if (k0 < c) {
          float o[V];
#pragma unroll
          for (int v = 0; v < V; ++v) o[v] = g * ((k0 + v == label ? 1.f : 0.f) - x[j][v] * inv_sum);
          Pack<In, V>::store(dr + k0, o, p.accumulate);
        }
      }
    }
  } else {
    // L = (1/C) sum_k f(p_k), g_k = f'(p_k) / C:  dL/dz_j = scale p_j (g_j - sum_k g_k p_k).
    const float inv_c = 1.f / static_cast<float>(c);
    Sum2 fd{0.f, 0.f};  // sum_k f_k, sum_k g_k p_k
#pragma unroll
    for (int j = 0; j < E; ++j)
#pragma unroll
      for (int v = 0; v < V; ++v) {
        const int k = (j * G + t) * V + v;
        if (k < c) {
          const float pk = x[j][v] * inv_sum;
          float f = 0.f, dfdp = 0.f;
          losses::prob_term<float>(p.k, pk, k == label, f, dfdp);
          fd.a += f;
          fd.b += dfdp * inv_c * pk;
        }
      }
    fd = group_reduce<G>(fd, dot_slots);
    if (valid) loss = fd.a * inv_c;
    const float s = valid ? p.scale : 0.f;
    if (dr) {
#pragma unroll
      for (int j = 0; j < E; ++j) {
        const int k0 = (j * G + t) * V;
        if (k0 < c) {
          float o[V];
#pragma unroll
          for (int v = 0; v < V; ++v) {
            const float pk = x[j][v] * inv_sum;
            float f = 0.f, dfdp = 0.f;
            losses::prob_term<float>(p.k, pk, k0 + v == label, f, dfdp);
            o[v] = s * pk * (dfdp * inv_c - fd.b);
          }
          Pack<In, V>::store(dr + k0, o, p.accumulate);
        }
      }
    }
  }
  if (active && t == 0) p.per_sample[row] = loss;
  finish_block<In, G>(p, Sum4{loss, (valid && best.k == label) ? 1.f : 0.f, da * p.scale, ignored ? 0.f : 1.f});
}

// The fallback for rows the register instances do not take (longer than kRegMaxC, or
// longer than kSmallC and not movable as 16-byte vectors): a block per row walks it in
// global memory, one element per thread per step, in the same steps as above (max, sum,
// [f and g p], write), re-reading the row from L2 each time. Correct at any C; the
// bandwidth is the tuned kernel's uncached one.
template <typename In, bool kProb>
__global__ void __launch_bounds__(loss_layout::kRegLoopThreads) looped_kernel(LossArgsOf<In> p) {
  constexpr int G = loss_layout::kRegLoopThreads;
  __shared__ MaxArg max_slots[G / 32];
  __shared__ Sum2 sum_slots[G / 32], dot_slots[G / 32];
  const int t = threadIdx.x;
  const int64_t row = blockIdx.x;  // one block per row: every block has a row
  const int c = p.c;
  const int label = p.y[row];
  const In* zr = p.z + row * static_cast<int64_t>(c);
  // Plain loads here (no evict-first hint): the row is read again by every step, from L2.
  auto z_at = [&](int k) { return static_cast<float>(zr[k]); };

  MaxArg best{-INFINITY, INT_MAX};
  for (int k = t; k < c; k += G) {
    const float z = z_at(k);
    if (z > best.v || (z == best.v && k < best.k)) best = {z, k};
  }
  best = group_reduce<G>(best, max_slots);
  const float m = best.v;
  Sum2 se{0.f, 0.f};
  for (int k = t; k < c; k += G) {
    const float z = z_at(k);
    if (k == label) se.b = z;
    se.a += expf(z - m);
  }
  se = group_reduce<G>(se, sum_slots);
  const float lse = m + logf(se.a), inv_sum = 1.f / se.a;

  const bool valid = label_valid(label, c), ignored = label_ignored(label);
  float loss = ignored ? 0.f : NAN, da = 0.f;
  In* dr = p.dz ? p.dz + row * static_cast<int64_t>(c) : nullptr;
  if constexpr (!kProb) {
    float dlp = 0.f;
    lp_loss(p, valid, se.b - lse, loss, dlp, da);
    const float g = dlp * p.scale;
    if (dr)
      for (int k = t; k < c; k += G) {
        const float o[1] = {g * ((k == label ? 1.f : 0.f) - expf(z_at(k) - m) * inv_sum)};
        Pack<In, 1>::store(dr + k, o, p.accumulate);
      }
  } else {
    const float inv_c = 1.f / static_cast<float>(c);
    Sum2 fd{0.f, 0.f};
    for (int k = t; k < c; k += G) {
      const float pk = expf(z_at(k) - m) * inv_sum;
      float f = 0.f, dfdp = 0.f;
      losses::prob_term<float>(p.k, pk, k == label, f, dfdp);
      fd.a += f;
      fd.b += dfdp * inv_c * pk;
    }
    fd = group_reduce<G>(fd, dot_slots);
    if (valid) loss = fd.a * inv_c;
    const float s = valid ? p.scale : 0.f;
    if (dr)
      for (int k = t; k < c; k += G) {
        const float pk = expf(z_at(k) - m) * inv_sum;
        float f = 0.f, dfdp = 0.f;
        losses::prob_term<float>(p.k, pk, k == label, f, dfdp);
        const float o[1] = {s * pk * (dfdp * inv_c - fd.b)};
        Pack<In, 1>::store(dr + k, o, p.accumulate);
      }
  }
  if (t == 0) p.per_sample[row] = loss;
  finish_block<In, G>(p, Sum4{loss, (valid && best.k == label) ? 1.f : 0.f, da * p.scale, ignored ? 0.f : 1.f});
}

// Launches the first instance <V, G, D> whose rows hold C (C <= G D); false if C is longer.
template <typename In, int V, int G, int D>
bool launch_if_fits(const LossArgsOf<In>& a, bool prob, cudaStream_t s) {
  if (a.c > G * D) return false;
  constexpr int R = block_threads(G) / G;
  const unsigned blocks = static_cast<unsigned>((a.n + R - 1) / R);
  if (prob)
    registers_kernel<In, V, G, D, true><<<blocks, block_threads(G), 0, s>>>(a);
  else
    registers_kernel<In, V, G, D, false><<<blocks, block_threads(G), 0, s>>>(a);
  return true;
}

template <typename In>
void launch_looped(const LossArgsOf<In>& a, bool prob, cudaStream_t s) {
  const unsigned blocks = static_cast<unsigned>(a.n);
  if (prob)
    looped_kernel<In, true><<<blocks, loss_layout::kRegLoopThreads, 0, s>>>(a);
  else
    looped_kernel<In, false><<<blocks, loss_layout::kRegLoopThreads, 0, s>>>(a);
}

// Rows move as 16-byte vectors when every row starts on a 16-byte boundary: C a multiple
// of the vector and both buffers aligned (cudaMalloc's are; a view may not be).
template <typename In>
bool rows_are_vectors(const LossArgsOf<In>& a) {
  constexpr int kVec = 16 / sizeof(In);
  auto aligned = [](const void* q) { return reinterpret_cast<uintptr_t>(q) % 16 == 0; };
  return a.c % kVec == 0 && aligned(a.z) && (a.dz == nullptr || aligned(a.dz));
}

}  // namespace adma::kernels::cuda::registers
