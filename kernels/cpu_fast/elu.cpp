// Fast CPU ELU (kernels/elu.h, cpu_fast::): chunks of the tensor over threads; within a
// chunk the vector loops of kernels/cpu_fast/elu_body.h (own expm1 for float32, SLEEF's
// for float64) on the widest vector unit the CPU has, AVX-512 (16 floats) or AVX2 + FMA
// (8), else the reference's scalar formula. Backward reads only the saved output:
// ELU'(x) = 1 for y > 0, else y + alpha.
#include <algorithm>
#include <cmath>

#include "kernels/cpu/typed.h"
#include "kernels/cpu_fast/elu_isa.h"
#include "kernels/cpu_fast/parallel.h"
#include "kernels/cpu_fast/vector_isa.h"
#include "kernels/elu.h"

namespace adma::kernels {

namespace cpu_fast {
namespace {
// Splits [0, n) into one contiguous chunk per thread (a multiple of 64 elements) and calls f(begin, count).
template <typename F>
void chunked(int64_t n, F&& f) {
  const int nt = threads_for(n);
  const int64_t chunk = ((n + nt - 1) / nt + 63) / 64 * 64;
  parallel_for(nt, nt, [&](int64_t t, int) {
    const int64_t lo = std::min(n, t * chunk), hi = std::min(n, lo + chunk);
    if (hi > lo) f(lo, hi - lo);
  });
}
// dx += dy ELU'(x) from the output alone, on raw pointers so the loop vectorises.
template <typename T>
void elu_backward_range(const T* __restrict y, const T* __restrict dy, T* __restrict dx, int64_t n, T alpha) {
  for (int64_t i = 0; i < n; ++i) {
    const T v = y[i];
    dx[i] += dy[i] * (v > T(0) ? T(1) : v + alpha);
  }
}
}  // namespace
}  // namespace cpu_fast

namespace cpu_fast {
namespace {
template <typename T>
void elu_span(const T* x, T* y, int64_t n, T alpha) {
#if defined(__x86_64__)
  const VectorIsa isa = vector_isa();
  if (isa == VectorIsa::Avx512) return avx512::elu_forward(x, y, n, alpha);
  if (isa == VectorIsa::Avx2) return avx2::elu_forward(x, y, n, alpha);
#endif
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] > 0 ? x[i] : alpha * std::expm1(x[i]);
}
}  // namespace
void elu_forward_span(const float* x, float* y, int64_t n, float alpha) { elu_span(x, y, n, alpha); }
void elu_forward_span(const double* x, double* y, int64_t n, double alpha) { elu_span(x, y, n, alpha); }
}  // namespace cpu_fast

void cpu_fast::elu_forward(Context&, const EluSetup& p, const Tensor& x, Tensor& y) {
  cpu::typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    const T alpha = static_cast<T>(p.alpha);
    chunked(x.numel(), [&](int64_t at, int64_t n) { elu_forward_span(px + at, py + at, n, alpha); });
  });
}

void cpu_fast::elu_backward(Context&, const EluSetup& p, const Tensor&, const Tensor& y, const Tensor& dy,
                            Tensor& dx) {
  cpu::typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *py = y.data<T>(), *pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    const T alpha = static_cast<T>(p.alpha);
    const VectorIsa isa = vector_isa();
    chunked(y.numel(), [&](int64_t at, int64_t n) {
#if defined(__x86_64__)
      if (isa == VectorIsa::Avx512) return avx512::elu_backward(py + at, pdy + at, pdx + at, n, alpha);
      if (isa == VectorIsa::Avx2) return avx2::elu_backward(py + at, pdy + at, pdx + at, n, alpha);
#endif
      (void)isa;
      elu_backward_range(py + at, pdy + at, pdx + at, n, alpha);
    });
  });
}

}  // namespace adma::kernels
