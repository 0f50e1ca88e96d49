// 2-D convolution (cross-correlation, as in every framework), NCHW, weights [K, C, R, S]:
//   y[n,k,p,q] = b[k] + sum_{c,r,s} w[k,c,r,s] x[n,c, p*sh + r - ph, q*sw + s - pw]
// Backward: dx = conv_transpose(dy, w); dw[k,c,r,s] = sum_{n,p,q} dy[n,k,p,q] x[n,c,...];
//           db[k] = sum_{n,p,q} dy[n,k,p,q]. All three accumulate (+=).
// CPU reference: im2col + OpenBLAS GEMM, one image at a time (workspace = one column
// matrix). Fast CPU: oneDNN for float32 (Winograd or direct, in chunks of the batch),
// else im2col + GEMM with the images over OpenMP threads (workspace: a slot per thread);
// its setup's workspace and state serve the reference too.
// CUDA: cuDNN forward / backward-data / backward-filter; algorithms found once in
// conv2d_setup (cudnnFind*), their largest workspace reported in the setup.
#pragma once
#include <memory>

#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

struct Conv2dGeometry {
  int64_t n = 0, c = 0, h = 0, w = 0;  // input
  int64_t k = 0, r = 0, s = 0;         // filters
  int64_t pad_h = 0, pad_w = 0, stride_h = 1, stride_w = 1;
  int64_t out_h() const { return (h + 2 * pad_h - r) / stride_h + 1; }
  int64_t out_w() const { return (w + 2 * pad_w - s) / stride_w + 1; }
};

namespace cpu_fast {
struct DnnlConv2dState;  // oneDNN primitives (float32, kernels/cpu_fast/dnnl_conv2d.cpp)
}
namespace cuda {
struct Conv2dState;  // cuDNN descriptors and the algorithms found (kernels/cuda/cudnn_conv2d.cpp)
}

struct Conv2dSetup : KernelSetup {
  Conv2dGeometry g;
  DType dtype = DType::F32;
  std::shared_ptr<cpu_fast::DnnlConv2dState> dnnl;  // fast CPU backend with oneDNN; else null (float64, CUDA, ...)
  std::shared_ptr<cuda::Conv2dState> cuda;     // null on the CPU
};

namespace cpu {
void conv2d_setup_init(Context& ctx, Conv2dSetup& s);
void conv2d_forward(Context& ctx, const Conv2dSetup& s, const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y,
                    Tensor& workspace);
void conv2d_backward_data(Context& ctx, const Conv2dSetup& s, const Tensor& w, const Tensor& dy, Tensor& dx,
                          Tensor& workspace);
void conv2d_backward_filter(Context& ctx, const Conv2dSetup& s, const Tensor& x, const Tensor& dy, Tensor& dw,
                            Tensor& workspace);
void conv2d_backward_bias(Context& ctx, const Conv2dSetup& s, const Tensor& dy, Tensor& db);
}  // namespace cpu
namespace cpu_fast {
void conv2d_setup_init(Context& ctx, Conv2dSetup& s);
void conv2d_forward(Context& ctx, const Conv2dSetup& s, const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y,
                    Tensor& workspace);
void conv2d_backward_data(Context& ctx, const Conv2dSetup& s, const Tensor& w, const Tensor& dy, Tensor& dx,
                          Tensor& workspace);
void conv2d_backward_filter(Context& ctx, const Conv2dSetup& s, const Tensor& x, const Tensor& dy, Tensor& dw,
                            Tensor& workspace);
void conv2d_backward_bias(Context& ctx, const Conv2dSetup& s, const Tensor& dy, Tensor& db);
}  // namespace cpu_fast
namespace cuda {
void conv2d_setup_init(Context& ctx, Conv2dSetup& s);
void conv2d_forward(Context& ctx, const Conv2dSetup& s, const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y,
                    Tensor& workspace);
void conv2d_backward_data(Context& ctx, const Conv2dSetup& s, const Tensor& w, const Tensor& dy, Tensor& dx,
                          Tensor& workspace);
void conv2d_backward_filter(Context& ctx, const Conv2dSetup& s, const Tensor& x, const Tensor& dy, Tensor& dw,
                            Tensor& workspace);
void conv2d_backward_bias(Context& ctx, const Conv2dSetup& s, const Tensor& dy, Tensor& db);
}  // namespace cuda

// Operand checks, once for both backends: x/dx [N, C, H, W], w/dw [K, C, R, S],
// y/dy [N, K, P, Q], b/db [K], and the workspace the setup asked for.
void check_conv2d_operands(const char* op, const Conv2dSetup& s, const Tensor* x, const Tensor* w, const Tensor* y,
                           const Tensor* b, const Tensor* workspace);

inline void conv2d_setup_init(Context& ctx, Conv2dSetup& s) {
  const auto& g = s.g;
  ADMA_CHECK(g.out_h() > 0 && g.out_w() > 0, "conv2d: a ", g.r, "x", g.s, " filter does not fit a ", g.h, "x", g.w,
             " input with padding ", g.pad_h, "x", g.pad_w);
  ADMA_DISPATCH(ctx, conv2d_setup_init, ctx, s);
}
inline Conv2dSetup conv2d_setup(Context& ctx, const Conv2dGeometry& g, DType dtype) {
  Conv2dSetup s;
  s.g = g;
  s.dtype = dtype;
  conv2d_setup_init(ctx, s);
  return s;
}
// y = conv(x, w) + b (b may be undefined: no bias).
inline void conv2d_forward(Context& ctx, const Conv2dSetup& s, const Tensor& x, const Tensor& w, const Tensor& b,
                           Tensor& y, Tensor& ws) {
  check_conv2d_operands("conv2d_forward", s, &x, &w, &y, b.defined() ? &b : nullptr, &ws);
  ADMA_DISPATCH(ctx, conv2d_forward, ctx, s, x, w, b, y, ws);
}
inline void conv2d_backward_data(Context& ctx, const Conv2dSetup& s, const Tensor& w, const Tensor& dy, Tensor& dx,
                                 Tensor& ws) {
  check_conv2d_operands("conv2d_backward_data", s, &dx, &w, &dy, nullptr, &ws);
  ADMA_DISPATCH(ctx, conv2d_backward_data, ctx, s, w, dy, dx, ws);
}
inline void conv2d_backward_filter(Context& ctx, const Conv2dSetup& s, const Tensor& x, const Tensor& dy, Tensor& dw,
                                   Tensor& ws) {
  check_conv2d_operands("conv2d_backward_filter", s, &x, &dw, &dy, nullptr, &ws);
  ADMA_DISPATCH(ctx, conv2d_backward_filter, ctx, s, x, dy, dw, ws);
}
inline void conv2d_backward_bias(Context& ctx, const Conv2dSetup& s, const Tensor& dy, Tensor& db) {
  check_conv2d_operands("conv2d_backward_bias", s, nullptr, nullptr, &dy, &db, nullptr);
  ADMA_DISPATCH(ctx, conv2d_backward_bias, ctx, s, dy, db);
}

}  // namespace adma::kernels
