// Context: the per-device execution state every kernel takes first. On the CPU
// it is just the device tag; on CUDA it holds the stream all work of a step is
// queued on, and the cuDNN and cuBLAS handles bound to that stream.
#pragma once
#include "core/device.h"

namespace adma {

struct Context {
  Device device;
  void* stream = nullptr;  // cudaStream_t
  void* cudnn = nullptr;   // cudnnHandle_t
  void* cublas = nullptr;  // cublasHandle_t
  // TF32 tensor cores in convolutions and GEMMs. Off by default so CUDA results
  // match the fp32 CPU reference to 1e-7 NMSE; training may turn it on.
  bool allow_tf32 = false;
  // CPU only: run the plain reference kernels instead of the fast path (OpenMP,
  // vectorised; kernels/cpu/fast.h). Starts from ADMA_CPU_REFERENCE=1 in the
  // environment; tests flip it to hold the fast path to the reference.
  bool cpu_reference = false;

  // One context per device, created on first use and kept for the process.
  static Context& get(Device device);
  static Context& cpu() { return get(Device::cpu()); }
  bool is_cuda() const { return device.is_cuda(); }
  // Waits for all queued work (no-op on the CPU). Never called inside a step.
  void synchronize();
};

}  // namespace adma
