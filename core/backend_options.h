// The backends' run-time options, read once from the environment (the ADMA_CPU_* and
// ADMA_CUDNN_* variables) into one struct on first use, and checked there: a bad value
// is an error naming the variable and what it accepts. The kernels read this struct,
// never the environment; `adma devices` prints it. Tests and benchmarks may change a
// field in-process (backend_options() is the one instance); a setup reads it when it
// is made, so a change applies to the setups made after it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace adma {

// The widest vector unit the fast CPU backend's own kernels may use: the CPU's own
// (detected at run time) capped by this.
enum class VectorIsa { Scalar, Avx2, Avx512 };
const char* vector_isa_name(VectorIsa isa);  // "scalar", "AVX2", "AVX-512"

// Which engine serves float32 convolutions on the fast CPU backend.
enum class CpuConvEngine { OneDnn, Own };

struct BackendOptions {
  // ADMA_CPU_REFERENCE=1: CPU contexts start on the reference kernels (kernels/cpu/)
  // instead of the fast backend (kernels/cpu_fast/). Default 0.
  bool cpu_reference = false;
  // ADMA_CPU_ISA=avx512|avx2|scalar: a cap on the vector unit the fast backend's own
  // kernels use (with ONEDNN_MAX_CPU_ISA for oneDNN's). Default: no cap (avx512).
  VectorIsa isa_cap = VectorIsa::Avx512;
  // ADMA_CPU_CONV=onednn|own: oneDNN serves float32 convolutions where it can (default),
  // or the own im2col kernels serve all of them.
  CpuConvEngine conv = CpuConvEngine::OneDnn;
  // ADMA_CPU_WINOGRAD=1|0: oneDNN's Winograd F(4x4, 3x3) where it pays (default 1),
  // or direct convolutions for every pass.
  bool winograd = true;
  // ADMA_CPU_CONV_CHUNK=N: images per chunk of the batch in oneDNN's convolutions (>= 1, default 32).
  int64_t conv_chunk = 32;
  // ADMA_CUDNN_DETERMINISTIC=1|0: deterministic cuDNN backward convolution algorithms
  // only. Default: the CMake option of that name (ON).
  bool cudnn_deterministic = true;
  // ADMA_FUSED_ELU_BN=1|0: models build ELU followed by batch norm as one fused node
  // (layers/elu_batchnorm2d.h: one kernel forward, one backward, on every backend)
  // instead of the Elu and BatchNorm2d nodes (cuDNN's on a GPU). Default 0: the
  // unfused layers stay the default until a GPU run has validated the fused kernels.
  // Read when a model is built.
  bool fused_elu_bn = false;
  // ADMA_FOLD_BN=1|0: at evaluation, a batch norm fed only by a convolution or dense layer
  // runs folded into that layer's weight and bias (core/graph/node.h, "Batch norm folded
  // at evaluation"): no batch-norm pass. Default 1 (exact; tests/test_batchnorm_fold.cpp).
  // Training never folds. Read when a graph is made (Graph::set_fold_batchnorm overrides).
  bool fold_bn = true;

  // The defaults, overridden by whatever the environment sets; throws on a bad value.
  static BackendOptions from_environment();
  // One line per option, "NAME=value  meaning", for `adma devices`.
  std::vector<std::string> describe() const;
};

// The process's options: from_environment() on first use, then whatever code set.
BackendOptions& backend_options();

}  // namespace adma
