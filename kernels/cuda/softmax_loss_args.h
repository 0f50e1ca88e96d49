// What every CUDA version of the fused loss (kernels/cuda/softmax_loss*.cu) is
// given: raw pointers and the constants converted at setup. Private to kernels/cuda.
#pragma once
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/softmax_loss.h"

namespace adma::kernels::cuda {

// In: the logits' and dlogits' element type, float (every version) or __nv_bfloat16 (the
// registers version); everything else, and all the math, is float.
template <typename In>
struct LossArgsOf {
  const In* z;
  const int32_t* y;
  int64_t n;
  int c;
  losses::LossConsts<float> k;  // converted once, in softmax_loss_setup
  const float* a_dev;           // learnable a (replaces k.a in the kernel), or null
  float scale;
  bool accumulate;
  In* dz;  // may be null
  float* per_sample;
  float* partials;  // loss_layout::kPartials per block (tuned) or per row (naive)
  float* row_stats;  // loss_layout::kRowStats per row (two-pass)
  unsigned* ticket;
  float* loss;
  float* correct;
  float* dloss_da;  // may be null
};
using LossArgs = LossArgsOf<float>;

// Row-level rules every version shares: the label decides whether the row counts.
__device__ inline bool label_valid(int label, int c) { return label >= 0 && label < c; }
__device__ inline bool label_ignored(int label) { return label == kIgnoreLabel; }

// The naive versions (kernels/cuda/softmax_loss_naive.cu).
void launch_row_per_thread(const LossArgs& a, cudaStream_t s);
void launch_two_pass(const LossArgs& a, cudaStream_t s);
// The registers version, float and bfloat16 logits (kernels/cuda/softmax_loss_registers*.cu);
// `prob`: the probability family (MSE, squared hinge), else the losses of lp.
void launch_registers(const LossArgsOf<float>& a, bool prob, cudaStream_t s);
void launch_registers(const LossArgsOf<__nv_bfloat16>& a, bool prob, cudaStream_t s);

}  // namespace adma::kernels::cuda
