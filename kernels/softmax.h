// Softmax over dimension 1 (the class / channel axis) at every other position:
//   y_k = exp(x_k - max_j x_j) / sum_j exp(x_j - max_j x_j)
//   dx_k += y_k (dy_k - sum_j dy_j y_j)
// CPU: plain loops. CUDA: cudnnSoftmaxForward/Backward (ACCURATE, MODE_CHANNEL).
// Training uses the fused losses in losses/ on logits instead; this layer is for
// inference outputs and for users who want probabilities inside a graph.
#pragma once
#include <memory>

#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

namespace cuda {
struct SoftmaxState;  // the cuDNN descriptor (kernels/cuda/cudnn_softmax.cpp)
}

struct SoftmaxSetup : KernelSetup {
  Shape shape;
  DType dtype = DType::F32;
  std::shared_ptr<cuda::SoftmaxState> cuda;  // null on the CPU
};

namespace cpu {
void softmax_setup_init(Context& ctx, SoftmaxSetup& s);
void softmax_forward(Context& ctx, const SoftmaxSetup& s, const Tensor& x, Tensor& y);
void softmax_backward(Context& ctx, const SoftmaxSetup& s, const Tensor& y, const Tensor& dy, Tensor& dx);
}  // namespace cpu
namespace cpu_fast {  // the reference serves
using cpu::softmax_setup_init;
using cpu::softmax_forward;
using cpu::softmax_backward;
}  // namespace cpu_fast
namespace cuda {
void softmax_setup_init(Context& ctx, SoftmaxSetup& s);
void softmax_forward(Context& ctx, const SoftmaxSetup& s, const Tensor& x, Tensor& y);
void softmax_backward(Context& ctx, const SoftmaxSetup& s, const Tensor& y, const Tensor& dy, Tensor& dx);
}  // namespace cuda

inline void softmax_setup_init(Context& ctx, SoftmaxSetup& s) {
  ADMA_CHECK(s.shape.rank() >= 2, "softmax: input must have a class axis (rank >= 2), got ", s.shape.str());
  ADMA_DISPATCH(ctx, softmax_setup_init, ctx, s);
}
inline SoftmaxSetup softmax_setup(Context& ctx, const Shape& shape, DType dtype) {
  SoftmaxSetup s;
  s.shape = shape;
  s.dtype = dtype;
  softmax_setup_init(ctx, s);
  return s;
}
inline void softmax_forward(Context& ctx, const SoftmaxSetup& s, const Tensor& x, Tensor& y) {
  for (const Tensor* t : std::initializer_list<const Tensor*>{&x, &y})
    expect_operand("softmax_forward", *t, s.shape, s.dtype);
  ADMA_DISPATCH(ctx, softmax_forward, ctx, s, x, y);
}
inline void softmax_backward(Context& ctx, const SoftmaxSetup& s, const Tensor& y, const Tensor& dy, Tensor& dx) {
  for (const Tensor* t : std::initializer_list<const Tensor*>{&y, &dy, &dx})
    expect_operand("softmax_backward", *t, s.shape, s.dtype);
  ADMA_DISPATCH(ctx, softmax_backward, ctx, s, y, dy, dx);
}

}  // namespace adma::kernels
