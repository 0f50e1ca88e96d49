// Fast CPU fill and axpy (kernels/elementwise.h, cpu_fast::): ranges over threads. Clearing the
// activation gradients before every training step is the largest fill (as many
// bytes as the activations), so zero is a memset.
#include <algorithm>
#include <cstring>

#include "kernels/cpu/typed.h"
#include "kernels/cpu_fast/parallel.h"
#include "kernels/elementwise.h"

namespace adma::kernels {

namespace cpu_fast {
namespace {
constexpr int64_t kPer = 1 << 16;  // elements per task
}
}  // namespace cpu_fast

void cpu_fast::fill(Context&, Tensor& y, double value) {
  cpu::typed(y.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = y.data<T>();
    const int64_t n = y.numel();
    const T v = static_cast<T>(value);
    parallel_for((n + kPer - 1) / kPer, threads_for(n), [&](int64_t task, int) {
      const int64_t lo = task * kPer, hi = std::min(n, lo + kPer);
      if (value == 0.0) {
        std::memset(p + lo, 0, sizeof(T) * (hi - lo));
      } else {
#pragma omp simd
        for (int64_t i = lo; i < hi; ++i) p[i] = v;
      }
    });
  });
}

void cpu_fast::axpy(Context&, double alpha, const Tensor& x, Tensor& y) {
  cpu::typed(y.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    const T a = static_cast<T>(alpha);
    const int64_t n = y.numel();
    parallel_for((n + kPer - 1) / kPer, threads_for(n), [&](int64_t task, int) {
      const int64_t lo = task * kPer, hi = std::min(n, lo + kPer);
#pragma omp simd
      for (int64_t i = lo; i < hi; ++i) py[i] += a * px[i];
    });
  });
}

}  // namespace adma::kernels
