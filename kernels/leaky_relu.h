// Leaky ReLU (Maas et al. 2013) with slope alpha >= 0 on the negative side:
//   y = x        for x > 0
//   y = alpha x  for x <= 0
//   dy/dx = 1 for x > 0, else alpha   (alpha at x = 0, as PyTorch takes it)
// so backward is dx += dy * (x > 0 ? 1 : alpha).
// CPU: plain loop (the fast backend runs them too). CUDA: an own
// grid-stride kernel (kernels/cuda/leaky_relu.cu): cuDNN has no leaky ReLU.
#pragma once
#include <cmath>

#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

struct LeakyReluSetup : KernelSetup {
  Shape shape;
  DType dtype = DType::F32;
  double alpha = 0.3;
};

namespace cpu {
void leaky_relu_setup_init(Context& ctx, LeakyReluSetup& s);
void leaky_relu_forward(Context& ctx, const LeakyReluSetup& s, const Tensor& x, Tensor& y);
void leaky_relu_backward(Context& ctx, const LeakyReluSetup& s, const Tensor& x, const Tensor& dy, Tensor& dx);
}  // namespace cpu
// The fast CPU backend has no version of its own: the reference serves.
namespace cpu_fast {
using cpu::leaky_relu_setup_init;
using cpu::leaky_relu_forward;
using cpu::leaky_relu_backward;
}  // namespace cpu_fast
namespace cuda {
void leaky_relu_setup_init(Context& ctx, LeakyReluSetup& s);
void leaky_relu_forward(Context& ctx, const LeakyReluSetup& s, const Tensor& x, Tensor& y);
void leaky_relu_backward(Context& ctx, const LeakyReluSetup& s, const Tensor& x, const Tensor& dy, Tensor& dx);
}  // namespace cuda

inline void leaky_relu_setup_init(Context& ctx, LeakyReluSetup& s) {
  ADMA_CHECK(std::isfinite(s.alpha) && s.alpha >= 0, "leaky_relu: slope alpha must be finite and >= 0, got ", s.alpha);
  ADMA_DISPATCH(ctx, leaky_relu_setup_init, ctx, s);
}
inline LeakyReluSetup leaky_relu_setup(Context& ctx, const Shape& shape, DType dtype, double alpha) {
  LeakyReluSetup s;
  s.shape = shape;
  s.dtype = dtype;
  s.alpha = alpha;
  leaky_relu_setup_init(ctx, s);
  return s;
}
inline void leaky_relu_forward(Context& ctx, const LeakyReluSetup& s, const Tensor& x, Tensor& y) {
  expect_operand("leaky_relu_forward x", x, s.shape, s.dtype);
  expect_operand("leaky_relu_forward y", y, s.shape, s.dtype);
  ADMA_DISPATCH(ctx, leaky_relu_forward, ctx, s, x, y);
}
// dx += dy * (x > 0 ? 1 : alpha)
inline void leaky_relu_backward(Context& ctx, const LeakyReluSetup& s, const Tensor& x, const Tensor& dy, Tensor& dx) {
  for (const Tensor* t : std::initializer_list<const Tensor*>{&x, &dy, &dx})
    expect_operand("leaky_relu_backward", *t, s.shape, s.dtype);
  ADMA_DISPATCH(ctx, leaky_relu_backward, ctx, s, x, dy, dx);
}

}  // namespace adma::kernels
