// Elementwise helpers every layer needs: fill, copy, y = a + b, y += alpha * x.
#pragma once
#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

ADMA_DECLARE_BOTH(void fill(Context& ctx, Tensor& y, double value))
ADMA_DECLARE_BOTH(void copy(Context& ctx, const Tensor& x, Tensor& y))
ADMA_DECLARE_BOTH(void add(Context& ctx, const Tensor& a, const Tensor& b, Tensor& y))
ADMA_DECLARE_BOTH(void axpy(Context& ctx, double alpha, const Tensor& x, Tensor& y))

// y[i] = value for every element (stream-ordered on CUDA).
inline void fill(Context& ctx, Tensor& y, double value) { ADMA_DISPATCH(ctx, fill, ctx, y, value); }
// y = x (stream-ordered on CUDA).
inline void copy(Context& ctx, const Tensor& x, Tensor& y) { ADMA_DISPATCH(ctx, copy, ctx, x, y); }
// y = a + b, all three the same shape.
inline void add(Context& ctx, const Tensor& a, const Tensor& b, Tensor& y) { ADMA_DISPATCH(ctx, add, ctx, a, b, y); }
// y += alpha * x: how every backward accumulates into an existing gradient.
inline void axpy(Context& ctx, double alpha, const Tensor& x, Tensor& y) { ADMA_DISPATCH(ctx, axpy, ctx, alpha, x, y); }

}  // namespace adma::kernels
