// Dense (fully connected), PyTorch layout: x [N, I], w [O, I], b [O]:
//   y = x w^T + b
//   dx += dy w,   dw += dy^T x,   db += sum_n dy[n, :]
// CPU: OpenBLAS sgemm/dgemm. CUDA: cuBLAS sgemm (row-major via the transpose
// identity C^T = B^T A^T) and a small bias kernel.
#pragma once
#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

ADMA_DECLARE_BOTH(void dense_forward(Context& ctx, const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y))
ADMA_DECLARE_BOTH(void dense_backward_data(Context& ctx, const Tensor& w, const Tensor& dy, Tensor& dx))
ADMA_DECLARE_BOTH(void dense_backward_params(Context& ctx, const Tensor& x, const Tensor& dy, Tensor& dw,
                                             Tensor& db))

inline void dense_forward(Context& ctx, const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y) {
  ADMA_DISPATCH(ctx, dense_forward, ctx, x, w, b, y);
}
inline void dense_backward_data(Context& ctx, const Tensor& w, const Tensor& dy, Tensor& dx) {
  ADMA_DISPATCH(ctx, dense_backward_data, ctx, w, dy, dx);
}
// db may be undefined (no bias).
inline void dense_backward_params(Context& ctx, const Tensor& x, const Tensor& dy, Tensor& dw, Tensor& db) {
  ADMA_DISPATCH(ctx, dense_backward_params, ctx, x, dy, dw, db);
}

}  // namespace adma::kernels
