// The few CUDA runtime entry points the core needs, declared without CUDA
// headers so every CPU file can include them. Implemented in core/cuda/runtime.cpp
// when adma is built with CUDA, else in core/no_cuda/runtime_absent.cpp (which
// reports 0 devices and throws "built without CUDA" for everything else).
#pragma once
#include <cstddef>
#include <string>

namespace adma::cuda_rt {

bool built_with_cuda();
// Number of usable devices; 0 (never an exception) when there is no driver or GPU.
int device_count();
// Why device_count() is 0 (the driver's or runtime's words, without a prefix): shown
// everywhere as "no CUDA device: <reason>".
std::string no_device_reason();
std::string device_name(int device);

// What `adma devices` and scripts/gpu-check print first: versions and the device.
struct DeviceInfo {
  std::string name;
  int cc_major = 0, cc_minor = 0;  // compute capability
  int sms = 0;                     // streaming multiprocessors
  size_t total_bytes = 0, free_bytes = 0;
  size_t shared_per_block_optin = 0;  // the most dynamic shared memory a kernel may opt in to
};
DeviceInfo device_info(int device);
// "driver 13.0 (CUDA API), runtime 13.0, cuDNN 9.14.0, cuBLAS 13.0.0"
std::string versions();

// Device memory. Out of memory throws with the bytes asked for and free/total.
void* malloc(size_t bytes, int device);
void free(void* ptr, int device) noexcept;

// Page-locked host memory: the only host memory a stream-ordered copy may read or
// write without the driver staging it (and the only kind a CUDA graph may capture).
void* host_alloc_pinned(size_t bytes);
void host_free_pinned(void* ptr) noexcept;

enum class CopyKind { HostToDevice, DeviceToHost, DeviceToDevice };
// Stream-ordered copy and fill on `stream` (a context's stream, made on `device`):
// they start after all work queued before them on that stream and finish before any
// work queued after. Nothing waits on the host; a host buffer must stay alive (and
// unchanged, for a copy from it) until the stream has passed the copy.
void memcpy_async(void* dst, const void* src, size_t bytes, CopyKind kind, int device, void* stream);
// memset_async is a memset node when captured: how core/zero.h clears the graph's
// arenas and gradients.
void memset_async(void* ptr, int byte, size_t bytes, int device, void* stream);
// memcpy_async, then waits for `stream`: the explicit, visible copy between devices.
// Ordered after every kernel already queued on the stream, so it sees their results.
void memcpy_sync(void* dst, const void* src, size_t bytes, CopyKind kind, int device, void* stream);
void stream_synchronize(void* stream);

// What one captured CUDA graph holds, by node type (cudaGraphNodeGetType): the
// "kernels per step" of issue 18. A graph node is one launch the replay makes, so
// this is the count to cut. `captured` is false where nothing was captured (a CPU
// context, a build without CUDA): str() then says "not captured".
struct GraphNodeCounts {
  bool captured = false;
  int kernels = 0, memsets = 0, memcpys = 0, other = 0;  // other: host, event, child-graph... nodes
  int total() const { return kernels + memsets + memcpys + other; }
  // "37 nodes: 33 kernels, 4 memsets, 0 memcpys, 0 other" or "not captured".
  std::string str() const {
    if (!captured) return "not captured";
    return std::to_string(total()) + " nodes: " + std::to_string(kernels) + " kernels, " + std::to_string(memsets) +
           " memsets, " + std::to_string(memcpys) + " memcpys, " + std::to_string(other) + " other";
  }
};
// The nodes of `graph` (a cudaGraph_t) by type; without CUDA: not captured.
GraphNodeCounts count_graph_nodes(void* graph);

// CUDA graphs: everything queued on `stream` between begin and end becomes one
// executable graph (thread-local capture mode: a stray synchronous call fails it).
// `counts`, when given, receives count_graph_nodes of the captured graph.
void graph_capture_begin(void* stream);
void* graph_capture_end(void* stream, GraphNodeCounts* counts = nullptr);
void graph_launch(void* exec, void* stream);
void graph_destroy(void* exec) noexcept;

// One stream, cuDNN handle and cuBLAS handle per device (see core/context.h).
struct Handles {
  void* stream = nullptr;
  void* cudnn = nullptr;
  void* cublas = nullptr;
};
Handles create_handles(int device);

}  // namespace adma::cuda_rt
