// Stream-ordered zeroing (core/zero.h).
#include "core/zero.h"

#include <algorithm>
#include <cstring>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "core/cuda/runtime.h"

namespace adma {

namespace {
// On the CPU a large clear is split over the OpenMP threads (as many as the fast
// backend uses: kernels::set_cpu_threads): one core's stores do not reach the memory
// bandwidth, and a training step clears its activation gradients (tens of MB at batch
// 64) before every forward. Below 1 MiB one memset is cheaper than waking threads.
void cpu_zero(char* p, size_t bytes) {
#if defined(_OPENMP)
  const int64_t nt = std::min<int64_t>(omp_get_max_threads(), static_cast<int64_t>(bytes >> 20));
  if (nt > 1) {
#pragma omp parallel num_threads(static_cast<int>(nt))
    {
      const int64_t t = omp_get_thread_num(), T = omp_get_num_threads();
      // 64-byte aligned split points, so no two threads write one cache line
      const size_t lo = std::min(bytes, static_cast<size_t>(bytes * t / T) / 64 * 64);
      const size_t hi = t + 1 == T ? bytes : std::min(bytes, static_cast<size_t>(bytes * (t + 1) / T) / 64 * 64);
      if (hi > lo) std::memset(p + lo, 0, hi - lo);
    }
    return;
  }
#endif
  std::memset(p, 0, bytes);
}
}  // namespace

void zero(Context& ctx, const Tensor& t) {
  if (!t.defined() || t.nbytes() == 0) return;
  ADMA_CHECK(t.device() == ctx.device, "zero: a tensor on ", t.device().str(), " with the context of ",
             ctx.device.str());
  if (ctx.is_cuda())
    cuda_rt::memset_async(t.raw(), 0, t.nbytes(), t.device().index, ctx.stream);
  else
    cpu_zero(static_cast<char*>(t.raw()), t.nbytes());
}

}  // namespace adma
