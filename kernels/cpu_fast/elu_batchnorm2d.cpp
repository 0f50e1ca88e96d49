// Fast CPU ELU + batch norm (kernels/elu_batchnorm2d.h, cpu_fast::): batch norm's fast
// loops (kernels/cpu_fast/batchnorm2d.cpp, channels over threads) over z = elu(x), where
// z is never a tensor of its own. What the fusion saves on a CPU is memory traffic: the
// separate ELU streams x in and z out through DRAM (6.4 MB each for the ConvNet's first
// block at batch 64), and batch norm then reads z back twice, channel by channel. Here
// one channel's z (N HW values, 200 KB in that block) is made once in y, where the
// statistics and the normalisation find it in L2:
//   forward (train)  y = elu(x) plane by plane (the vector ELU of elu_body.h), the sums
//                    from y, then y = scale y + shift in place;
//   forward (eval)   per plane y = elu(x), then y = scale y + shift while it is in L1;
//   backward         z recomputed from x in chunks of kChunk values on the stack (two
//                    vector ELUs per element, cheaper than two more DRAM passes):
//                    dz = A dy + B (z - mean) + C as in batchnorm2d.cpp, and
//                    dx += dz elu'(x), elu'(x) = 1 for x > 0, else z + alpha.
// The sums are the fast batch norm's: a plane in T, then in double.
#include <algorithm>
#include <cmath>

#include "kernels/cpu/typed.h"
#include "kernels/cpu_fast/elu_isa.h"
#include "kernels/cpu_fast/parallel.h"
#include "kernels/elu_batchnorm2d.h"

namespace adma::kernels {

namespace cpu_fast {
namespace {
using cpu::typed;
// [N, C, H, W] or [N, C] seen as N x C x HW.
struct Dims {
  int64_t n, c, hw;
};
Dims dims_of(const Shape& s) { return {s[0], s[1], s.numel_from(2)}; }
// Values of z kept on the stack at a time in backward (8 KB in double).
constexpr int64_t kChunk = 1024;
}  // namespace
}  // namespace cpu_fast

void cpu_fast::elu_batchnorm2d_setup_init(Context&, EluBatchNorm2dSetup&) {}  // nothing to decide on the CPU

void cpu_fast::elu_batchnorm2d_forward_train(Context&, const EluBatchNorm2dSetup& p, const Tensor& x,
                                             const Tensor& gamma, const Tensor& beta, Tensor& rm, Tensor& rv,
                                             Tensor& sm, Tensor& si, Tensor& y) {
  const Dims d = dims_of(p.shape);
  const double m = static_cast<double>(d.n * d.hw);  // > 1: checked above the dispatch
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    const T alpha = static_cast<T>(p.alpha);
    parallel_for(d.c, threads_for(d.n * d.c * d.hw), [&](int64_t c, int) {
      double sum = 0;
      for (int64_t n = 0; n < d.n; ++n) {
        T* z = py + (n * d.c + c) * d.hw;
        elu_forward_span(px + (n * d.c + c) * d.hw, z, d.hw, alpha);
        T part = 0;
#pragma omp simd reduction(+ : part)
        for (int64_t i = 0; i < d.hw; ++i) part += z[i];
        sum += part;
      }
      const double mean = sum / m;
      const T tm = static_cast<T>(mean);
      double sq = 0;
      for (int64_t n = 0; n < d.n; ++n) {
        const T* z = py + (n * d.c + c) * d.hw;
        T part = 0;
#pragma omp simd reduction(+ : part)
        for (int64_t i = 0; i < d.hw; ++i) part += (z[i] - tm) * (z[i] - tm);
        sq += part;
      }
      const double var = sq / m;
      const double invstd = 1.0 / std::sqrt(var + p.eps);
      const double g = gamma.data<T>()[c], b = beta.data<T>()[c];
      const T scale = static_cast<T>(g * invstd), shift = static_cast<T>(b - g * invstd * mean);
      for (int64_t n = 0; n < d.n; ++n) {
        T* z = py + (n * d.c + c) * d.hw;
#pragma omp simd
        for (int64_t i = 0; i < d.hw; ++i) z[i] = scale * z[i] + shift;
      }
      const double f = 1.0 - p.momentum;
      rm.data<T>()[c] = static_cast<T>((1 - f) * rm.data<T>()[c] + f * mean);
      rv.data<T>()[c] = static_cast<T>((1 - f) * rv.data<T>()[c] + f * var * m / (m - 1));
      sm.data<T>()[c] = static_cast<T>(mean);
      si.data<T>()[c] = static_cast<T>(invstd);
    });
  });
}

