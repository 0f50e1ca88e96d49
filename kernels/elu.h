// ELU (Clevert et al. 2015):
//   y = x                    for x > 0
//   y = alpha (exp(x) - 1)   for x <= 0
//   dy/dx = 1 for x > 0, else alpha exp(x) = y + alpha
// CPU reference: plain loop. Fast CPU: a vector expm1 (AVX-512 or AVX2, chosen at run
// time) over threads; backward from y alone. CUDA: cudnnActivationForward/Backward
// with CUDNN_ACTIVATION_ELU.
//
// This header is the model of a kernel family (docs/engine.md): the math, the setup
// made once, the three backends declared by hand, and the public functions that check
// the operands once and dispatch.
#pragma once
#include <memory>

#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

namespace cuda {
struct EluState;  // cuDNN descriptors (kernels/cuda/cudnn_elu.cpp)
}

struct EluSetup : KernelSetup {
  Shape shape;
  DType dtype = DType::F32;
  double alpha = 1.0;
  std::shared_ptr<cuda::EluState> cuda;  // null on the CPU
};

namespace cpu {
void elu_setup_init(Context& ctx, EluSetup& s);
void elu_forward(Context& ctx, const EluSetup& s, const Tensor& x, Tensor& y);
void elu_backward(Context& ctx, const EluSetup& s, const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx);
}  // namespace cpu
namespace cpu_fast {
using cpu::elu_setup_init;
void elu_forward(Context& ctx, const EluSetup& s, const Tensor& x, Tensor& y);
void elu_backward(Context& ctx, const EluSetup& s, const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx);
}  // namespace cpu_fast
namespace cuda {
void elu_setup_init(Context& ctx, EluSetup& s);
void elu_forward(Context& ctx, const EluSetup& s, const Tensor& x, Tensor& y);
void elu_backward(Context& ctx, const EluSetup& s, const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx);
}  // namespace cuda

inline void elu_setup_init(Context& ctx, EluSetup& s) { ADMA_DISPATCH(ctx, elu_setup_init, ctx, s); }
inline EluSetup elu_setup(Context& ctx, const Shape& shape, DType dtype, double alpha) {
  EluSetup s;
  s.shape = shape;
  s.dtype = dtype;
  s.alpha = alpha;
  elu_setup_init(ctx, s);
  return s;
}
inline void elu_forward(Context& ctx, const EluSetup& s, const Tensor& x, Tensor& y) {
  expect_operand("elu_forward x", x, s.shape, s.dtype);
  expect_operand("elu_forward y", y, s.shape, s.dtype);
  ADMA_DISPATCH(ctx, elu_forward, ctx, s, x, y);
}
// dx += dy * ELU'(x)
inline void elu_backward(Context& ctx, const EluSetup& s, const Tensor& x, const Tensor& y, const Tensor& dy,
                         Tensor& dx) {
  for (const Tensor* t : std::initializer_list<const Tensor*>{&x, &y, &dy, &dx})
    expect_operand("elu_backward", *t, s.shape, s.dtype);
  ADMA_DISPATCH(ctx, elu_backward, ctx, s, x, y, dy, dx);
}

}  // namespace adma::kernels
