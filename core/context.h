// Context: the per-device execution state every kernel takes first: the device, the
// backend its kernels run on, and on CUDA the stream all work of a step is queued on
// and the cuDNN and cuBLAS handles bound to that stream.
#pragma once
#include "core/device.h"

namespace adma {

// Which kernels serve a context (kernels/dispatch.h calls cpu::, cpu_fast:: or cuda::).
//   CpuReference  kernels/cpu/: plain loops and OpenBLAS GEMM, the readable reference
//   CpuFast       kernels/cpu_fast/: oneDNN, OpenMP and SIMD, held to the reference by tests
//   Cuda          kernels/cuda/: own kernels, cuDNN, cuBLAS
enum class Backend { CpuReference, CpuFast, Cuda };
const char* backend_name(Backend b);  // "cpu reference", "cpu fast", "cuda"

struct Context {
  Device device;
  void* stream = nullptr;  // cudaStream_t
  void* cudnn = nullptr;   // cudnnHandle_t
  void* cublas = nullptr;  // cublasHandle_t
  // TF32 tensor cores in convolutions and GEMMs. Off by default so CUDA results
  // match the fp32 CPU reference to 1e-7 NMSE; training may turn it on.
  bool allow_tf32 = false;
  // The one field the dispatch reads. A CUDA context is Cuda; a CPU context starts on
  // CpuFast, or CpuReference under ADMA_CPU_REFERENCE=1 (core/backend_options.h).
  // Tests and benchmarks switch a CPU context between the two CPU backends; a setup
  // made on CpuFast also serves CpuReference (not the other way round).
  Backend backend = Backend::CpuFast;

  // One context per device, created on first use and kept for the process.
  static Context& get(Device device);
  static Context& cpu() { return get(Device::cpu()); }
  bool is_cuda() const { return device.is_cuda(); }
  // Waits for all queued work (no-op on the CPU). Never called inside a step.
  void synchronize();
};

}  // namespace adma
