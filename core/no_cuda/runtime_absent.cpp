// Linked instead of core/cuda/runtime.cpp when adma is built without CUDA:
// no devices, and a clear error for anything that would need one.
#include "core/cuda/runtime.h"
#include "core/error.h"

#include <cstdint>
#include <cstdlib>

namespace adma::cuda_rt {

namespace {
[[noreturn]] void absent(const char* what) {
  ADMA_THROW(what, ": adma was built without CUDA (configure with -DADMA_CUDA=ON on a machine with nvcc)");
}
}  // namespace

bool built_with_cuda() { return false; }
int device_count() { return 0; }
std::string no_device_reason() { return "adma was built without CUDA (configure with -DADMA_CUDA=ON)"; }
std::string device_name(int) { absent("device_name"); }
void* malloc(size_t, int) { absent("cuda malloc"); }
void free(void*, int) noexcept {}
DeviceInfo device_info(int) { absent("device_info"); }
std::string versions() { return "built without CUDA"; }
// Without CUDA there is nothing to pin for: ordinary host memory (64-byte aligned) serves.
void* host_alloc_pinned(size_t bytes) {
  ADMA_CHECK(bytes <= SIZE_MAX - 63, "host allocation of ", bytes, " bytes is beyond any machine");
  void* p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
  ADMA_CHECK(p != nullptr, "host allocation of ", bytes, " bytes failed");
  return p;
}
void host_free_pinned(void* ptr) noexcept { std::free(ptr); }
void memcpy_async(void*, const void*, size_t, CopyKind, int, void*) { absent("cuda memcpy"); }
void memset_async(void*, int, size_t, int, void*) { absent("cuda memset"); }
void memcpy_sync(void*, const void*, size_t, CopyKind, int, void*) { absent("cuda memcpy"); }
void stream_synchronize(void*) { absent("cuda stream synchronize"); }
Handles create_handles(int) { absent("cuda context"); }
void graph_capture_begin(void*) { absent("cuda graph capture"); }
GraphNodeCounts count_graph_nodes(void*) { return {}; }  // nothing captured without CUDA
void* graph_capture_end(void*, GraphNodeCounts*) { absent("cuda graph capture"); }
void graph_launch(void*, void*) { absent("cuda graph launch"); }
void graph_destroy(void*) noexcept {}

}  // namespace adma::cuda_rt
