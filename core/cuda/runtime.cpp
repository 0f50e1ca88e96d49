// CUDA runtime side of core/cuda/runtime.h: devices, memory, copies, handles.
#include "core/cuda/runtime.h"

#include <cstdio>
#include <vector>

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

DeviceInfo device_info(int device) {
  cudaDeviceProp prop{};
  CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  DeviceInfo d;
  d.name = prop.name;
  d.cc_major = prop.major;
  d.cc_minor = prop.minor;
  d.sms = prop.multiProcessorCount;
  d.shared_per_block_optin = prop.sharedMemPerBlockOptin;
  CUDA_CHECK(cudaSetDevice(device));
  CUDA_CHECK(cudaMemGetInfo(&d.free_bytes, &d.total_bytes));
  return d;
}

namespace {
// 13000 -> "13.0" (CUDA's encoding: 1000 * major + 10 * minor).
std::string cuda_version_str(int v) { return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10); }
}  // namespace

std::string versions() {
  int driver = 0, runtime = 0;
  std::string s;
  if (cudaDriverGetVersion(&driver) == cudaSuccess && driver > 0)
    s = "driver " + cuda_version_str(driver) + " (highest CUDA it supports)";
  else
    s = "driver: none";
  cudaGetLastError();
  CUDA_CHECK(cudaRuntimeGetVersion(&runtime));
  s += ", runtime " + cuda_version_str(runtime);
  // cuDNN 9 encodes its version as 10000 * major + 100 * minor + patch.
  const size_t dnn = cudnnGetVersion();
  s += ", cuDNN " + std::to_string(dnn / 10000) + "." + std::to_string((dnn % 10000) / 100) + "." +
       std::to_string(dnn % 100);
  int major = 0, minor = 0, patch = 0;
  cublasGetProperty(MAJOR_VERSION, &major);
  cublasGetProperty(MINOR_VERSION, &minor);
  cublasGetProperty(PATCH_LEVEL, &patch);
  s += ", cuBLAS " + std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  return s;
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

void* host_alloc_pinned(size_t bytes) {
  void* p = nullptr;
  cudaError_t err = cudaHostAlloc(&p, bytes, cudaHostAllocDefault);
  if (err != cudaSuccess) {
    cudaGetLastError();
    ADMA_THROW("cudaHostAlloc of ", bytes, " bytes (", bytes / (1024.0 * 1024.0),
               " MiB) of page-locked host memory failed: ", cudaGetErrorString(err));
  }
  return p;
}

void host_free_pinned(void* ptr) noexcept {
  if (ptr) cudaFreeHost(ptr);
}

// Every copy and fill goes on the context's stream. The context stream is
// cudaStreamNonBlocking, so it never waits for the legacy default stream: a
// plain cudaMemcpy/cudaMemset (legacy stream) would not be ordered with the
// kernels at all (a pageable host-to-device cudaMemcpy returns once the data is
// staged, before the DMA lands, and a kernel on the context stream may read first).
// Makes `device` current only when it is not (as PyTorch's device guard does): the
// check is a host-side query, safe while a stream is being captured.
static void use_device(int device) {
  int current = -1;
  CUDA_CHECK(cudaGetDevice(&current));
  if (current != device) CUDA_CHECK(cudaSetDevice(device));
}

void memcpy_async(void* dst, const void* src, size_t bytes, CopyKind kind, int device, void* stream) {
  use_device(device);
  CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, to_cuda(kind), static_cast<cudaStream_t>(stream)));
}

void memset_async(void* ptr, int byte, size_t bytes, int device, void* stream) {
  use_device(device);
  CUDA_CHECK(cudaMemsetAsync(ptr, byte, bytes, static_cast<cudaStream_t>(stream)));
}

void memcpy_sync(void* dst, const void* src, size_t bytes, CopyKind kind, int device, void* stream) {
  memcpy_async(dst, src, bytes, kind, device, stream);
  // The host reads (device-to-host) or may reuse (host-to-device) its buffer next.
  stream_synchronize(stream);
}

void stream_synchronize(void* stream) { CUDA_CHECK(cudaStreamSynchronize(static_cast<cudaStream_t>(stream))); }

void graph_capture_begin(void* stream) {
  CUDA_CHECK(cudaStreamBeginCapture(static_cast<cudaStream_t>(stream), cudaStreamCaptureModeThreadLocal));
}

GraphNodeCounts count_graph_nodes(void* graph) {
  GraphNodeCounts c;
  if (!graph) return c;
  cudaGraph_t g = static_cast<cudaGraph_t>(graph);
  size_t n = 0;
  CUDA_CHECK(cudaGraphGetNodes(g, nullptr, &n));  // null array: the count only
  std::vector<cudaGraphNode_t> nodes(n);
  if (n > 0) CUDA_CHECK(cudaGraphGetNodes(g, nodes.data(), &n));
  c.captured = true;
  for (size_t i = 0; i < n; ++i) {
    cudaGraphNodeType type;
    CUDA_CHECK(cudaGraphNodeGetType(nodes[i], &type));
    if (type == cudaGraphNodeTypeKernel)
      ++c.kernels;
    else if (type == cudaGraphNodeTypeMemset)
      ++c.memsets;
    else if (type == cudaGraphNodeTypeMemcpy)
      ++c.memcpys;
    else
      ++c.other;
  }
  return c;
}

void* graph_capture_end(void* stream, GraphNodeCounts* counts) {
  cudaGraph_t graph = nullptr;
  CUDA_CHECK(cudaStreamEndCapture(static_cast<cudaStream_t>(stream), &graph));
  if (counts) {
    try {
      *counts = count_graph_nodes(graph);
    } catch (...) {
      cudaGraphDestroy(graph);
      throw;
    }
  }
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
