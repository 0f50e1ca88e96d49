// The backends' options from the environment (core/backend_options.h): every
// ADMA_CPU_* / ADMA_CUDNN_* / ADMA_FUSED_* / ADMA_FOLD_* variable is read here and nowhere else.
#include "core/backend_options.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "core/error.h"

// The CMake option ADMA_CUDNN_DETERMINISTIC (CUDA builds) sets the default.
#ifndef ADMA_CUDNN_DETERMINISTIC_DEFAULT
#define ADMA_CUDNN_DETERMINISTIC_DEFAULT 1
#endif

namespace adma {

namespace {

// The variable's value, or null when it is unset or empty (both mean "the default").
const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

void read_flag(const char* name, bool& out) {
  const char* v = env(name);
  if (!v) return;
  const std::string s(v);
  ADMA_CHECK(s == "0" || s == "1", name, "=", s, ": expected 0 or 1");
  out = s == "1";
}

}  // namespace

const char* vector_isa_name(VectorIsa isa) {
  switch (isa) {
    case VectorIsa::Avx512:
      return "AVX-512";
    case VectorIsa::Avx2:
      return "AVX2";
    default:
      return "scalar";
  }
}

BackendOptions BackendOptions::from_environment() {
  BackendOptions o;
  o.cudnn_deterministic = ADMA_CUDNN_DETERMINISTIC_DEFAULT != 0;
  read_flag("ADMA_CPU_REFERENCE", o.cpu_reference);
  if (const char* v = env("ADMA_CPU_ISA")) {
    const std::string s(v);
    if (s == "avx512")
      o.isa_cap = VectorIsa::Avx512;
    else if (s == "avx2")
      o.isa_cap = VectorIsa::Avx2;
    else if (s == "scalar")
      o.isa_cap = VectorIsa::Scalar;
    else
      ADMA_THROW("ADMA_CPU_ISA=", s, ": expected avx512, avx2 or scalar (a cap on what this CPU has)");
  }
  if (const char* v = env("ADMA_CPU_CONV")) {
    const std::string s(v);
    ADMA_CHECK(s == "onednn" || s == "own", "ADMA_CPU_CONV=", s,
               ": expected onednn (float32 convolutions by oneDNN where it serves them) or own (the own kernels)");
    o.conv = s == "own" ? CpuConvEngine::Own : CpuConvEngine::OneDnn;
  }
  read_flag("ADMA_CPU_WINOGRAD", o.winograd);
  if (const char* v = env("ADMA_CPU_CONV_CHUNK")) {
    char* end = nullptr;
    const long long n = std::strtoll(v, &end, 10);
    ADMA_CHECK(*end == '\0' && n >= 1, "ADMA_CPU_CONV_CHUNK=", v, ": expected a whole number of images, at least 1");
    o.conv_chunk = n;
  }
  read_flag("ADMA_CUDNN_DETERMINISTIC", o.cudnn_deterministic);
  read_flag("ADMA_FUSED_ELU_BN", o.fused_elu_bn);
  read_flag("ADMA_FOLD_BN", o.fold_bn);
  return o;
}

std::vector<std::string> BackendOptions::describe() const {
  // "NAME=value", padded to one column, then what it means.
  auto line = [](std::string setting, const std::string& meaning) {
    setting.resize(std::max<size_t>(setting.size() + 2, 29), ' ');
    return setting + meaning;
  };
  auto flag = [](bool b) { return std::string(b ? "1" : "0"); };
  const char* isa = isa_cap == VectorIsa::Avx512 ? "avx512" : isa_cap == VectorIsa::Avx2 ? "avx2" : "scalar";
  const bool own = conv == CpuConvEngine::Own;
  return {
      line("ADMA_CPU_REFERENCE=" + flag(cpu_reference),
           cpu_reference ? "CPU contexts start on the reference kernels (kernels/cpu/)"
                         : "CPU contexts start on the fast backend (kernels/cpu_fast/)"),
      line(std::string("ADMA_CPU_ISA=") + isa, "cap on the fast backend's vector unit (avx512: none, avx2, scalar)"),
      line(std::string("ADMA_CPU_CONV=") + (own ? "own" : "onednn"),
           own ? "float32 convolutions by the own im2col kernels" : "float32 convolutions by oneDNN where it serves them"),
      line("ADMA_CPU_WINOGRAD=" + flag(winograd),
           winograd ? "oneDNN's Winograd for 3x3 stride-1 layers of 16+ input channels" : "oneDNN's direct convolutions only"),
      line("ADMA_CPU_CONV_CHUNK=" + std::to_string(conv_chunk), "images per chunk of oneDNN's convolutions"),
      line("ADMA_CUDNN_DETERMINISTIC=" + flag(cudnn_deterministic),
           cudnn_deterministic ? "cuDNN backward convolutions: deterministic algorithms only"
                               : "cuDNN backward convolutions: the fastest found"),
      line("ADMA_FUSED_ELU_BN=" + flag(fused_elu_bn),
           fused_elu_bn ? "models fuse ELU + batch norm into one node (layers/elu_batchnorm2d.h)"
                        : "models build ELU and batch norm as separate nodes (cuDNN's on a GPU)"),
      line("ADMA_FOLD_BN=" + flag(fold_bn),
           fold_bn ? "evaluation folds each conv/dense -> batch norm pair into one layer (no batch-norm pass)"
                   : "evaluation runs batch norm as its own pass"),
  };
}

BackendOptions& backend_options() {
  static BackendOptions options = BackendOptions::from_environment();
  return options;
}

}  // namespace adma
