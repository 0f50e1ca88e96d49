// Convolution algorithms, chosen once per geometry and reused. cudnnFind* times
// every candidate on the GPU, which takes milliseconds and, worse, can rank two
// close algorithms differently from one call to the next: two graphs built for
// the same model could then run different algorithms and disagree in the last
// bits. So the first setup for a (device, geometry, math mode, determinism) runs
// the search, and every later setup with the same key reuses its answer.
//
// Per direction the cache keeps the algorithm, the math type it was timed with
// (applied to the convolution descriptor that runs it), and its workspace: the
// larger of what Find measured and cudnnGetConvolution*WorkspaceSize reports.
// Backward algorithms are restricted to deterministic ones unless
// ADMA_CUDNN_DETERMINISTIC=0 is set (build default: CMake option of that name;
// core/backend_options.h).
#pragma once
#include <cudnn.h>

#include <cstddef>

#include "core/context.h"
#include "kernels/conv2d.h"

namespace adma::kernels::cuda {

struct ConvAlgos {
  cudnnConvolutionFwdAlgo_t fwd{};
  cudnnConvolutionBwdDataAlgo_t bwd_data{};
  cudnnConvolutionBwdFilterAlgo_t bwd_filter{};
  cudnnMathType_t fwd_math = CUDNN_FMA_MATH, bwd_data_math = CUDNN_FMA_MATH, bwd_filter_math = CUDNN_FMA_MATH;
  size_t fwd_bytes = 0, bwd_data_bytes = 0, bwd_filter_bytes = 0;
};

// Whether backward algorithms must be deterministic: BackendOptions::cudnn_deterministic
// (ADMA_CUDNN_DETERMINISTIC, read once with the other backend options).
bool cudnn_deterministic();

// The algorithms for this geometry: found on first use (descriptors as the setup
// made them; `conv` is left with the math type of the search), cached per device.
ConvAlgos conv_algos(Context& ctx, const Conv2dGeometry& g, bool tf32, cudnnTensorDescriptor_t x,
                     cudnnFilterDescriptor_t w, cudnnConvolutionDescriptor_t conv, cudnnTensorDescriptor_t y);

// How many searches have run in this process (tests: a second graph adds none).
int conv_algo_searches();

}  // namespace adma::kernels::cuda
