// Global average pooling, [N, C, H, W] -> [N, C] (Keras GlobalAveragePooling2D,
// PyTorch AdaptiveAvgPool2d(1) followed by flatten):
//   y[n, c] = (1 / HW) sum_{h, w} x[n, c, h, w]
//   backward: dx[n, c, h, w] += dy[n, c] / HW
// CPU: plain loops (the fast backend runs them too). CUDA: own kernels
// (kernels/cuda/global_avg_pool2d.cu): one warp per (n, c) plane forward, a grid-stride
// loop backward. cuDNN's average pooling would do forward too, but wants a [N, C, 1, 1]
// view, an H x W window and y and x again in backward: the own kernels are shorter.
#pragma once
#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

struct GlobalAvgPool2dSetup : KernelSetup {
  Shape in;  // [N, C, H, W]
  DType dtype = DType::F32;
  int64_t planes() const { return in[0] * in[1]; }
  int64_t plane_size() const { return in[2] * in[3]; }  // HW
  Shape out() const { return Shape{in[0], in[1]}; }
};

namespace cpu {
void global_avg_pool2d_setup_init(Context& ctx, GlobalAvgPool2dSetup& s);
void global_avg_pool2d_forward(Context& ctx, const GlobalAvgPool2dSetup& s, const Tensor& x, Tensor& y);
void global_avg_pool2d_backward(Context& ctx, const GlobalAvgPool2dSetup& s, const Tensor& dy, Tensor& dx);
}  // namespace cpu
// The fast CPU backend has no version of its own: the reference serves.
namespace cpu_fast {
using cpu::global_avg_pool2d_setup_init;
using cpu::global_avg_pool2d_forward;
using cpu::global_avg_pool2d_backward;
}  // namespace cpu_fast
namespace cuda {
void global_avg_pool2d_setup_init(Context& ctx, GlobalAvgPool2dSetup& s);
void global_avg_pool2d_forward(Context& ctx, const GlobalAvgPool2dSetup& s, const Tensor& x, Tensor& y);
void global_avg_pool2d_backward(Context& ctx, const GlobalAvgPool2dSetup& s, const Tensor& dy, Tensor& dx);
}  // namespace cuda

inline void global_avg_pool2d_setup_init(Context& ctx, GlobalAvgPool2dSetup& s) {
  ADMA_CHECK(s.in.rank() == 4 && s.in[2] > 0 && s.in[3] > 0,
             "global_avg_pool2d: input must be [N, C, H, W] with H, W > 0, got ", s.in.str());
  ADMA_DISPATCH(ctx, global_avg_pool2d_setup_init, ctx, s);
}
inline GlobalAvgPool2dSetup global_avg_pool2d_setup(Context& ctx, const Shape& in, DType dtype) {
  GlobalAvgPool2dSetup s;
  s.in = in;
  s.dtype = dtype;
  global_avg_pool2d_setup_init(ctx, s);
  return s;
}
inline void global_avg_pool2d_forward(Context& ctx, const GlobalAvgPool2dSetup& s, const Tensor& x, Tensor& y) {
  expect_operand("global_avg_pool2d_forward x", x, s.in, s.dtype);
  expect_operand("global_avg_pool2d_forward y", y, s.out(), s.dtype);
  ADMA_DISPATCH(ctx, global_avg_pool2d_forward, ctx, s, x, y);
}
// dx += dy / HW, spread over each plane
inline void global_avg_pool2d_backward(Context& ctx, const GlobalAvgPool2dSetup& s, const Tensor& dy, Tensor& dx) {
  expect_operand("global_avg_pool2d_backward dy", dy, s.out(), s.dtype);
  expect_operand("global_avg_pool2d_backward dx", dx, s.in, s.dtype);
  ADMA_DISPATCH(ctx, global_avg_pool2d_backward, ctx, s, dy, dx);
}

}  // namespace adma::kernels
