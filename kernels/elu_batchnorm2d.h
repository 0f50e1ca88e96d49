// ELU followed by batch normalisation, fused: the ConvNet's "conv -> ELU -> BatchNorm"
// (models/convnet.h) with the ELU's output never written to memory. Per channel c,
// over N, H, W (M = N H W values), with z = elu(x) (kernels/elu.h):
//   training: mu = mean(z), var = mean((z - mu)^2), invstd = 1 / sqrt(var + eps)
//             y = gamma (z - mu) invstd + beta
//             running_mean = m running_mean + (1 - m) mu
//             running_var  = m running_var  + (1 - m) var M / (M - 1)
//             saves mu and invstd for backward (x is the layer's input, kept anyway)
//   eval:     y = scale elu(x) + shift, scale = gamma / sqrt(running_var + eps),
//             shift = beta - scale running_mean
//   backward: z recomputed from x, zhat = (z - mu) invstd,
//             dbeta += sum dy, dgamma += sum dy zhat,
//             dz = gamma invstd / M (M dy - sum dy - zhat sum(dy zhat))   (batch norm's)
//             dx += dz elu'(x),  elu'(x) = 1 for x > 0, else alpha exp(x) = z + alpha
// Exactly kernels/elu.h then kernels/batchnorm2d.h (same momentum and eps conventions,
// Keras's), so the fused node is interchangeable with the two (tests/test_elu_batchnorm2d.cpp).
// Unfused, a training step moves z through memory four times (ELU writes it, batch norm
// reads it twice, ELU's backward reads it) and launches ELU and batch norm apart, each
// way; fused, forward is one kernel (statistics and apply per channel) and backward one.
// CPU reference: plain loops, sums in double. Fast CPU: batch norm's fast loops over a
// vector ELU, z kept in y or on the stack (kernels/cpu_fast/elu_batchnorm2d.cpp). CUDA:
// own kernels, one block per channel (kernels/cuda/elu_batchnorm2d.cu).
#pragma once
#include <initializer_list>

#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

struct EluBatchNorm2dSetup : KernelSetup {
  Shape shape;  // [N, C, H, W] (or [N, C])
  DType dtype = DType::F32;
  double alpha = 1.0;  // ELU's
  double momentum = 0.99;
  double eps = 1e-3;
};

namespace cpu {
void elu_batchnorm2d_setup_init(Context& ctx, EluBatchNorm2dSetup& s);
void elu_batchnorm2d_forward_train(Context& ctx, const EluBatchNorm2dSetup& s, const Tensor& x, const Tensor& gamma,
                                   const Tensor& beta, Tensor& running_mean, Tensor& running_var, Tensor& save_mean,
                                   Tensor& save_invstd, Tensor& y);
void elu_batchnorm2d_forward_eval(Context& ctx, const EluBatchNorm2dSetup& s, const Tensor& x, const Tensor& gamma,
                                  const Tensor& beta, const Tensor& running_mean, const Tensor& running_var, Tensor& y);
void elu_batchnorm2d_backward(Context& ctx, const EluBatchNorm2dSetup& s, const Tensor& x, const Tensor& dy,
                              const Tensor& gamma, const Tensor& save_mean, const Tensor& save_invstd, Tensor& dx,
                              Tensor& dgamma, Tensor& dbeta);
}  // namespace cpu
namespace cpu_fast {
using cpu::elu_batchnorm2d_setup_init;
void elu_batchnorm2d_forward_train(Context& ctx, const EluBatchNorm2dSetup& s, const Tensor& x, const Tensor& gamma,
                                   const Tensor& beta, Tensor& running_mean, Tensor& running_var, Tensor& save_mean,
                                   Tensor& save_invstd, Tensor& y);
void elu_batchnorm2d_forward_eval(Context& ctx, const EluBatchNorm2dSetup& s, const Tensor& x, const Tensor& gamma,
                                  const Tensor& beta, const Tensor& running_mean, const Tensor& running_var, Tensor& y);
void elu_batchnorm2d_backward(Context& ctx, const EluBatchNorm2dSetup& s, const Tensor& x, const Tensor& dy,
                              const Tensor& gamma, const Tensor& save_mean, const Tensor& save_invstd, Tensor& dx,
                              Tensor& dgamma, Tensor& dbeta);
}  // namespace cpu_fast
namespace cuda {
void elu_batchnorm2d_setup_init(Context& ctx, EluBatchNorm2dSetup& s);
void elu_batchnorm2d_forward_train(Context& ctx, const EluBatchNorm2dSetup& s, const Tensor& x, const Tensor& gamma,
                                   const Tensor& beta, Tensor& running_mean, Tensor& running_var, Tensor& save_mean,
                                   Tensor& save_invstd, Tensor& y);
void elu_batchnorm2d_forward_eval(Context& ctx, const EluBatchNorm2dSetup& s, const Tensor& x, const Tensor& gamma,
                                  const Tensor& beta, const Tensor& running_mean, const Tensor& running_var, Tensor& y);
void elu_batchnorm2d_backward(Context& ctx, const EluBatchNorm2dSetup& s, const Tensor& x, const Tensor& dy,
                              const Tensor& gamma, const Tensor& save_mean, const Tensor& save_invstd, Tensor& dx,
                              Tensor& dgamma, Tensor& dbeta);
}  // namespace cuda

