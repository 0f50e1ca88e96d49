// The one loop the fast CPU backend threads with: parallel_for(n, threads, f) calls
// f(i, thread) for i in [0, n), split into equal static ranges over up to
// `threads` OpenMP threads (each i on exactly one thread; `thread` < threads
// indexes per-thread scratch). Without OpenMP it is a plain loop on thread 0.
#pragma once
#include <algorithm>
#include <cstdint>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace adma::kernels::cpu_fast {

inline int max_threads() {
#if defined(_OPENMP)
  return omp_get_max_threads();
#else
  return 1;
#endif
}

// Threads worth waking for `elements` of light (memory-bound) work: starting a
// parallel region costs microseconds, more on a busy machine, so small tensors stay on one.
inline int threads_for(int64_t elements) { return elements < (int64_t{1} << 15) ? 1 : max_threads(); }

template <typename F>
void parallel_for(int64_t n, int threads, F&& f) {
  const int nt = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, n)));
#if defined(_OPENMP)
  if (nt > 1) {
#pragma omp parallel num_threads(nt)
    {
      const int t = omp_get_thread_num(), T = omp_get_num_threads();
      const int64_t lo = n * t / T, hi = n * (t + 1) / T;
      for (int64_t i = lo; i < hi; ++i) f(i, t);
    }
    return;
  }
#endif
  for (int64_t i = 0; i < n; ++i) f(i, 0);
}

}  // namespace adma::kernels::cpu_fast
