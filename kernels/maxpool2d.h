// Max pooling, NCHW, floor mode (Keras 'valid': 28 -> 14 -> 7 -> 3), with optional
// padding ph, pw on each side (PyTorch's MaxPool2d(3, 2, padding=1) of ResNet):
//   y[n,c,p,q] = max_{i<kh, j<kw} x[n,c, p*sh + i - ph, q*sw + j - pw]
//   backward: dx at the (first, row-major) arg-max of each window += dy
// Padded positions count as -inf, as in PyTorch: they never win, so a window of
// negative values keeps its maximum (zero padding would replace it by 0). The padding
// is at most half the window (PyTorch's rule), so every window holds a real element.
// CPU reference: plain loops. Fast CPU: planes over threads, 2x2 unpadded windows as
// vector selects. CUDA: cuDNN CUDNN_POOLING_MAX_DETERMINISTIC (its max pooling leaves
// padded positions out of the window, the same -inf rule).
#pragma once
#include <memory>

#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

namespace cuda {
struct MaxPool2dState;  // cuDNN pooling descriptor (kernels/cuda/cudnn_maxpool2d.cpp)
}

struct MaxPool2dSetup : KernelSetup {
  Shape in;  // [N, C, H, W]
  DType dtype = DType::F32;
  int64_t kh = 2, kw = 2, sh = 2, sw = 2;
  int64_t ph = 0, pw = 0;  // padding on each side (top and bottom, left and right)
  int64_t out_h() const { return (in[2] + 2 * ph - kh) / sh + 1; }
  int64_t out_w() const { return (in[3] + 2 * pw - kw) / sw + 1; }
  Shape out() const { return Shape{in[0], in[1], out_h(), out_w()}; }
  std::shared_ptr<cuda::MaxPool2dState> cuda;  // null on the CPU
};

namespace cpu {
void maxpool2d_setup_init(Context& ctx, MaxPool2dSetup& s);
void maxpool2d_forward(Context& ctx, const MaxPool2dSetup& s, const Tensor& x, Tensor& y);
void maxpool2d_backward(Context& ctx, const MaxPool2dSetup& s, const Tensor& x, const Tensor& y, const Tensor& dy,
                        Tensor& dx);
}  // namespace cpu
namespace cpu_fast {
using cpu::maxpool2d_setup_init;
void maxpool2d_forward(Context& ctx, const MaxPool2dSetup& s, const Tensor& x, Tensor& y);
void maxpool2d_backward(Context& ctx, const MaxPool2dSetup& s, const Tensor& x, const Tensor& y, const Tensor& dy,
                        Tensor& dx);
}  // namespace cpu_fast
namespace cuda {
void maxpool2d_setup_init(Context& ctx, MaxPool2dSetup& s);
void maxpool2d_forward(Context& ctx, const MaxPool2dSetup& s, const Tensor& x, Tensor& y);
void maxpool2d_backward(Context& ctx, const MaxPool2dSetup& s, const Tensor& x, const Tensor& y, const Tensor& dy,
                        Tensor& dx);
}  // namespace cuda

inline void maxpool2d_setup_init(Context& ctx, MaxPool2dSetup& s) {
  ADMA_CHECK(s.in.rank() == 4, "maxpool2d: input must be [N, C, H, W], got ", s.in.str());
  ADMA_CHECK(s.ph >= 0 && s.pw >= 0 && 2 * s.ph <= s.kh && 2 * s.pw <= s.kw, "maxpool2d: padding ", s.ph, "x", s.pw,
             " must be at most half the ", s.kh, "x", s.kw, " window");
  ADMA_CHECK(s.kh > 0 && s.kw > 0 && s.sh > 0 && s.sw > 0 && s.out_h() > 0 && s.out_w() > 0, "maxpool2d: a ", s.kh, "x",
             s.kw, " window does not fit ", s.in.str());
  ADMA_DISPATCH(ctx, maxpool2d_setup_init, ctx, s);
}
inline MaxPool2dSetup maxpool2d_setup(Context& ctx, const Shape& in, DType dtype, int64_t kh, int64_t kw, int64_t sh,
                                      int64_t sw, int64_t ph = 0, int64_t pw = 0) {
  MaxPool2dSetup s;
  s.in = in;
  s.dtype = dtype;
  s.kh = kh;
  s.kw = kw;
  s.sh = sh;
  s.sw = sw;
  s.ph = ph;
  s.pw = pw;
  maxpool2d_setup_init(ctx, s);
  return s;
}
inline void maxpool2d_forward(Context& ctx, const MaxPool2dSetup& s, const Tensor& x, Tensor& y) {
  expect_operand("maxpool2d_forward x", x, s.in, s.dtype);
  expect_operand("maxpool2d_forward y", y, s.out(), s.dtype);
  ADMA_DISPATCH(ctx, maxpool2d_forward, ctx, s, x, y);
}
inline void maxpool2d_backward(Context& ctx, const MaxPool2dSetup& s, const Tensor& x, const Tensor& y,
                               const Tensor& dy, Tensor& dx) {
  for (const Tensor* t : std::initializer_list<const Tensor*>{&x, &dx})
    expect_operand("maxpool2d_backward", *t, s.in, s.dtype);
  for (const Tensor* t : std::initializer_list<const Tensor*>{&y, &dy})
    expect_operand("maxpool2d_backward", *t, s.out(), s.dtype);
  ADMA_DISPATCH(ctx, maxpool2d_backward, ctx, s, x, y, dy, dx);
}

}  // namespace adma::kernels