// x, y, dy (and dx) are the setup's shape; every per-channel tensor is [C]; one dtype.
inline void check_elu_batchnorm2d_operands(const char* op, const EluBatchNorm2dSetup& s,
                                           std::initializer_list<const Tensor*> full,
                                           std::initializer_list<const Tensor*> per_channel) {
  for (const Tensor* t : full) expect_operand(op, *t, s.shape, s.dtype);
  for (const Tensor* t : per_channel) expect_operand(op, *t, Shape{s.shape[1]}, s.dtype);
}

inline void elu_batchnorm2d_setup_init(Context& ctx, EluBatchNorm2dSetup& s) {
  ADMA_CHECK(s.shape.rank() == 2 || s.shape.rank() == 4,
             "elu_batchnorm2d: input must be [N, C] or [N, C, H, W], got ", s.shape.str());
  ADMA_CHECK(s.alpha > 0, "elu_batchnorm2d: ELU alpha must be positive, got ", s.alpha);
  ADMA_CHECK(s.eps > 0, "elu_batchnorm2d: epsilon must be positive, got ", s.eps);
  ADMA_CHECK(s.momentum >= 0 && s.momentum <= 1, "elu_batchnorm2d: momentum must be in [0, 1], got ", s.momentum);
  ADMA_DISPATCH(ctx, elu_batchnorm2d_setup_init, ctx, s);
}
inline EluBatchNorm2dSetup elu_batchnorm2d_setup(Context& ctx, const Shape& shape, DType dtype, double alpha,
                                                 double momentum, double eps) {
  EluBatchNorm2dSetup s;
  s.shape = shape;
  s.dtype = dtype;
  s.alpha = alpha;
  s.momentum = momentum;
  s.eps = eps;
  elu_batchnorm2d_setup_init(ctx, s);
  return s;
}
inline void elu_batchnorm2d_forward_train(Context& ctx, const EluBatchNorm2dSetup& s, const Tensor& x,
                                          const Tensor& gamma, const Tensor& beta, Tensor& rm, Tensor& rv, Tensor& sm,
                                          Tensor& si, Tensor& y) {
  check_elu_batchnorm2d_operands("elu_batchnorm2d_forward_train", s, {&x, &y}, {&gamma, &beta, &rm, &rv, &sm, &si});
  // As batch norm: the unbiased running variance divides by M - 1.
  ADMA_CHECK(s.shape.numel() / s.shape[1] > 1,
             "elu_batchnorm2d: training needs more than one value per channel, got ", s.shape.str());
  ADMA_DISPATCH(ctx, elu_batchnorm2d_forward_train, ctx, s, x, gamma, beta, rm, rv, sm, si, y);
}
inline void elu_batchnorm2d_forward_eval(Context& ctx, const EluBatchNorm2dSetup& s, const Tensor& x,
                                         const Tensor& gamma, const Tensor& beta, const Tensor& rm, const Tensor& rv,
                                         Tensor& y) {
  check_elu_batchnorm2d_operands("elu_batchnorm2d_forward_eval", s, {&x, &y}, {&gamma, &beta, &rm, &rv});
  ADMA_DISPATCH(ctx, elu_batchnorm2d_forward_eval, ctx, s, x, gamma, beta, rm, rv, y);
}
// dgamma, dbeta and dx (when defined: an input that needs no gradient has none) are
// added into; the parameter gradients always (a frozen one goes to scratch, as batch norm's).
inline void elu_batchnorm2d_backward(Context& ctx, const EluBatchNorm2dSetup& s, const Tensor& x, const Tensor& dy,
                                     const Tensor& gamma, const Tensor& sm, const Tensor& si, Tensor& dx,
                                     Tensor& dgamma, Tensor& dbeta) {
  check_elu_batchnorm2d_operands("elu_batchnorm2d_backward", s, {&x, &dy}, {&gamma, &sm, &si, &dgamma, &dbeta});
  if (dx.defined()) expect_operand("elu_batchnorm2d_backward dx", dx, s.shape, s.dtype);
  ADMA_DISPATCH(ctx, elu_batchnorm2d_backward, ctx, s, x, dy, gamma, sm, si, dx, dgamma, dbeta);
}

}  // namespace adma::kernels
