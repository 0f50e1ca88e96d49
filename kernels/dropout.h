// Inverted dropout with rate p (Srivastava et al. 2014; Keras/PyTorch scaling):
//   keep_i ~ Bernoulli(1 - p),  y_i = x_i keep_i / (1 - p),  dx_i += dy_i keep_i / (1 - p)
// The mask lives in the node's reserve memory from forward to backward.
// CPU: Philox stream (seed, counter), mask stored as the scale factor per element.
// CUDA: cudnnDropoutForward/Backward; RNG states allocated once in the plan.
// Both sides restart their stream on dropout_reseed, so a gradient check can
// replay the same mask; the two backends draw different masks.
#pragma once
#include <cstdint>

#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

struct DropoutPlan : KernelPlan {
  Shape shape;
  DType dtype = DType::F32;
  double rate = 0.0;
  uint64_t seed = 0;
  uint64_t counter = 0;  // CPU: next Philox block
};

ADMA_DECLARE_BOTH(void dropout_plan_init(Context& ctx, DropoutPlan& plan))
ADMA_DECLARE_BOTH(void dropout_reseed(Context& ctx, DropoutPlan& plan, uint64_t seed))
ADMA_DECLARE_BOTH(void dropout_forward(Context& ctx, DropoutPlan& plan, const Tensor& x, Tensor& y,
                                       Tensor& reserve))
ADMA_DECLARE_BOTH(void dropout_backward(Context& ctx, const DropoutPlan& plan, const Tensor& dy, Tensor& dx,
                                        const Tensor& reserve, Tensor& workspace))

inline void dropout_plan_init(Context& ctx, DropoutPlan& p) { ADMA_DISPATCH(ctx, dropout_plan_init, ctx, p); }
inline DropoutPlan dropout_plan(Context& ctx, const Shape& shape, DType dtype, double rate, uint64_t seed) {
  ADMA_CHECK(rate >= 0.0 && rate < 1.0, "dropout rate must be in [0, 1), got ", rate);
  DropoutPlan p;
  p.shape = shape;
  p.dtype = dtype;
  p.rate = rate;
  p.seed = seed;
  dropout_plan_init(ctx, p);
  return p;
}
inline void dropout_reseed(Context& ctx, DropoutPlan& p, uint64_t seed) { ADMA_DISPATCH(ctx, dropout_reseed, ctx, p, seed); }
inline void dropout_forward(Context& ctx, DropoutPlan& p, const Tensor& x, Tensor& y, Tensor& reserve) {
  ADMA_DISPATCH(ctx, dropout_forward, ctx, p, x, y, reserve);
}
inline void dropout_backward(Context& ctx, const DropoutPlan& p, const Tensor& dy, Tensor& dx, const Tensor& reserve,
                             Tensor& ws) {
  ADMA_DISPATCH(ctx, dropout_backward, ctx, p, dy, dx, reserve, ws);
}

}  // namespace adma::kernels
