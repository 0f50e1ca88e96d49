// CUDA side of kernels/conv2d.h: cuDNN convolutions. The three algorithms come
// from the per-device cache (cudnn_conv_algos.h: cudnnFind* once per geometry and
// math mode) when the setup is made; the step then only launches them with the
// shared workspace, each with the math type it was timed with.
#include "kernels/conv2d.h"

#include <algorithm>
#include <array>
#include <memory>

#include "kernels/cuda/cudnn_conv_algos.h"
#include "kernels/cuda/cudnn_util.h"

namespace adma::kernels {

namespace cuda {
namespace {
// One convolution descriptor per direction: each carries the math type its
// algorithm was timed with (cudnn_conv_algos.h), which may differ between them.
struct ConvDesc {
  cudnnConvolutionDescriptor_t d = nullptr;
  ConvDesc(const Conv2dGeometry& g, cudnnMathType_t math) {
    CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&d));
    CUDNN_CHECK(cudnnSetConvolution2dDescriptor(d, static_cast<int>(g.pad_h), static_cast<int>(g.pad_w),
                                                static_cast<int>(g.stride_h), static_cast<int>(g.stride_w), 1, 1,
                                                CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
    CUDNN_CHECK(cudnnSetConvolutionMathType(d, math));
  }
  ~ConvDesc() { cudnnDestroyConvolutionDescriptor(d); }
  ConvDesc(const ConvDesc&) = delete;
  ConvDesc& operator=(const ConvDesc&) = delete;
};

std::array<int, 4> filter_dims(const Conv2dGeometry& g) {
  const int64_t d[4] = {g.k, g.c, g.r, g.s};
  return cudnn_nchw(d, 4, "conv2d filter");
}

}  // namespace

struct Conv2dState {
  TensorDesc x, y, bias;
  FilterDesc w;
  ConvAlgos algos;
  std::unique_ptr<ConvDesc> fwd, bwd_data, bwd_filter;
  explicit Conv2dState(const std::array<int, 4>& f) : w(f[0], f[1], f[2], f[3]) {}
};
}  // namespace cuda

void cuda::conv2d_setup_init(Context& ctx, Conv2dSetup& p) {
  expect_f32("conv2d", p.dtype);
  const auto& g = p.g;
  auto s = std::make_shared<Conv2dState>(filter_dims(g));
  s->x.set(Shape{g.n, g.c, g.h, g.w});
  s->y.set(Shape{g.n, g.k, g.out_h(), g.out_w()});
  s->bias.set(Shape{1, g.k, 1, 1});
  // Found once per geometry and math mode on this device, then reused by every setup.
  ConvDesc search(g, CUDNN_FMA_MATH);
  s->algos = conv_algos(ctx, g, ctx.allow_tf32, s->x.d, s->w.d, search.d, s->y.d);
  s->fwd = std::make_unique<ConvDesc>(g, s->algos.fwd_math);
  s->bwd_data = std::make_unique<ConvDesc>(g, s->algos.bwd_data_math);
  s->bwd_filter = std::make_unique<ConvDesc>(g, s->algos.bwd_filter_math);
  p.workspace_bytes = std::max({s->algos.fwd_bytes, s->algos.bwd_data_bytes, s->algos.bwd_filter_bytes});
  p.cuda = s;
}

void cuda::conv2d_forward(Context& ctx, const Conv2dSetup& p, const Tensor& x, const Tensor& w, const Tensor& b,
                          Tensor& y, Tensor& ws) {
  auto& s = *p.cuda;
  void* wsp = p.workspace_bytes ? ws.raw() : nullptr;
  CUDNN_CHECK(cudnnConvolutionForward(cudnn_of(ctx), &kOne, s.x.d, cptr(x), s.w.d, cptr(w), s.fwd->d, s.algos.fwd, wsp,
                                      p.workspace_bytes, &kZero, s.y.d, ptr(y)));
  if (b.defined()) CUDNN_CHECK(cudnnAddTensor(cudnn_of(ctx), &kOne, s.bias.d, cptr(b), &kOne, s.y.d, ptr(y)));
}

void cuda::conv2d_backward_data(Context& ctx, const Conv2dSetup& p, const Tensor& w, const Tensor& dy, Tensor& dx,
                                Tensor& ws) {
  auto& s = *p.cuda;
  void* wsp = p.workspace_bytes ? ws.raw() : nullptr;
  CUDNN_CHECK(cudnnConvolutionBackwardData(cudnn_of(ctx), &kOne, s.w.d, cptr(w), s.y.d, cptr(dy), s.bwd_data->d,
                                           s.algos.bwd_data, wsp, p.workspace_bytes, &kOne, s.x.d, ptr(dx)));
}

void cuda::conv2d_backward_filter(Context& ctx, const Conv2dSetup& p, const Tensor& x, const Tensor& dy, Tensor& dw,
                                  Tensor& ws) {
  auto& s = *p.cuda;
  void* wsp = p.workspace_bytes ? ws.raw() : nullptr;
  CUDNN_CHECK(cudnnConvolutionBackwardFilter(cudnn_of(ctx), &kOne, s.x.d, cptr(x), s.y.d, cptr(dy), s.bwd_filter->d,
                                             s.algos.bwd_filter, wsp, p.workspace_bytes, &kOne, s.w.d, ptr(dw)));
}

void cuda::conv2d_backward_bias(Context& ctx, const Conv2dSetup& p, const Tensor& dy, Tensor& db) {
  auto& s = *p.cuda;
  CUDNN_CHECK(cudnnConvolutionBackwardBias(cudnn_of(ctx), &kOne, s.y.d, cptr(dy), &kOne, s.bias.d, ptr(db)));
}

}  // namespace adma::kernels
