// The per-device cache of cuDNN convolution algorithms (see cudnn_conv_algos.h).
#include "kernels/cuda/cudnn_conv_algos.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>

#include "core/backend_options.h"
#include "kernels/cuda/cudnn_util.h"

namespace adma::kernels::cuda {

namespace {
// Cap per algorithm: a faster algorithm that wants more scratch than this is skipped.
constexpr size_t kMaxWorkspace = size_t(512) << 20;

std::mutex cache_mu;
std::map<std::string, ConvAlgos> cache;
int searches = 0;

std::string key_of(int device, const Conv2dGeometry& g, bool tf32, bool deterministic) {
  char k[256];
  std::snprintf(k, sizeof k, "cuda:%d x%lldx%lldx%lldx%lld w%lldx%lldx%lld p%lldx%lld s%lldx%lld %s %s", device,
                (long long)g.n, (long long)g.c, (long long)g.h, (long long)g.w, (long long)g.k, (long long)g.r,
                (long long)g.s, (long long)g.pad_h, (long long)g.pad_w, (long long)g.stride_h, (long long)g.stride_w,
                tf32 ? "tf32" : "fma", deterministic ? "det" : "any");
  return k;
}

// The first (fastest) result that succeeded, fits the cap, is deterministic when
// asked, and never uses tensor cores without TF32. Its math type is the one it
// was timed with: the search descriptor's FMA without TF32 (cuDNN may report such
// a result as DEFAULT, as PyTorch notes; it ran with FMA), else what cuDNN reports.
template <typename Perf>
Perf pick(const Perf* perf, int count, bool tf32, bool deterministic, const char* what) {
  for (int i = 0; i < count; ++i) {
    Perf p = perf[i];
    if (p.status != CUDNN_STATUS_SUCCESS || p.memory > kMaxWorkspace) continue;
    if (deterministic && p.determinism != CUDNN_DETERMINISTIC) continue;
    if (!tf32) {
      if (p.mathType == CUDNN_TENSOR_OP_MATH || p.mathType == CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION) continue;
      p.mathType = CUDNN_FMA_MATH;
    }
    return p;
  }
  ADMA_THROW("conv2d: cuDNN found no usable ", what, " algorithm (", count, " tried; ",
             deterministic ? "deterministic only, ADMA_CUDNN_DETERMINISTIC=0 lifts that; " : "",
             tf32 ? "TF32 allowed" : "FMA math only", ")");
}
}  // namespace

bool cudnn_deterministic() { return backend_options().cudnn_deterministic; }

int conv_algo_searches() {
  std::lock_guard<std::mutex> lock(cache_mu);
  return searches;
}

ConvAlgos conv_algos(Context& ctx, const Conv2dGeometry& g, bool tf32, cudnnTensorDescriptor_t x,
                     cudnnFilterDescriptor_t w, cudnnConvolutionDescriptor_t conv, cudnnTensorDescriptor_t y) {
  const bool det = cudnn_deterministic();
  const std::string key = key_of(ctx.device.index, g, tf32, det);
  std::lock_guard<std::mutex> lock(cache_mu);
  if (auto it = cache.find(key); it != cache.end()) return it->second;

  auto h = cudnn_of(ctx);
  // The search runs with the mode's math type: DEFAULT lets cuDNN time TF32 tensor-core
  // kernels too; FMA keeps results fp32-exact (tests compare with the CPU at 1e-7 NMSE).
  CUDNN_CHECK(cudnnSetConvolutionMathType(conv, tf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH));
  ConvAlgos a;
  int n = 0;
  {
    cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
    CUDNN_CHECK(cudnnFindConvolutionForwardAlgorithm(h, x, w, conv, y, CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &n, perf));
    // Forward convolutions are deterministic in cuDNN; the filter is there for symmetry.
    const auto p = pick(perf, n, tf32, false, "forward");
    a.fwd = p.algo;
    a.fwd_math = p.mathType;
    size_t ws = 0;
    CUDNN_CHECK(cudnnSetConvolutionMathType(conv, p.mathType));
    CUDNN_CHECK(cudnnGetConvolutionForwardWorkspaceSize(h, x, w, conv, y, p.algo, &ws));
    a.fwd_bytes = std::max(ws, p.memory);
  }
  CUDNN_CHECK(cudnnSetConvolutionMathType(conv, tf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH));
  {
    cudnnConvolutionBwdDataAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
    CUDNN_CHECK(cudnnFindConvolutionBackwardDataAlgorithm(h, w, y, conv, x, CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &n,
                                                          perf));
    const auto p = pick(perf, n, tf32, det, "backward-data");
    a.bwd_data = p.algo;
    a.bwd_data_math = p.mathType;
    size_t ws = 0;
    CUDNN_CHECK(cudnnSetConvolutionMathType(conv, p.mathType));
    CUDNN_CHECK(cudnnGetConvolutionBackwardDataWorkspaceSize(h, w, y, conv, x, p.algo, &ws));
    a.bwd_data_bytes = std::max(ws, p.memory);
  }
  CUDNN_CHECK(cudnnSetConvolutionMathType(conv, tf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH));
  {
    cudnnConvolutionBwdFilterAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT];
    CUDNN_CHECK(cudnnFindConvolutionBackwardFilterAlgorithm(h, x, y, conv, w, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT,
                                                            &n, perf));
    const auto p = pick(perf, n, tf32, det, "backward-filter");
    a.bwd_filter = p.algo;
    a.bwd_filter_math = p.mathType;
    size_t ws = 0;
    CUDNN_CHECK(cudnnSetConvolutionMathType(conv, p.mathType));
    CUDNN_CHECK(cudnnGetConvolutionBackwardFilterWorkspaceSize(h, x, y, conv, w, p.algo, &ws));
    a.bwd_filter_bytes = std::max(ws, p.memory);
  }
  ++searches;
  cache.emplace(key, a);
  return a;
}

}  // namespace adma::kernels::cuda
