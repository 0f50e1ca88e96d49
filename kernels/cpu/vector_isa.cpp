// Which vector unit the fast path's own elementwise kernels use (kernels/cpu/fast.h):
// the widest this CPU has, read once. ADMA_CPU_ISA=avx2 or scalar caps it, so a
// machine with AVX-512 can measure what a machine without it would do (with
// ONEDNN_MAX_CPU_ISA=AVX2 for oneDNN's convolutions: benchmarks/cpu_side_by_side.py --isa avx2).
#include <cstdlib>
#include <string>

#include "core/error.h"
#include "kernels/cpu/fast.h"

namespace adma::kernels::cpu::fast {

namespace {
VectorIsa detect() {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f")) return VectorIsa::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return VectorIsa::Avx2;
#endif
  return VectorIsa::Scalar;
}

VectorIsa capped() {
  const VectorIsa have = detect();
  const char* e = std::getenv("ADMA_CPU_ISA");
  if (!e || !*e) return have;
  const std::string want(e);
  VectorIsa cap;
  if (want == "avx512") {
    cap = VectorIsa::Avx512;
  } else if (want == "avx2") {
    cap = VectorIsa::Avx2;
  } else if (want == "scalar") {
    cap = VectorIsa::Scalar;
  } else {
    ADMA_THROW("ADMA_CPU_ISA=", want, ": expected avx512, avx2 or scalar (a cap on what this CPU has)");
  }
  return cap < have ? cap : have;
}
}  // namespace

VectorIsa vector_isa() {
  static const VectorIsa isa = capped();
  return isa;
}

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

}  // namespace adma::kernels::cpu::fast
