// Small RAII owners for cuDNN descriptors and accessors for the context's
// stream and handles: everything the CUDA kernels share.
#pragma once
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include "core/context.h"
#include "core/cuda/check.h"
#include "core/tensor.h"

namespace adma::kernels::cuda {

inline cudaStream_t stream_of(const Context& ctx) { return static_cast<cudaStream_t>(ctx.stream); }
inline cudnnHandle_t cudnn_of(const Context& ctx) { return static_cast<cudnnHandle_t>(ctx.cudnn); }
inline cublasHandle_t cublas_of(const Context& ctx) { return static_cast<cublasHandle_t>(ctx.cublas); }

// The CUDA backend is fp32: double exists for CPU gradient checks only.
inline void expect_f32(const char* op, DType t) {
  ADMA_CHECK(t == DType::F32, op, ": the CUDA backend computes in float32, got ", dtype_name(t));
}

// NCHW fully-packed descriptor; a shape of rank < 4 is padded with trailing 1s ([N, C] -> N, C, 1, 1).
struct TensorDesc {
  cudnnTensorDescriptor_t d = nullptr;
  TensorDesc() { CUDNN_CHECK(cudnnCreateTensorDescriptor(&d)); }
  explicit TensorDesc(const Shape& s) : TensorDesc() { set(s); }
  void set(const Shape& s) {
    int dims[4] = {1, 1, 1, 1};
    for (int i = 0; i < s.rank() && i < 4; ++i) dims[i] = static_cast<int>(s[i]);
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

inline const float* cptr(const Tensor& t) { return static_cast<const float*>(t.raw()); }
inline float* ptr(Tensor& t) { return static_cast<float*>(t.raw()); }

// cuDNN's alpha/beta blending scalars: beta = 1 makes a backward accumulate.
constexpr float kOne = 1.0f;
constexpr float kZero = 0.0f;

}  // namespace adma::kernels::cuda
