// Checked calls for the CUDA runtime, cuDNN and cuBLAS: a failure throws
// adma::InternalError with the call's text, the library's status string, file and line.
// Include only from CUDA-side files (core/cuda, kernels/cuda).
#pragma once
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include "core/error.h"

namespace adma::cuda_rt {
const char* cublas_status_string(cublasStatus_t s);
}

#define CUDA_CHECK(call)                                                              \
  do {                                                                                \
    cudaError_t err_ = (call);                                                        \
    if (err_ != cudaSuccess)                                                          \
      ADMA_THROW_INTERNAL(#call, " failed: ", cudaGetErrorName(err_), " (", cudaGetErrorString(err_), ")"); \
  } while (0)

#define CUDNN_CHECK(call)                                                             \
  do {                                                                                \
    cudnnStatus_t st_ = (call);                                                       \
    if (st_ != CUDNN_STATUS_SUCCESS) ADMA_THROW_INTERNAL(#call, " failed: ", cudnnGetErrorString(st_)); \
  } while (0)

#define CUBLAS_CHECK(call)                                                            \
  do {                                                                                \
    cublasStatus_t st_ = (call);                                                      \
    if (st_ != CUBLAS_STATUS_SUCCESS)                                                 \
      ADMA_THROW_INTERNAL(#call, " failed: ", ::adma::cuda_rt::cublas_status_string(st_));     \
  } while (0)

// After a kernel launch: catches bad launch configurations at once.
#define CUDA_CHECK_LAUNCH() CUDA_CHECK(cudaGetLastError())
