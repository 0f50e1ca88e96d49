// Threads and description of the CPU backends (kernels/cpu_backend.h).
#include "kernels/cpu_backend.h"

#include "core/backend_options.h"
#include "core/error.h"
#include "kernels/cpu/typed.h"
#include "kernels/cpu_fast/dnnl_conv2d.h"
#include "kernels/cpu_fast/vector_isa.h"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace adma::kernels {

namespace {
bool sleef_built() {
#if defined(ADMA_WITH_SLEEF)
  return true;
#else
  return false;
#endif
}
}  // namespace

void set_cpu_threads(int n) {
  ADMA_CHECK(n >= 1, "CPU thread count must be at least 1, got ", n);
#if defined(_OPENMP)
  omp_set_num_threads(n);
#endif
  cpu::blas_single_threaded();
}

int cpu_threads() {
#if defined(_OPENMP)
  return omp_get_max_threads();
#else
  return 1;
#endif
}

std::string cpu_backends_description(Backend in_use) {
  const BackendOptions& o = backend_options();
  std::string s = in_use == Backend::CpuReference ? "reference backend in use" : "fast backend in use";
  s += "; fast (kernels/cpu_fast/): ";
#if defined(_OPENMP)
  s += "OpenMP over " + std::to_string(cpu_threads()) + " thread(s)";
#else
  s += "built without OpenMP (one thread)";
#endif
  if (!cpu_fast::dnnl_available())
    s += ", convolutions by own im2col kernels (oneDNN " + cpu_fast::dnnl_version() + ")";
  else if (o.conv == CpuConvEngine::Own)
    s += ", convolutions by own im2col kernels (" + cpu_fast::dnnl_version() + " not used: ADMA_CPU_CONV=own)";
  else
    s += ", float32 convolutions by " + cpu_fast::dnnl_version() + (o.winograd ? " (Winograd or direct)" : " (direct)") +
         ", float64 by own im2col kernels";
  const VectorIsa isa = cpu_fast::vector_isa();
  s += isa != VectorIsa::Scalar ? std::string(", ") + vector_isa_name(isa) + " vector expm1 (float64 by " +
                                      (sleef_built() ? "SLEEF)" : "scalar libm: no SLEEF)")
                                : ", scalar expm1";
  s += "; reference (kernels/cpu/): plain loops, OpenBLAS GEMM, one thread";
  return s;
}

}  // namespace adma::kernels
