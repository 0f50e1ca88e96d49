// Fast CPU batch normalisation (kernels/batchnorm2d.h, cpu_fast::): channels over threads; per
// channel the reference's two-pass statistics (mean, then centred squares, summed
// in double) as vectorised loops, and the normalisation as y = scale x + shift.
// Backward folds dx += gamma invstd / M (M dy - sum dy - xhat sum(dy xhat)) into
//   dx += A dy + B (x - mean) + C,  A = gamma invstd,  B = -A invstd sum(dy xhat) / M,
//                                   C = -A sum(dy) / M.
#include <cmath>

#include "kernels/batchnorm2d.h"
#include "kernels/cpu/typed.h"
#include "kernels/cpu_fast/parallel.h"

namespace adma::kernels {

namespace cpu_fast {
namespace {
using cpu::typed;
// [N, C, H, W] or [N, C] seen as N x C x HW.
struct Dims {
  int64_t n, c, hw;
};
Dims dims_of(const Shape& s) { return {s[0], s[1], s.numel_from(2)}; }
}  // namespace
}  // namespace cpu_fast

void cpu_fast::batchnorm2d_forward_train(Context&, const BatchNorm2dSetup& p, const Tensor& x, const Tensor& gamma,
                                         const Tensor& beta, Tensor& rm, Tensor& rv, Tensor& sm, Tensor& si,
                                         Tensor& y) {
  const Dims d = dims_of(p.shape);
  const double m = static_cast<double>(d.n * d.hw);  // > 1: checked above the dispatch
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    parallel_for(d.c, threads_for(d.n * d.c * d.hw), [&](int64_t c, int) {
      double sum = 0;
      for (int64_t n = 0; n < d.n; ++n) {
        const T* row = px + (n * d.c + c) * d.hw;
        T part = 0;  // one plane in T (at most a few thousand terms), then into double
#pragma omp simd reduction(+ : part)
        for (int64_t i = 0; i < d.hw; ++i) part += row[i];
        sum += part;
      }
      const double mean = sum / m;
      double sq = 0;
      const T tm = static_cast<T>(mean);
      for (int64_t n = 0; n < d.n; ++n) {
        const T* row = px + (n * d.c + c) * d.hw;
        T part = 0;
#pragma omp simd reduction(+ : part)
        for (int64_t i = 0; i < d.hw; ++i) part += (row[i] - tm) * (row[i] - tm);
        sq += part;
      }
      const double var = sq / m;
      const double invstd = 1.0 / std::sqrt(var + p.eps);
      const double g = gamma.data<T>()[c], b = beta.data<T>()[c];
      const T scale = static_cast<T>(g * invstd), shift = static_cast<T>(b - g * invstd * mean);
      for (int64_t n = 0; n < d.n; ++n) {
        const T* in = px + (n * d.c + c) * d.hw;
        T* out = py + (n * d.c + c) * d.hw;
#pragma omp simd
        for (int64_t i = 0; i < d.hw; ++i) out[i] = scale * in[i] + shift;
      }
      const double f = 1.0 - p.momentum;
      rm.data<T>()[c] = static_cast<T>((1 - f) * rm.data<T>()[c] + f * mean);
      rv.data<T>()[c] = static_cast<T>((1 - f) * rv.data<T>()[c] + f * var * m / (m - 1));
      sm.data<T>()[c] = static_cast<T>(mean);
      si.data<T>()[c] = static_cast<T>(invstd);
    });
  });
}

// Eval: y = scale_c x + shift_c with the running statistics, plane by plane in memory
// order (image by image), so the pass streams through x and y once; going channel by
// channel over the batch instead jumps C * H * W floats between planes (batch 256, one
// thread, first block: 2.92 -> 1.31 ms; batch 64: 0.60 -> 0.31 ms). Each plane
// recomputes its channel's scale and shift: a table of them computed first saved
// 0.01-0.03 ms per 7x7 node and nothing on larger planes, not worth its size limit.
void cpu_fast::batchnorm2d_forward_eval(Context&, const BatchNorm2dSetup& p, const Tensor& x, const Tensor& gamma,
                                        const Tensor& beta, const Tensor& rm, const Tensor& rv, Tensor& y) {
  const Dims d = dims_of(p.shape);
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    parallel_for(d.n * d.c, threads_for(d.n * d.c * d.hw), [&](int64_t plane, int) {
      const int64_t c = plane % d.c;
      const double sc = gamma.data<T>()[c] / std::sqrt(static_cast<double>(rv.data<T>()[c]) + p.eps);
      const T a = static_cast<T>(sc), b = static_cast<T>(beta.data<T>()[c] - sc * rm.data<T>()[c]);
      const T* in = px + plane * d.hw;
      T* out = py + plane * d.hw;
#pragma omp simd
      for (int64_t i = 0; i < d.hw; ++i) out[i] = a * in[i] + b;
    });
  });
}

void cpu_fast::batchnorm2d_backward(Context&, const BatchNorm2dSetup& p, const Tensor& x, const Tensor& dy,
                                    const Tensor& gamma, const Tensor& sm, const Tensor& si, Tensor& dx,
                                    Tensor& dgamma, Tensor& dbeta) {
  const Dims d = dims_of(p.shape);
  const double m = static_cast<double>(d.n * d.hw);
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *px = x.data<T>(), *pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    parallel_for(d.c, threads_for(d.n * d.c * d.hw), [&](int64_t c, int) {
      const double mean = sm.data<T>()[c], invstd = si.data<T>()[c];
      // sum dy and sum dy x; sum dy xhat = invstd (sum dy x - mean sum dy).
      double sum_dy = 0, sum_dy_x = 0;
      for (int64_t n = 0; n < d.n; ++n) {
        const T *row = px + (n * d.c + c) * d.hw, *g = pdy + (n * d.c + c) * d.hw;
        T a = 0, b = 0;
        const T tm = static_cast<T>(mean);
#pragma omp simd reduction(+ : a, b)
        for (int64_t i = 0; i < d.hw; ++i) {
          a += g[i];
          b += g[i] * (row[i] - tm);
        }
        sum_dy += a;
        sum_dy_x += b;
      }
      const double sum_dy_xhat = invstd * sum_dy_x;
      dbeta.data<T>()[c] += static_cast<T>(sum_dy);
      dgamma.data<T>()[c] += static_cast<T>(sum_dy_xhat);
      const double A = gamma.data<T>()[c] * invstd, B = -A * invstd * sum_dy_xhat / m, C = -A * sum_dy / m;
      const T ta = static_cast<T>(A), tb = static_cast<T>(B), tc = static_cast<T>(C), tm = static_cast<T>(mean);
      for (int64_t n = 0; n < d.n; ++n) {
        const T *row = px + (n * d.c + c) * d.hw, *g = pdy + (n * d.c + c) * d.hw;
        T* out = pdx + (n * d.c + c) * d.hw;
#pragma omp simd
        for (int64_t i = 0; i < d.hw; ++i) out[i] += ta * g[i] + tb * (row[i] - tm) + tc;
      }
    });
  });
}

}  // namespace adma::kernels
