// Max pooling, NCHW, no padding, floor mode (Keras 'valid': 28 -> 14 -> 7 -> 3):
//   y[n,c,p,q] = max_{i<kh, j<kw} x[n,c, p*sh + i, q*sw + j]
//   backward: dx at the (first, row-major) arg-max of each window += dy
// CPU: plain loops. CUDA: cuDNN CUDNN_POOLING_MAX_DETERMINISTIC.
#pragma once
#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

struct MaxPoolPlan : KernelPlan {
  Shape in;  // [N, C, H, W]
  DType dtype = DType::F32;
  int64_t kh = 2, kw = 2, sh = 2, sw = 2;
  int64_t out_h() const { return (in[2] - kh) / sh + 1; }
  int64_t out_w() const { return (in[3] - kw) / sw + 1; }
};

ADMA_DECLARE_BOTH(void maxpool_plan_init(Context& ctx, MaxPoolPlan& plan))
ADMA_DECLARE_BOTH(void maxpool_forward(Context& ctx, const MaxPoolPlan& plan, const Tensor& x, Tensor& y))
ADMA_DECLARE_BOTH(void maxpool_backward(Context& ctx, const MaxPoolPlan& plan, const Tensor& x, const Tensor& y,
                                        const Tensor& dy, Tensor& dx))

inline void maxpool_plan_init(Context& ctx, MaxPoolPlan& p) { ADMA_DISPATCH(ctx, maxpool_plan_init, ctx, p); }
inline MaxPoolPlan maxpool_plan(Context& ctx, const Shape& in, DType dtype, int64_t kh, int64_t kw, int64_t sh,
                                int64_t sw) {
  MaxPoolPlan p;
  p.in = in;
  p.dtype = dtype;
  p.kh = kh;
  p.kw = kw;
  p.sh = sh;
  p.sw = sw;
  maxpool_plan_init(ctx, p);
  return p;
}
inline void maxpool_forward(Context& ctx, const MaxPoolPlan& p, const Tensor& x, Tensor& y) {
  ADMA_DISPATCH(ctx, maxpool_forward, ctx, p, x, y);
}
inline void maxpool_backward(Context& ctx, const MaxPoolPlan& p, const Tensor& x, const Tensor& y, const Tensor& dy,
                             Tensor& dx) {
  ADMA_DISPATCH(ctx, maxpool_backward, ctx, p, x, y, dy, dx);
}

}  // namespace adma::kernels
