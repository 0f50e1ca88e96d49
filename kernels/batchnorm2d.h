// Batch normalisation over N, H, W per channel c (Ioffe & Szegedy 2015; "spatial"):
//   training: mu = mean(x), var = mean((x - mu)^2)        (biased, for normalising)
//             xhat = (x - mu) / sqrt(var + eps),  y = gamma xhat + beta
//             running_mean = m running_mean + (1 - m) mu
//             running_var  = m running_var  + (1 - m) var M/(M-1)   (unbiased; M = N H W)
//             saves mu and invstd = 1/sqrt(var + eps) for backward
//   eval:     y = gamma (x - running_mean) / sqrt(running_var + eps) + beta
//   backward (training): dbeta += sum dy, dgamma += sum dy xhat,
//             dx += gamma invstd / M (M dy - sum dy - xhat sum(dy xhat))
// m is Keras' momentum (0.99); cuDNN's exponentialAverageFactor is 1 - m.
#pragma once
#include <initializer_list>
#include <memory>

#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

namespace cuda {
struct BatchNorm2dState;  // cuDNN descriptors (kernels/cuda/cudnn_batchnorm2d.cpp)
}

struct BatchNorm2dSetup : KernelSetup {
  Shape shape;  // [N, C, H, W] (or [N, C])
  DType dtype = DType::F32;
  double momentum = 0.99;
  double eps = 1e-3;
  std::shared_ptr<cuda::BatchNorm2dState> cuda;  // null on the CPU
};

namespace cpu {
void batchnorm2d_setup_init(Context& ctx, BatchNorm2dSetup& s);
void batchnorm2d_forward_train(Context& ctx, const BatchNorm2dSetup& s, const Tensor& x, const Tensor& gamma,
                               const Tensor& beta, Tensor& running_mean, Tensor& running_var, Tensor& save_mean,
                               Tensor& save_invstd, Tensor& y);
void batchnorm2d_forward_eval(Context& ctx, const BatchNorm2dSetup& s, const Tensor& x, const Tensor& gamma,
                              const Tensor& beta, const Tensor& running_mean, const Tensor& running_var, Tensor& y);
void batchnorm2d_backward(Context& ctx, const BatchNorm2dSetup& s, const Tensor& x, const Tensor& dy,
                          const Tensor& gamma, const Tensor& save_mean, const Tensor& save_invstd, Tensor& dx,
                          Tensor& dgamma, Tensor& dbeta);
}  // namespace cpu
namespace cpu_fast {
using cpu::batchnorm2d_setup_init;
void batchnorm2d_forward_train(Context& ctx, const BatchNorm2dSetup& s, const Tensor& x, const Tensor& gamma,
                               const Tensor& beta, Tensor& running_mean, Tensor& running_var, Tensor& save_mean,
                               Tensor& save_invstd, Tensor& y);
void batchnorm2d_forward_eval(Context& ctx, const BatchNorm2dSetup& s, const Tensor& x, const Tensor& gamma,
                              const Tensor& beta, const Tensor& running_mean, const Tensor& running_var, Tensor& y);
void batchnorm2d_backward(Context& ctx, const BatchNorm2dSetup& s, const Tensor& x, const Tensor& dy,
                          const Tensor& gamma, const Tensor& save_mean, const Tensor& save_invstd, Tensor& dx,
                          Tensor& dgamma, Tensor& dbeta);
}  // namespace cpu_fast
namespace cuda {
void batchnorm2d_setup_init(Context& ctx, BatchNorm2dSetup& s);
void batchnorm2d_forward_train(Context& ctx, const BatchNorm2dSetup& s, const Tensor& x, const Tensor& gamma,
                               const Tensor& beta, Tensor& running_mean, Tensor& running_var, Tensor& save_mean,
                               Tensor& save_invstd, Tensor& y);
void batchnorm2d_forward_eval(Context& ctx, const BatchNorm2dSetup& s, const Tensor& x, const Tensor& gamma,
                              const Tensor& beta, const Tensor& running_mean, const Tensor& running_var, Tensor& y);
void batchnorm2d_backward(Context& ctx, const BatchNorm2dSetup& s, const Tensor& x, const Tensor& dy,
                          const Tensor& gamma, const Tensor& save_mean, const Tensor& save_invstd, Tensor& dx,
                          Tensor& dgamma, Tensor& dbeta);
}  // namespace cuda

