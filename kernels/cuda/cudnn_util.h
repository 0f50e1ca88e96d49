// What the cuDNN wrappers (kernels/cuda/cudnn_*.cpp) share: the context's cuDNN
// handle, small RAII owners for cuDNN descriptors, and the alpha/beta scalars. The
// general CUDA helpers (stream, pointers, float32 check) come from kernels/cuda/cuda_util.h.
#pragma once
#include <cudnn.h>

#include "core/context.h"
#include "core/cuda/check.h"
#include "core/tensor.h"
#include "kernels/cuda/cuda_util.h"
#include "kernels/cuda/cudnn_dims.h"

namespace adma::kernels::cuda {

inline cudnnHandle_t cudnn_of(const Context& ctx) { return static_cast<cudnnHandle_t>(ctx.cudnn); }

// NCHW fully-packed descriptor; a shape of rank < 4 is padded with trailing 1s
// ([N, C] -> N, C, 1, 1); rank > 4 or dimensions beyond int are refused (cudnn_dims.h).
struct TensorDesc {
  cudnnTensorDescriptor_t d = nullptr;
  TensorDesc() { CUDNN_CHECK(cudnnCreateTensorDescriptor(&d)); }
  explicit TensorDesc(const Shape& s) : TensorDesc() { set(s); }
  void set(const Shape& s) {
    const auto dims = cudnn_nchw(s);
    CUDNN_CHECK(cudnnSetTensor4dDescriptor(d, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, dims[0], dims[1], dims[2], dims[3]));
  }
  ~TensorDesc() { cudnnDestroyTensorDescriptor(d); }
  TensorDesc(const TensorDesc&) = delete;
  TensorDesc& operator=(const TensorDesc&) = delete;
};

struct FilterDesc {
  cudnnFilterDescriptor_t d = nullptr;
  FilterDesc(int k, int c, int r, int s) {
    CUDNN_CHECK(cudnnCreateFilterDescriptor(&d));
    CUDNN_CHECK(cudnnSetFilter4dDescriptor(d, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, k, c, r, s));
  }
  ~FilterDesc() { cudnnDestroyFilterDescriptor(d); }
  FilterDesc(const FilterDesc&) = delete;
  FilterDesc& operator=(const FilterDesc&) = delete;
};

// cuDNN's alpha/beta blending scalars: beta = 1 makes a backward accumulate.
constexpr float kOne = 1.0f;
constexpr float kZero = 0.0f;

}  // namespace adma::kernels::cuda
