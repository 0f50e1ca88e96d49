// CUDA side of kernels/conv2d.h: cuDNN convolutions. The three algorithms are
// found once (cudnnFind*, which times the candidates on this GPU) when the plan
// is made; the step then only launches them with the shared workspace.
#include "kernels/conv2d.h"

#include <algorithm>

#include "kernels/cuda/cudnn_util.h"

namespace adma::kernels::cuda {

namespace {
// Cap per algorithm: a faster algorithm that wants more scratch than this is skipped.
constexpr size_t kMaxWorkspace = size_t(512) << 20;

}  // namespace

struct Conv2dState {
  TensorDesc x, y, bias;
  FilterDesc w;
  cudnnConvolutionDescriptor_t conv = nullptr;
  cudnnConvolutionFwdAlgo_t fwd{};
  cudnnConvolutionBwdDataAlgo_t bwd_data{};
  cudnnConvolutionBwdFilterAlgo_t bwd_filter{};
  explicit Conv2dState(const Conv2dGeometry& g)
      : w(static_cast<int>(g.k), static_cast<int>(g.c), static_cast<int>(g.r), static_cast<int>(g.s)) {}
  ~Conv2dState() { cudnnDestroyConvolutionDescriptor(conv); }
};

namespace {
// The first (fastest) successful result within the workspace cap.
template <typename Perf>
const Perf& pick(const Perf* perf, int count, const char* what) {
  for (int i = 0; i < count; ++i)
    if (perf[i].status == CUDNN_STATUS_SUCCESS && perf[i].memory <= kMaxWorkspace) return perf[i];
  ADMA_THROW("conv2d: cuDNN found no usable ", what, " algorithm");
}
}  // namespace

void conv2d_setup_init(Context& ctx, Conv2dSetup& p) {
  expect_f32("conv2d", p.dtype);
  const auto& g = p.g;
  auto s = std::make_shared<Conv2dState>(g);
  s->x.set(Shape{g.n, g.c, g.h, g.w});
  s->y.set(Shape{g.n, g.k, g.out_h(), g.out_w()});
  s->bias.set(Shape{1, g.k, 1, 1});
  CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&s->conv));
  CUDNN_CHECK(cudnnSetConvolution2dDescriptor(s->conv, static_cast<int>(g.pad_h), static_cast<int>(g.pad_w),
                                              static_cast<int>(g.stride_h), static_cast<int>(g.stride_w), 1, 1,
                                              CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
  // FMA math keeps results fp32-exact (tests compare with the CPU at 1e-7 NMSE);
  // DEFAULT lets cuDNN use TF32 tensor cores.
  CUDNN_CHECK(cudnnSetConvolutionMathType(s->conv, ctx.allow_tf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH));

  auto h = cudnn_of(ctx);
  int n = 0;
  cudnnConvolutionFwdAlgoPerf_t fwd[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
  CUDNN_CHECK(cudnnFindConvolutionForwardAlgorithm(h, s->x.d, s->w.d, s->conv, s->y.d,
                                                   CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &n, fwd));
  const auto& f = pick(fwd, n, "forward");
  cudnnConvolutionBwdDataAlgoPerf_t bd[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
  CUDNN_CHECK(cudnnFindConvolutionBackwardDataAlgorithm(h, s->w.d, s->y.d, s->conv, s->x.d,
                                                        CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &n, bd));
  const auto& d = pick(bd, n, "backward-data");
  cudnnConvolutionBwdFilterAlgoPerf_t bf[CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT];
  CUDNN_CHECK(cudnnFindConvolutionBackwardFilterAlgorithm(h, s->x.d, s->y.d, s->conv, s->w.d,
                                                          CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT, &n, bf));
  const auto& w = pick(bf, n, "backward-filter");
  s->fwd = f.algo;
  s->bwd_data = d.algo;
  s->bwd_filter = w.algo;
  p.workspace_bytes = std::max({f.memory, d.memory, w.memory});
  p.cuda = s;
}

void conv2d_forward(Context& ctx, const Conv2dSetup& p, const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y,
                    Tensor& ws) {
  auto& s = *p.cuda;
  void* wsp = p.workspace_bytes ? ws.raw() : nullptr;
  CUDNN_CHECK(cudnnConvolutionForward(cudnn_of(ctx), &kOne, s.x.d, cptr(x), s.w.d, cptr(w), s.conv, s.fwd, wsp,
                                      p.workspace_bytes, &kZero, s.y.d, ptr(y)));
  if (b.defined()) CUDNN_CHECK(cudnnAddTensor(cudnn_of(ctx), &kOne, s.bias.d, cptr(b), &kOne, s.y.d, ptr(y)));
}

void conv2d_backward_data(Context& ctx, const Conv2dSetup& p, const Tensor& w, const Tensor& dy, Tensor& dx,
                          Tensor& ws) {
  auto& s = *p.cuda;
  void* wsp = p.workspace_bytes ? ws.raw() : nullptr;
  CUDNN_CHECK(cudnnConvolutionBackwardData(cudnn_of(ctx), &kOne, s.w.d, cptr(w), s.y.d, cptr(dy), s.conv,
                                           s.bwd_data, wsp, p.workspace_bytes, &kOne, s.x.d, ptr(dx)));
}

void conv2d_backward_filter(Context& ctx, const Conv2dSetup& p, const Tensor& x, const Tensor& dy, Tensor& dw,
                            Tensor& ws) {
  auto& s = *p.cuda;
  void* wsp = p.workspace_bytes ? ws.raw() : nullptr;
  CUDNN_CHECK(cudnnConvolutionBackwardFilter(cudnn_of(ctx), &kOne, s.x.d, cptr(x), s.y.d, cptr(dy), s.conv,
                                             s.bwd_filter, wsp, p.workspace_bytes, &kOne, s.w.d, ptr(dw)));
}

void conv2d_backward_bias(Context& ctx, const Conv2dSetup& p, const Tensor& dy, Tensor& db) {
  auto& s = *p.cuda;
  CUDNN_CHECK(cudnnConvolutionBackwardBias(cudnn_of(ctx), &kOne, s.y.d, cptr(dy), &kOne, s.bias.d, ptr(db)));
}

}  // namespace adma::kernels::cuda
