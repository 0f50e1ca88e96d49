// Max pooling, NCHW, no padding, floor mode (Keras 'valid': 28 -> 14 -> 7 -> 3):
//   y[n,c,p,q] = max_{i<kh, j<kw} x[n,c, p*sh + i, q*sw + j]
//   backward: dx at the (first, row-major) arg-max of each window += dy
// CPU reference: plain loops. Fast CPU: planes over threads, 2x2 windows as vector
// selects. CUDA: cuDNN CUDNN_POOLING_MAX_DETERMINISTIC.
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
  int64_t out_h() const { return (in[2] - kh) / sh + 1; }
  int64_t out_w() const { return (in[3] - kw) / sw + 1; }
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
  ADMA_CHECK(s.kh > 0 && s.kw > 0 && s.sh > 0 && s.sw > 0 && s.out_h() > 0 && s.out_w() > 0, "maxpool2d: a ", s.kh, "x",
             s.kw, " window does not fit ", s.in.str());
  ADMA_DISPATCH(ctx, maxpool2d_setup_init, ctx, s);
}
inline MaxPool2dSetup maxpool2d_setup(Context& ctx, const Shape& in, DType dtype, int64_t kh, int64_t kw, int64_t sh,
                                      int64_t sw) {
  MaxPool2dSetup s;
  s.in = in;
  s.dtype = dtype;
  s.kh = kh;
  s.kw = kw;
  s.sh = sh;
  s.sw = sw;
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
