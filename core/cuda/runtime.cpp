// CUDA runtime side of core/cuda/runtime.h: devices, memory, copies, handles.
#include "core/cuda/runtime.h"

#include <cstdio>

#include "core/cuda/check.h"

namespace adma::cuda_rt {

const char* cublas_status_string(cublasStatus_t s) { return cublasGetStatusString(s); }

bool built_with_cuda() { return true; }

int device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" error so later checks are clean
    return 0;
  }
  return n;
}

std::string no_device_reason() {
  int n = 0;
  cudaError_t err = cudaGetDeviceCount(&n);
  cudaGetLastError();
  if (err != cudaSuccess) return cudaGetErrorString(err);
  if (n == 0) return "the CUDA runtime reports no devices";
  return "";
}

std::string device_name(int device) {
  cudaDeviceProp prop{};
  CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  return prop.name;
}

void* malloc(size_t bytes, int device) {
  CUDA_CHECK(cudaSetDevice(device));
  void* p = nullptr;
  cudaError_t err = cudaMalloc(&p, bytes);
  if (err != cudaSuccess) {
    cudaGetLastError();
    size_t free_b = 0, total_b = 0;
    cudaMemGetInfo(&free_b, &total_b);
    ADMA_THROW("cudaMalloc of ", bytes, " bytes (", bytes / (1024.0 * 1024.0), " MiB) on cuda:", device,
               " failed: ", cudaGetErrorString(err), "; free ", free_b / (1024.0 * 1024.0), " MiB of ",
               total_b / (1024.0 * 1024.0), " MiB");
  }
  return p;
}

void free(void* ptr, int device) noexcept {
  if (!ptr) return;
  cudaSetDevice(device);
  cudaFree(ptr);
}

static cudaMemcpyKind to_cuda(CopyKind k) {
  switch (k) {
    case CopyKind::HostToDevice: return cudaMemcpyHostToDevice;
    case CopyKind::DeviceToHost: return cudaMemcpyDeviceToHost;
    default: return cudaMemcpyDeviceToDevice;
  }
}

void memcpy_sync(void* dst, const void* src, size_t bytes, CopyKind kind, int device) {
  CUDA_CHECK(cudaSetDevice(device));
  // Work queued on this device's stream must land first: the explicit copy is a sync point.
  CUDA_CHECK(cudaDeviceSynchronize());
  CUDA_CHECK(cudaMemcpy(dst, src, bytes, to_cuda(kind)));
}

void stream_synchronize(void* stream) { CUDA_CHECK(cudaStreamSynchronize(static_cast<cudaStream_t>(stream))); }

void graph_capture_begin(void* stream) {
  CUDA_CHECK(cudaStreamBeginCapture(static_cast<cudaStream_t>(stream), cudaStreamCaptureModeThreadLocal));
}

void* graph_capture_end(void* stream) {
  cudaGraph_t graph = nullptr;
  CUDA_CHECK(cudaStreamEndCapture(static_cast<cudaStream_t>(stream), &graph));
  cudaGraphExec_t exec = nullptr;
  cudaError_t err = cudaGraphInstantiate(&exec, graph, 0);
  cudaGraphDestroy(graph);
  CUDA_CHECK(err);
  return exec;
}

void graph_launch(void* exec, void* stream) {
  CUDA_CHECK(cudaGraphLaunch(static_cast<cudaGraphExec_t>(exec), static_cast<cudaStream_t>(stream)));
}

void graph_destroy(void* exec) noexcept {
  if (exec) cudaGraphExecDestroy(static_cast<cudaGraphExec_t>(exec));
}

Handles create_handles(int device) {
  CUDA_CHECK(cudaSetDevice(device));
  Handles h;
  cudaStream_t stream;
  // A non-blocking stream: the training step never waits on the legacy default stream.
  CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  cudnnHandle_t dnn;
  CUDNN_CHECK(cudnnCreate(&dnn));
  CUDNN_CHECK(cudnnSetStream(dnn, stream));
  cublasHandle_t blas;
  CUBLAS_CHECK(cublasCreate(&blas));
  CUBLAS_CHECK(cublasSetStream(blas, stream));
  // A workspace of our own (32 MiB, NVIDIA's advice for Hopper), so cuBLAS never
  // allocates inside a captured step. Lives as long as the handle: the process.
  constexpr size_t kCublasWorkspace = size_t(32) << 20;
  void* ws = malloc(kCublasWorkspace, device);
  CUBLAS_CHECK(cublasSetWorkspace(blas, ws, kCublasWorkspace));
  h.stream = stream;
  h.cudnn = dnn;
  h.cublas = blas;
  return h;
}

}  // namespace adma::cuda_rt
