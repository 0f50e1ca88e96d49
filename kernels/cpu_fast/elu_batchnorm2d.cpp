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
#include "kernels/cpu_fast/batchnorm_loops.h"
#include "kernels/cpu_fast/elu_isa.h"
#include "kernels/cpu_fast/parallel.h"
#include "kernels/elu_batchnorm2d.h"

namespace adma::kernels {

namespace cpu_fast {
namespace {
using cpu::typed;
// Values of z kept on the stack at a time in backward (8 KB in double).
constexpr int64_t kChunk = 1024;
}  // namespace
}  // namespace cpu_fast

void cpu_fast::elu_batchnorm2d_forward_train(Context&, const EluBatchNorm2dSetup& p, const Tensor& x,
                                             const Tensor& gamma, const Tensor& beta, Tensor& rm, Tensor& rv,
                                             Tensor& sm, Tensor& si, Tensor& y) {
  const BatchNormPlanes d(p.shape);
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    const T alpha = static_cast<T>(p.alpha);
    parallel_for(d.c, threads_for(d.n * d.c * d.hw), [&](int64_t c, int) {
      // z = elu(x) is made in y's plane, where the later passes read it and the
      // normalisation overwrites it.
      auto make_z = [&](int64_t n) {
        elu_forward_span(px + d.plane(n, c), py + d.plane(n, c), d.hw, alpha);
        return static_cast<const T*>(py + d.plane(n, c));
      };
      auto z_again = [&](int64_t n) { return static_cast<const T*>(py + d.plane(n, c)); };
      batchnorm_train_channel<T>(d, c, p.momentum, p.eps, make_z, z_again, gamma, beta, rm, rv, sm, si, py);
    });
  });
}

// Plane by plane in memory order, as batchnorm2d.cpp's eval (one stream through x and y):
// elu(x) into y's plane, then the affine map in place while the plane is in L1.
void cpu_fast::elu_batchnorm2d_forward_eval(Context&, const EluBatchNorm2dSetup& p, const Tensor& x,
                                            const Tensor& gamma, const Tensor& beta, const Tensor& rm,
                                            const Tensor& rv, Tensor& y) {
  const BatchNormPlanes d(p.shape);
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T alpha = static_cast<T>(p.alpha);
    parallel_for(d.n * d.c, threads_for(d.n * d.c * d.hw), [&](int64_t plane, int) {
      T* out = y.data<T>() + plane * d.hw;
      elu_forward_span(x.data<T>() + plane * d.hw, out, d.hw, alpha);
      batchnorm_eval_plane<T>(plane % d.c, d.hw, p.eps, out, gamma, beta, rm, rv, out);
    });
  });
}

void cpu_fast::elu_batchnorm2d_backward(Context&, const EluBatchNorm2dSetup& p, const Tensor& x, const Tensor& dy,
                                        const Tensor& gamma, const Tensor& sm, const Tensor& si, Tensor& dx,
                                        Tensor& dgamma, Tensor& dbeta) {
  const BatchNormPlanes d(p.shape);
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
        const int64_t base = d.plane(n, c);
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
      const auto coef = batchnorm_grad_coefficients<T>(c, m, invstd, sum_dy, sum_dy_z, gamma, dgamma, dbeta);
      if (pdx == nullptr) return;
      const T ta = static_cast<T>(coef.a), tb = static_cast<T>(coef.b), tc = static_cast<T>(coef.c);
      for (int64_t n = 0; n < d.n; ++n) {
        const int64_t base = d.plane(n, c);
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
