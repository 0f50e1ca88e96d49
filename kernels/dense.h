// Dense (fully connected), PyTorch layout: x [N, I], w [O, I], b [O]:
//   y = x w^T + b
//   dx += dy w,   dw += dy^T x,   db += sum_n dy[n, :]
// CPU (reference and fast alike): OpenBLAS sgemm/dgemm. CUDA: cuBLAS sgemm (row-major via the transpose
// identity C^T = B^T A^T) and a small bias kernel.
#pragma once
#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

namespace cpu {
void dense_forward(Context& ctx, const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y);
void dense_backward_data(Context& ctx, const Tensor& w, const Tensor& dy, Tensor& dx);
void dense_backward_params(Context& ctx, const Tensor& x, const Tensor& dy, Tensor& dw, Tensor& db);
}  // namespace cpu
namespace cpu_fast {  // the reference serves (OpenBLAS GEMM)
using cpu::dense_forward;
using cpu::dense_backward_data;
using cpu::dense_backward_params;
}  // namespace cpu_fast
namespace cuda {
void dense_forward(Context& ctx, const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y);
void dense_backward_data(Context& ctx, const Tensor& w, const Tensor& dy, Tensor& dx);
void dense_backward_params(Context& ctx, const Tensor& x, const Tensor& dy, Tensor& dw, Tensor& db);
}  // namespace cuda

// x/dx [N, I], w/dw [O, I], y/dy [N, O], b/db [O] (optional), one dtype.
inline void check_dense_operands(const char* op, const Tensor& x, const Tensor& w, const Tensor& y, const Tensor& b) {
  ADMA_CHECK(x.shape().rank() == 2 && w.shape().rank() == 2 && y.shape().rank() == 2 && w.dim(1) == x.dim(1) &&
                 y.dim(0) == x.dim(0) && y.dim(1) == w.dim(0) && x.dtype() == w.dtype() && y.dtype() == w.dtype(),
             op, ": x ", x.shape().str(), " w ", w.shape().str(), " y ", y.shape().str());
  if (b.defined()) expect_operand(op, b, Shape{w.dim(0)}, w.dtype());
}

inline void dense_forward(Context& ctx, const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y) {
  check_dense_operands("dense_forward", x, w, y, b);
  ADMA_DISPATCH(ctx, dense_forward, ctx, x, w, b, y);
}
inline void dense_backward_data(Context& ctx, const Tensor& w, const Tensor& dy, Tensor& dx) {
  check_dense_operands("dense_backward_data", dx, w, dy, Tensor());
  ADMA_DISPATCH(ctx, dense_backward_data, ctx, w, dy, dx);
}
// dw or db may be undefined (no bias, or a frozen parameter: core/graph/param_rules.h).
inline void dense_backward_params(Context& ctx, const Tensor& x, const Tensor& dy, Tensor& dw, Tensor& db) {
  if (dw.defined()) {
    check_dense_operands("dense_backward_params", x, dw, dy, db);
  } else {
    ADMA_CHECK(x.shape().rank() == 2 && dy.shape().rank() == 2 && x.dim(0) == dy.dim(0) && x.dtype() == dy.dtype(),
               "dense_backward_params: x ", x.shape().str(), " dy ", dy.shape().str());
    if (db.defined()) expect_operand("dense_backward_params", db, Shape{dy.dim(1)}, dy.dtype());
  }
  ADMA_DISPATCH(ctx, dense_backward_params, ctx, x, dy, dw, db);
}

}  // namespace adma::kernels
