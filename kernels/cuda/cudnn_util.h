// Small RAII owners for cuDNN descriptors and accessors for the context's
// stream and handles: everything the CUDA kernels share.
#pragma once
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <mutex>
#include <vector>

#include "core/context.h"
#include "core/cuda/check.h"
#include "core/tensor.h"
#include "kernels/cuda/cudnn_dims.h"

namespace adma::kernels::cuda {

inline cudaStream_t stream_of(const Context& ctx) { return static_cast<cudaStream_t>(ctx.stream); }
inline cudnnHandle_t cudnn_of(const Context& ctx) { return static_cast<cudnnHandle_t>(ctx.cudnn); }
inline cublasHandle_t cublas_of(const Context& ctx) { return static_cast<cublasHandle_t>(ctx.cublas); }

// The CUDA backend is fp32: double exists for CPU gradient checks only.
inline void expect_f32(const char* op, DType t) {
  ADMA_CHECK(t == DType::F32, op, ": the CUDA backend computes in float32, got ", dtype_name(t));
}

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

inline const float* cptr(const Tensor& t) { return static_cast<const float*>(t.raw()); }
inline float* ptr(Tensor& t) { return static_cast<float*>(t.raw()); }

// cudaFuncSetAttribute(MaxDynamicSharedMemorySize) holds for the current device
// only: make `ctx`'s device current (the launch that follows needs it anyway) and
// opt `kernel` in to `bytes` of dynamic shared memory there, once per (kernel, device).
template <typename Kernel>
void allow_dynamic_shared_memory(const Context& ctx, Kernel kernel, size_t bytes) {
  int current = -1;
  CUDA_CHECK(cudaGetDevice(&current));
  if (current != ctx.device.index) CUDA_CHECK(cudaSetDevice(ctx.device.index));
  struct Done {
    const void* kernel;
    int device;
    size_t bytes;
  };
  static std::mutex mu;
  static std::vector<Done> done;
  const void* k = reinterpret_cast<const void*>(kernel);
  std::lock_guard<std::mutex> lock(mu);
  for (const auto& d : done)
    if (d.kernel == k && d.device == ctx.device.index && d.bytes >= bytes) return;
  CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes)));
  done.push_back({k, ctx.device.index, bytes});
}

// cuDNN's alpha/beta blending scalars: beta = 1 makes a backward accumulate.
constexpr float kOne = 1.0f;
constexpr float kZero = 0.0f;

}  // namespace adma::kernels::cuda
