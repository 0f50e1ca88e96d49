// Softmax over dimension 1 (the class / channel axis) at every other position:
//   y_k = exp(x_k - max_j x_j) / sum_j exp(x_j - max_j x_j)
//   dx_k += y_k (dy_k - sum_j dy_j y_j)
// CPU: plain loops. CUDA: cudnnSoftmaxForward/Backward (ACCURATE, MODE_CHANNEL).
// Training uses the fused losses in losses/ on logits instead; this layer is for
// inference outputs and for users who want probabilities inside a graph.
#pragma once
#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

struct SoftmaxPlan : KernelPlan {
  Shape shape;
  DType dtype = DType::F32;
};

ADMA_DECLARE_BOTH(void softmax_plan_init(Context& ctx, SoftmaxPlan& plan))
ADMA_DECLARE_BOTH(void softmax_forward(Context& ctx, const SoftmaxPlan& plan, const Tensor& x, Tensor& y))
ADMA_DECLARE_BOTH(void softmax_backward(Context& ctx, const SoftmaxPlan& plan, const Tensor& y, const Tensor& dy,
                                        Tensor& dx))

inline void softmax_plan_init(Context& ctx, SoftmaxPlan& p) { ADMA_DISPATCH(ctx, softmax_plan_init, ctx, p); }
inline SoftmaxPlan softmax_plan(Context& ctx, const Shape& shape, DType dtype) {
  SoftmaxPlan p;
  p.shape = shape;
  p.dtype = dtype;
  softmax_plan_init(ctx, p);
  return p;
}
inline void softmax_forward(Context& ctx, const SoftmaxPlan& p, const Tensor& x, Tensor& y) {
  ADMA_DISPATCH(ctx, softmax_forward, ctx, p, x, y);
}
inline void softmax_backward(Context& ctx, const SoftmaxPlan& p, const Tensor& y, const Tensor& dy, Tensor& dx) {
  ADMA_DISPATCH(ctx, softmax_backward, ctx, p, y, dy, dx);
}

}  // namespace adma::kernels
