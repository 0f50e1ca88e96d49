// Thread control of the CPU backend (kernels/cpu/threads.h).
#include "kernels/cpu/threads.h"

#include <cblas.h>

#include "core/error.h"
#include "kernels/cpu/dnnl_conv2d.h"
#include "kernels/cpu/fast.h"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace adma::kernels::cpu {

namespace {
bool sleef_built() {
#if defined(ADMA_WITH_SLEEF)
  return true;
#else
  return false;
#endif
}
}  // namespace

void set_threads(int n) {
  ADMA_CHECK(n >= 1, "CPU thread count must be at least 1, got ", n);
#if defined(_OPENMP)
  omp_set_num_threads(n);
#endif
  blas_single_threaded();
}

void blas_single_threaded() {
  static const bool pinned = (openblas_set_num_threads(1), true);
  (void)pinned;
}

int threads() {
#if defined(_OPENMP)
  return omp_get_max_threads();
#else
  return 1;
#endif
}

std::string backend_description() {
  std::string s = "reference kernels (plain loops, OpenBLAS GEMM); fast path: ";
#if defined(_OPENMP)
  s += "OpenMP over " + std::to_string(threads()) + " thread(s)";
#else
  s += "built without OpenMP (one thread)";
#endif
  s += dnnl_available() ? ", float32 convolutions by " + dnnl_version() + " (float64: own im2col kernels)"
                        : ", convolutions by own im2col kernels (oneDNN " + dnnl_version() + ")";
  const fast::VectorIsa isa = fast::vector_isa();
  s += isa != fast::VectorIsa::Scalar ? std::string(", ") + fast::vector_isa_name(isa) +
                                            " vector expm1 (float64 by " +
                                            (sleef_built() ? "SLEEF)" : "scalar libm: no SLEEF)")
                                      : ", scalar expm1 (no AVX2)";
  s += "; ADMA_CPU_REFERENCE=1 selects the reference, ADMA_CPU_CONV=own the own convolutions";
  return s;
}

}  // namespace adma::kernels::cpu