// Plane by plane in memory order, as batchnorm2d.cpp's eval (one stream through x and y).
void cpu_fast::elu_batchnorm2d_forward_eval(Context&, const EluBatchNorm2dSetup& p, const Tensor& x,
                                            const Tensor& gamma, const Tensor& beta, const Tensor& rm,
                                            const Tensor& rv, Tensor& y) {
  const Dims d = dims_of(p.shape);
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    const T alpha = static_cast<T>(p.alpha);
    parallel_for(d.n * d.c, threads_for(d.n * d.c * d.hw), [&](int64_t plane, int) {
      const int64_t c = plane % d.c;
      const double sc = gamma.data<T>()[c] / std::sqrt(static_cast<double>(rv.data<T>()[c]) + p.eps);
      const T a = static_cast<T>(sc), b = static_cast<T>(beta.data<T>()[c] - sc * rm.data<T>()[c]);
      T* out = py + plane * d.hw;
      elu_forward_span(px + plane * d.hw, out, d.hw, alpha);
#pragma omp simd
      for (int64_t i = 0; i < d.hw; ++i) out[i] = a * out[i] + b;
    });
  });
}

void cpu_fast::elu_batchnorm2d_backward(Context&, const EluBatchNorm2dSetup& p, const Tensor& x, const Tensor& dy,
                                        const Tensor& gamma, const Tensor& sm, const Tensor& si, Tensor& dx,
                                        Tensor& dgamma, Tensor& dbeta) {
  const Dims d = dims_of(p.shape);
  const double m = static_cast<double>(d.n * d.hw);
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *px = x.data<T>(), *pdy = dy.data<T>();
    T* pdx = dx.defined() ? dx.data<T>() : nullptr;
    const T alpha = static_cast<T>(p.alpha);
    parallel_for(d.c, threads_for(d.n * d.c * d.hw), [&](int64_t c, int) {
      T z[kChunk];
      const double mean = sm.data<T>()[c], invstd = si.data<T>()[c];
      const T tm = static_cast<T>(mean);
      // sum dy and sum dy (z - mean); sum dy zhat = invstd sum dy (z - mean).
      double sum_dy = 0, sum_dy_z = 0;
      for (int64_t n = 0; n < d.n; ++n) {
        const int64_t base = (n * d.c + c) * d.hw;
        for (int64_t at = 0; at < d.hw; at += kChunk) {
          const int64_t k = std::min(kChunk, d.hw - at);
          const T* g = pdy + base + at;
          elu_forward_span(px + base + at, z, k, alpha);
          T a = 0, b = 0;
#pragma omp simd reduction(+ : a, b)
          for (int64_t i = 0; i < k; ++i) {
            a += g[i];
            b += g[i] * (z[i] - tm);
          }
          sum_dy += a;
          sum_dy_z += b;
        }
      }
      const double sum_dy_zhat = invstd * sum_dy_z;
      dbeta.data<T>()[c] += static_cast<T>(sum_dy);
      dgamma.data<T>()[c] += static_cast<T>(sum_dy_zhat);
      if (pdx == nullptr) return;
      const double A = gamma.data<T>()[c] * invstd, B = -A * invstd * sum_dy_zhat / m, C = -A * sum_dy / m;
      const T ta = static_cast<T>(A), tb = static_cast<T>(B), tc = static_cast<T>(C);
      for (int64_t n = 0; n < d.n; ++n) {
        const int64_t base = (n * d.c + c) * d.hw;
        for (int64_t at = 0; at < d.hw; at += kChunk) {
          const int64_t k = std::min(kChunk, d.hw - at);
          const T *xs = px + base + at, *g = pdy + base + at;
          T* out = pdx + base + at;
          elu_forward_span(xs, z, k, alpha);
          // elu'(x) as arithmetic on the comparison, not a select: GCC leaves `x > 0 ? 1 : z + alpha`
          // a scalar branch here even under omp simd (4x slower on real activations).
#pragma omp simd
          for (int64_t i = 0; i < k; ++i) {
            const T pos = static_cast<T>(xs[i] > T(0));
            const T slope = pos + (T(1) - pos) * (z[i] + alpha);
            out[i] += (ta * g[i] + tb * (z[i] - tm) + tc) * slope;
          }
        }
      }
    });
  });
}

}  // namespace adma::kernels
