// What every CUDA kernel file shares, cuDNN or not: the context's stream, the float32
// check, raw device pointers of tensors, and the opt-in to large dynamic shared
// memory. The cuDNN descriptors and handles are in kernels/cuda/cudnn_util.h.
#pragma once
#include <cuda_runtime.h>

#include <mutex>
#include <vector>

#include "core/context.h"
#include "core/cuda/check.h"
#include "core/tensor.h"

namespace adma::kernels::cuda {

inline cudaStream_t stream_of(const Context& ctx) { return static_cast<cudaStream_t>(ctx.stream); }

// The CUDA backend is fp32: double exists for CPU gradient checks only.
inline void expect_f32(const char* op, DType t) {
  ADMA_CHECK(t == DType::F32, op, ": the CUDA backend computes in float32, got ", dtype_name(t));
}

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

}  // namespace adma::kernels::cuda
