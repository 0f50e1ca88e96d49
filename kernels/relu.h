// ReLU (Nair & Hinton 2010):
//   y = max(x, 0)
//   dy/dx = 1 for x > 0, else 0 (the subgradient 0 at x = 0, as PyTorch and Keras take it)
// so backward is dx += dy * 1[x > 0].
// CPU: plain loop (the fast backend runs it too: cpu_fast has no version of its own).
// CUDA: cudnnActivationForward/Backward with CUDNN_ACTIVATION_RELU.
#pragma once
#include <memory>

#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

namespace cuda {
struct ReluState;  // cuDNN descriptors (kernels/cuda/cudnn_relu.cpp)
}

struct ReluSetup : KernelSetup {
  Shape shape;
  DType dtype = DType::F32;
  std::shared_ptr<cuda::ReluState> cuda;  // null on the CPU
};

namespace cpu {
void relu_setup_init(Context& ctx, ReluSetup& s);
void relu_forward(Context& ctx, const ReluSetup& s, const Tensor& x, Tensor& y);
void relu_backward(Context& ctx, const ReluSetup& s, const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx);
}  // namespace cpu
// The fast CPU backend has no version of its own: the reference serves.
namespace cpu_fast {
using cpu::relu_setup_init;
using cpu::relu_forward;
using cpu::relu_backward;
}  // namespace cpu_fast
namespace cuda {
void relu_setup_init(Context& ctx, ReluSetup& s);
void relu_forward(Context& ctx, const ReluSetup& s, const Tensor& x, Tensor& y);
void relu_backward(Context& ctx, const ReluSetup& s, const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx);
}  // namespace cuda

inline void relu_setup_init(Context& ctx, ReluSetup& s) { ADMA_DISPATCH(ctx, relu_setup_init, ctx, s); }
inline ReluSetup relu_setup(Context& ctx, const Shape& shape, DType dtype) {
  ReluSetup s;
  s.shape = shape;
  s.dtype = dtype;
  relu_setup_init(ctx, s);
  return s;
}
inline void relu_forward(Context& ctx, const ReluSetup& s, const Tensor& x, Tensor& y) {
  expect_operand("relu_forward x", x, s.shape, s.dtype);
  expect_operand("relu_forward y", y, s.shape, s.dtype);
  ADMA_DISPATCH(ctx, relu_forward, ctx, s, x, y);
}
// dx += dy * 1[x > 0]. y is passed too: cuDNN's backward reads it.
inline void relu_backward(Context& ctx, const ReluSetup& s, const Tensor& x, const Tensor& y, const Tensor& dy,
                          Tensor& dx) {
  for (const Tensor* t : std::initializer_list<const Tensor*>{&x, &y, &dy, &dx})
    expect_operand("relu_backward", *t, s.shape, s.dtype);
  ADMA_DISPATCH(ctx, relu_backward, ctx, s, x, y, dy, dx);
}

}  // namespace adma::kernels