// x, y, dx, dy are the setup's shape; every per-channel tensor is [C]; one dtype.
inline void check_batchnorm2d_operands(const char* op, const BatchNorm2dSetup& s,
                                       std::initializer_list<const Tensor*> full,
                                       std::initializer_list<const Tensor*> per_channel) {
  for (const Tensor* t : full) expect_operand(op, *t, s.shape, s.dtype);
  for (const Tensor* t : per_channel) expect_operand(op, *t, Shape{s.shape[1]}, s.dtype);
}

// The options are checked here for both backends: cuDNN 9's CUDNN_BN_MIN_EPSILON is 0,
// so cuDNN alone would accept eps = 0 and divide by zero on a constant channel.
inline void batchnorm2d_setup_init(Context& ctx, BatchNorm2dSetup& s) {
  ADMA_CHECK(s.shape.rank() == 2 || s.shape.rank() == 4, "batchnorm2d: input must be [N, C] or [N, C, H, W], got ",
             s.shape.str());
  ADMA_CHECK(s.eps > 0, "batchnorm2d: epsilon must be positive, got ", s.eps);
  ADMA_CHECK(s.momentum >= 0 && s.momentum <= 1, "batchnorm2d: momentum must be in [0, 1], got ", s.momentum);
  ADMA_DISPATCH(ctx, batchnorm2d_setup_init, ctx, s);
}
inline BatchNorm2dSetup batchnorm2d_setup(Context& ctx, const Shape& shape, DType dtype, double momentum, double eps) {
  BatchNorm2dSetup s;
  s.shape = shape;
  s.dtype = dtype;
  s.momentum = momentum;
  s.eps = eps;
  batchnorm2d_setup_init(ctx, s);
  return s;
}
inline void batchnorm2d_forward_train(Context& ctx, const BatchNorm2dSetup& s, const Tensor& x, const Tensor& gamma,
                                      const Tensor& beta, Tensor& rm, Tensor& rv, Tensor& sm, Tensor& si, Tensor& y) {
  check_batchnorm2d_operands("batchnorm2d_forward_train", s, {&x, &y}, {&gamma, &beta, &rm, &rv, &sm, &si});
  // Training normalises by batch statistics: a channel needs more than one value
  // (M = N H W > 1), or its variance is 0 and the unbiased running variance divides by 0.
  ADMA_CHECK(s.shape.numel() / s.shape[1] > 1, "batchnorm2d: training needs more than one value per channel, got ",
             s.shape.str());
  ADMA_DISPATCH(ctx, batchnorm2d_forward_train, ctx, s, x, gamma, beta, rm, rv, sm, si, y);
}
inline void batchnorm2d_forward_eval(Context& ctx, const BatchNorm2dSetup& s, const Tensor& x, const Tensor& gamma,
                                     const Tensor& beta, const Tensor& rm, const Tensor& rv, Tensor& y) {
  check_batchnorm2d_operands("batchnorm2d_forward_eval", s, {&x, &y}, {&gamma, &beta, &rm, &rv});
  ADMA_DISPATCH(ctx, batchnorm2d_forward_eval, ctx, s, x, gamma, beta, rm, rv, y);
}
inline void batchnorm2d_backward(Context& ctx, const BatchNorm2dSetup& s, const Tensor& x, const Tensor& dy,
                                 const Tensor& gamma, const Tensor& sm, const Tensor& si, Tensor& dx, Tensor& dgamma,
                                 Tensor& dbeta) {
  check_batchnorm2d_operands("batchnorm2d_backward", s, {&x, &dy, &dx}, {&gamma, &sm, &si, &dgamma, &dbeta});
  ADMA_DISPATCH(ctx, batchnorm2d_backward, ctx, s, x, dy, gamma, sm, si, dx, dgamma, dbeta);
}

}  // namespace adma::kernels
