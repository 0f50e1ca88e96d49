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
#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

struct BatchNormPlan : KernelPlan {
  Shape shape;  // [N, C, H, W] (or [N, C])
  DType dtype = DType::F32;
  double momentum = 0.99;
  double eps = 1e-3;
};

ADMA_DECLARE_BOTH(void batchnorm_plan_init(Context& ctx, BatchNormPlan& plan))
ADMA_DECLARE_BOTH(void batchnorm_forward_train(Context& ctx, const BatchNormPlan& plan, const Tensor& x,
                                               const Tensor& gamma, const Tensor& beta, Tensor& running_mean,
                                               Tensor& running_var, Tensor& save_mean, Tensor& save_invstd,
                                               Tensor& y))
ADMA_DECLARE_BOTH(void batchnorm_forward_eval(Context& ctx, const BatchNormPlan& plan, const Tensor& x,
                                              const Tensor& gamma, const Tensor& beta, const Tensor& running_mean,
                                              const Tensor& running_var, Tensor& y))
ADMA_DECLARE_BOTH(void batchnorm_backward(Context& ctx, const BatchNormPlan& plan, const Tensor& x,
                                          const Tensor& dy, const Tensor& gamma, const Tensor& save_mean,
                                          const Tensor& save_invstd, Tensor& dx, Tensor& dgamma, Tensor& dbeta))

// Operand checks, the same for both backends (cuDNN 9's CUDNN_BN_MIN_EPSILON is 0,
// so cuDNN alone would accept eps = 0 and divide by zero on a constant channel).
inline void check_batchnorm_options(const Shape& shape, double momentum, double eps) {
  ADMA_CHECK(shape.rank() == 2 || shape.rank() == 4, "batchnorm: input must be [N, C] or [N, C, H, W], got ",
             shape.str());
  ADMA_CHECK(eps > 0, "batchnorm: epsilon must be positive, got ", eps);
  ADMA_CHECK(momentum >= 0 && momentum <= 1, "batchnorm: momentum must be in [0, 1], got ", momentum);
}
// Training normalises by batch statistics: a channel needs more than one value
// (M = N H W > 1), or its variance is 0 and the unbiased running variance divides by 0.
inline void check_batchnorm_training(const Shape& shape) {
  ADMA_CHECK(shape.rank() >= 2 && shape[0] * shape.numel_from(2) > 1,
             "batchnorm: training needs more than one value per channel, got ", shape.str());
}

inline void batchnorm_plan_init(Context& ctx, BatchNormPlan& p) {
  check_batchnorm_options(p.shape, p.momentum, p.eps);
  ADMA_DISPATCH(ctx, batchnorm_plan_init, ctx, p);
}
inline BatchNormPlan batchnorm_plan(Context& ctx, const Shape& shape, DType dtype, double momentum, double eps) {
  BatchNormPlan p;
  p.shape = shape;
  p.dtype = dtype;
  p.momentum = momentum;
  p.eps = eps;
  batchnorm_plan_init(ctx, p);
  return p;
}
inline void batchnorm_forward_train(Context& ctx, const BatchNormPlan& p, const Tensor& x, const Tensor& gamma,
                                    const Tensor& beta, Tensor& rm, Tensor& rv, Tensor& sm, Tensor& si, Tensor& y) {
  check_batchnorm_training(p.shape);
  ADMA_DISPATCH(ctx, batchnorm_forward_train, ctx, p, x, gamma, beta, rm, rv, sm, si, y);
}
inline void batchnorm_forward_eval(Context& ctx, const BatchNormPlan& p, const Tensor& x, const Tensor& gamma,
                                   const Tensor& beta, const Tensor& rm, const Tensor& rv, Tensor& y) {
  ADMA_DISPATCH(ctx, batchnorm_forward_eval, ctx, p, x, gamma, beta, rm, rv, y);
}
inline void batchnorm_backward(Context& ctx, const BatchNormPlan& p, const Tensor& x, const Tensor& dy,
                               const Tensor& gamma, const Tensor& sm, const Tensor& si, Tensor& dx, Tensor& dgamma,
                               Tensor& dbeta) {
  ADMA_DISPATCH(ctx, batchnorm_backward, ctx, p, x, dy, gamma, sm, si, dx, dgamma, dbeta);
}

}  // namespace adma::kernels
