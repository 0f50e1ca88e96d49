// 2-D convolution (cross-correlation, as in every framework), NCHW, weights [K, C, R, S]:
//   y[n,k,p,q] = b[k] + sum_{c,r,s} w[k,c,r,s] x[n,c, p*sh + r - ph, q*sw + s - pw]
// Backward: dx = conv_transpose(dy, w); dw[k,c,r,s] = sum_{n,p,q} dy[n,k,p,q] x[n,c,...];
//           db[k] = sum_{n,p,q} dy[n,k,p,q]. All three accumulate (+=).
// CPU: im2col + OpenBLAS GEMM, one image at a time (workspace = one column matrix).
// CUDA: cuDNN forward / backward-data / backward-filter; algorithms found once in
// conv2d_plan (cudnnFind*), their largest workspace reported in the plan.
#pragma once
#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

struct Conv2dGeometry {
  int64_t n = 0, c = 0, h = 0, w = 0;  // input
  int64_t k = 0, r = 0, s = 0;         // filters
  int64_t pad_h = 0, pad_w = 0, stride_h = 1, stride_w = 1;
  int64_t out_h() const { return (h + 2 * pad_h - r) / stride_h + 1; }
  int64_t out_w() const { return (w + 2 * pad_w - s) / stride_w + 1; }
};

namespace cpu {
struct DnnlConv2dState;  // kernels/cpu/dnnl_conv2d.cpp
}

struct Conv2dPlan : KernelPlan {
  Conv2dGeometry g;
  DType dtype = DType::F32;
  std::shared_ptr<cpu::DnnlConv2dState> dnnl;  // CPU fast path: oneDNN primitives (float32); null without
};

ADMA_DECLARE_BOTH(void conv2d_plan_init(Context& ctx, Conv2dPlan& plan))
ADMA_DECLARE_BOTH(void conv2d_forward(Context& ctx, const Conv2dPlan& plan, const Tensor& x, const Tensor& w,
                                      const Tensor& b, Tensor& y, Tensor& workspace))
ADMA_DECLARE_BOTH(void conv2d_backward_data(Context& ctx, const Conv2dPlan& plan, const Tensor& w,
                                            const Tensor& dy, Tensor& dx, Tensor& workspace))
ADMA_DECLARE_BOTH(void conv2d_backward_filter(Context& ctx, const Conv2dPlan& plan, const Tensor& x,
                                              const Tensor& dy, Tensor& dw, Tensor& workspace))
ADMA_DECLARE_BOTH(void conv2d_backward_bias(Context& ctx, const Conv2dPlan& plan, const Tensor& dy, Tensor& db))

inline void conv2d_plan_init(Context& ctx, Conv2dPlan& p) { ADMA_DISPATCH(ctx, conv2d_plan_init, ctx, p); }
inline Conv2dPlan conv2d_plan(Context& ctx, const Conv2dGeometry& g, DType dtype) {
  Conv2dPlan p;
  p.g = g;
  p.dtype = dtype;
  conv2d_plan_init(ctx, p);
  return p;
}
// y = conv(x, w) + b (b may be undefined: no bias).
inline void conv2d_forward(Context& ctx, const Conv2dPlan& p, const Tensor& x, const Tensor& w, const Tensor& b,
                           Tensor& y, Tensor& ws) {
  ADMA_DISPATCH(ctx, conv2d_forward, ctx, p, x, w, b, y, ws);
}
inline void conv2d_backward_data(Context& ctx, const Conv2dPlan& p, const Tensor& w, const Tensor& dy, Tensor& dx,
                                 Tensor& ws) {
  ADMA_DISPATCH(ctx, conv2d_backward_data, ctx, p, w, dy, dx, ws);
}
inline void conv2d_backward_filter(Context& ctx, const Conv2dPlan& p, const Tensor& x, const Tensor& dy, Tensor& dw,
                                   Tensor& ws) {
  ADMA_DISPATCH(ctx, conv2d_backward_filter, ctx, p, x, dy, dw, ws);
}
inline void conv2d_backward_bias(Context& ctx, const Conv2dPlan& p, const Tensor& dy, Tensor& db) {
  ADMA_DISPATCH(ctx, conv2d_backward_bias, ctx, p, dy, db);
}

}  // namespace adma::kernels
