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

// Device memory. Out of memory throws with the bytes asked for and free/total.
void* malloc(size_t bytes, int device);
void free(void* ptr, int device) noexcept;

enum class CopyKind { HostToDevice, DeviceToHost, DeviceToDevice };
// Synchronous copy (waits for the device): the explicit, visible copy between devices.
void memcpy_sync(void* dst, const void* src, size_t bytes, CopyKind kind, int device);
void stream_synchronize(void* stream);

// CUDA graphs: everything queued on `stream` between begin and end becomes one
// executable graph (thread-local capture mode: a stray synchronous call fails it).
void graph_capture_begin(void* stream);
void* graph_capture_end(void* stream);
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
