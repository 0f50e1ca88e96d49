// The fast backend's vector unit (kernels/cpu_fast/vector_isa.h).
#include "kernels/cpu_fast/vector_isa.h"

namespace adma::kernels::cpu_fast {

namespace {
VectorIsa detect() {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f")) return VectorIsa::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return VectorIsa::Avx2;
#endif
  return VectorIsa::Scalar;
}
}  // namespace

VectorIsa vector_isa() {
  static const VectorIsa have = detect();
  const VectorIsa cap = backend_options().isa_cap;
  return cap < have ? cap : have;
}

}  // namespace adma::kernels::cpu_fast
