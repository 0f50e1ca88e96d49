// ELU (Clevert et al. 2015):
//   y = x                    for x > 0
//   y = alpha (exp(x) - 1)   for x <= 0
//   dy/dx = 1 for x > 0, else alpha exp(x) = y + alpha
// CPU: plain loop. CUDA: cudnnActivationForward/Backward with CUDNN_ACTIVATION_ELU.
#pragma once
#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

struct EluPlan : KernelPlan {
  Shape shape;
  DType dtype = DType::F32;
  double alpha = 1.0;
};

ADMA_DECLARE_BOTH(void elu_plan_init(Context& ctx, EluPlan& plan))
ADMA_DECLARE_BOTH(void elu_forward(Context& ctx, const EluPlan& plan, const Tensor& x, Tensor& y))
ADMA_DECLARE_BOTH(void elu_backward(Context& ctx, const EluPlan& plan, const Tensor& x, const Tensor& y,
                                    const Tensor& dy, Tensor& dx))

inline void elu_plan_init(Context& ctx, EluPlan& p) { ADMA_DISPATCH(ctx, elu_plan_init, ctx, p); }
inline EluPlan elu_plan(Context& ctx, const Shape& shape, DType dtype, double alpha) {
  EluPlan p;
  p.shape = shape;
  p.dtype = dtype;
  p.alpha = alpha;
  elu_plan_init(ctx, p);
  return p;
}
inline void elu_forward(Context& ctx, const EluPlan& p, const Tensor& x, Tensor& y) {
  ADMA_DISPATCH(ctx, elu_forward, ctx, p, x, y);
}
// dx += dy * ELU'(x)
inline void elu_backward(Context& ctx, const EluPlan& p, const Tensor& x, const Tensor& y, const Tensor& dy,
                         Tensor& dx) {
  ADMA_DISPATCH(ctx, elu_backward, ctx, p, x, y, dy, dx);
}

}  // namespace adma::kernels
