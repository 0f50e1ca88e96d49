// Batch norm folded into the weight layer before it, for evaluation (core/graph/node.h,
// "Batch norm folded at evaluation"). With its running statistics batch norm is a
// per-channel affine map of its input z:
//   y[:, o] = s[o] (z[:, o] - mean[o]) + beta[o],   s[o] = gamma[o] / sqrt(var[o] + eps)
// and when z = W x + b is a convolution or a dense map whose output channel o is axis 0 of
// W (Conv2d [K, C, R, S], Dense [units, in]), then y = W' x + b' exactly, with
//   W'[o, ...] = s[o] W[o, ...],   b'[o] = s[o] (b[o] - mean[o]) + beta[o]   (no bias: b = 0)
// since the convolution is linear in W and its zero padding pads x, not z. O(parameters):
// the graph runs it once per evaluation pass (Graph::eval), never per step.
// Both sides compute in double, W' as one product and b' as one fused multiply-add, and
// round once to the tensor's type, so the CPU and CUDA results agree to the last bit.
// CPU: one loop (the fast backend uses it as it is). CUDA: one grid-stride kernel over W'
// whose first K threads also write b'.
#pragma once
#include "core/tensor.h"
#include "kernels/batchnorm2d.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

namespace cpu {
void batchnorm2d_fold(Context& ctx, const BatchNorm2dSetup& s, const Tensor& w, const Tensor& b, const Tensor& gamma,
                      const Tensor& beta, const Tensor& running_mean, const Tensor& running_var, Tensor& folded_w,
                      Tensor& folded_b);
}  // namespace cpu
namespace cpu_fast {  // O(parameters), once per evaluation pass: the reference serves
using cpu::batchnorm2d_fold;
}  // namespace cpu_fast
namespace cuda {
void batchnorm2d_fold(Context& ctx, const BatchNorm2dSetup& s, const Tensor& w, const Tensor& b, const Tensor& gamma,
                      const Tensor& beta, const Tensor& running_mean, const Tensor& running_var, Tensor& folded_w,
                      Tensor& folded_b);
}  // namespace cuda

// w and folded_w [K, ...] with K the batch norm's channels; b (optional: undefined is no
// bias), folded_b and every batch-norm tensor [K]; one dtype, the batch norm's.
inline void batchnorm2d_fold(Context& ctx, const BatchNorm2dSetup& s, const Tensor& w, const Tensor& b,
                             const Tensor& gamma, const Tensor& beta, const Tensor& running_mean,
                             const Tensor& running_var, Tensor& folded_w, Tensor& folded_b) {
  const Shape k{s.shape[1]};
  ADMA_CHECK(w.defined() && w.shape().rank() >= 1 && w.dim(0) == s.shape[1], "batchnorm2d_fold: the weight's axis 0 ",
             "must be the batch norm's ", s.shape[1], " channels, got ", w.defined() ? w.shape().str() : "nothing");
  expect_operand("batchnorm2d_fold w", w, w.shape(), s.dtype);
  expect_operand("batchnorm2d_fold folded_w", folded_w, w.shape(), s.dtype);
  if (b.defined()) expect_operand("batchnorm2d_fold b", b, k, s.dtype);
  check_batchnorm2d_operands("batchnorm2d_fold", s, {}, {&gamma, &beta, &running_mean, &running_var, &folded_b});
  ADMA_DISPATCH(ctx, batchnorm2d_fold, ctx, s, w, b, gamma, beta, running_mean, running_var, folded_w, folded_b);
}

}  // namespace adma::kernels
