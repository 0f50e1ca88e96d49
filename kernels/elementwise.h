// Elementwise helpers every layer needs: fill, copy, y = a + b, y += alpha * x.
#pragma once
#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

namespace cpu {
void fill(Context& ctx, Tensor& y, double value);
void copy(Context& ctx, const Tensor& x, Tensor& y);
void add(Context& ctx, const Tensor& a, const Tensor& b, Tensor& y);
void axpy(Context& ctx, double alpha, const Tensor& x, Tensor& y);
}  // namespace cpu
namespace cpu_fast {
void fill(Context& ctx, Tensor& y, double value);
using cpu::copy;  // memcpy: the reference serves
using cpu::add;   // the reference serves
void axpy(Context& ctx, double alpha, const Tensor& x, Tensor& y);
}  // namespace cpu_fast
namespace cuda {
void fill(Context& ctx, Tensor& y, double value);
void copy(Context& ctx, const Tensor& x, Tensor& y);
void add(Context& ctx, const Tensor& a, const Tensor& b, Tensor& y);
void axpy(Context& ctx, double alpha, const Tensor& x, Tensor& y);
}  // namespace cuda

// y[i] = value for every element (stream-ordered on CUDA).
inline void fill(Context& ctx, Tensor& y, double value) { ADMA_DISPATCH(ctx, fill, ctx, y, value); }
// y = x (stream-ordered on CUDA).
inline void copy(Context& ctx, const Tensor& x, Tensor& y) {
  expect_same("copy", x, y);
  ADMA_DISPATCH(ctx, copy, ctx, x, y);
}
// y = a + b, all three the same shape.
inline void add(Context& ctx, const Tensor& a, const Tensor& b, Tensor& y) {
  expect_same("add", a, b);
  expect_same("add", a, y);
  ADMA_DISPATCH(ctx, add, ctx, a, b, y);
}
// y += alpha * x: how every backward accumulates into an existing gradient.
inline void axpy(Context& ctx, double alpha, const Tensor& x, Tensor& y) {
  expect_same("axpy", x, y);
  ADMA_DISPATCH(ctx, axpy, ctx, alpha, x, y);
}

}  // namespace adma::kernels
