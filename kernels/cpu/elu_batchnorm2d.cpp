// CPU reference of kernels/elu_batchnorm2d.h: batch norm's loops (kernels/cpu/batchnorm2d.cpp)
// over z = elu(x) computed where it is read; sums in double for a stable reference.
#include "kernels/elu_batchnorm2d.h"

#include <cmath>

#include "kernels/cpu/typed.h"

namespace adma::kernels {

namespace cpu {
namespace {
// [N, C, H, W] or [N, C] seen as N x C x HW.
struct Dims {
  int64_t n, c, hw;
};
Dims dims_of(const Shape& s) { return {s[0], s[1], s.numel_from(2)}; }
// z = elu(x), and dz/dx = 1 for x > 0, else alpha exp(x) = z + alpha.
double elu(double x, double alpha) { return x > 0 ? x : alpha * std::expm1(x); }
double elu_slope(double x, double alpha) { return x > 0 ? 1.0 : alpha * std::exp(x); }
}  // namespace
}  // namespace cpu

void cpu::elu_batchnorm2d_setup_init(Context&, EluBatchNorm2dSetup&) {}  // nothing to decide on the CPU

void cpu::elu_batchnorm2d_forward_train(Context&, const EluBatchNorm2dSetup& p, const Tensor& x, const Tensor& gamma,
                                        const Tensor& beta, Tensor& rm, Tensor& rv, Tensor& sm, Tensor& si,
                                        Tensor& y) {
  const Dims d = dims_of(p.shape);
  const double m = static_cast<double>(d.n * d.hw);  // > 1: checked above the dispatch
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    for (int64_t c = 0; c < d.c; ++c) {
      double sum = 0;
      for (int64_t n = 0; n < d.n; ++n)
        for (int64_t i = 0; i < d.hw; ++i) sum += elu(px[(n * d.c + c) * d.hw + i], p.alpha);
      const double mean = sum / m;
      double sq = 0;
      for (int64_t n = 0; n < d.n; ++n)
        for (int64_t i = 0; i < d.hw; ++i) {
          const double v = elu(px[(n * d.c + c) * d.hw + i], p.alpha) - mean;
          sq += v * v;
        }
      const double var = sq / m;
      const double invstd = 1.0 / std::sqrt(var + p.eps);
      const double g = gamma.data<T>()[c], b = beta.data<T>()[c];
      for (int64_t n = 0; n < d.n; ++n)
        for (int64_t i = 0; i < d.hw; ++i) {
          const int64_t at = (n * d.c + c) * d.hw + i;
          py[at] = static_cast<T>(g * (elu(px[at], p.alpha) - mean) * invstd + b);
        }
      const double f = 1.0 - p.momentum;
      rm.data<T>()[c] = static_cast<T>((1 - f) * rm.data<T>()[c] + f * mean);
      rv.data<T>()[c] = static_cast<T>((1 - f) * rv.data<T>()[c] + f * var * m / (m - 1));
      sm.data<T>()[c] = static_cast<T>(mean);
      si.data<T>()[c] = static_cast<T>(invstd);
    }
  });
}

void cpu::elu_batchnorm2d_forward_eval(Context&, const EluBatchNorm2dSetup& p, const Tensor& x, const Tensor& gamma,
                                       const Tensor& beta, const Tensor& rm, const Tensor& rv, Tensor& y) {
  const Dims d = dims_of(p.shape);
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    for (int64_t c = 0; c < d.c; ++c) {
      const double scale = gamma.data<T>()[c] / std::sqrt(static_cast<double>(rv.data<T>()[c]) + p.eps);
      const double shift = beta.data<T>()[c] - scale * rm.data<T>()[c];
      for (int64_t n = 0; n < d.n; ++n)
        for (int64_t i = 0; i < d.hw; ++i) {
          const int64_t at = (n * d.c + c) * d.hw + i;
          py[at] = static_cast<T>(scale * elu(px[at], p.alpha) + shift);
        }
    }
  });
}

void cpu::elu_batchnorm2d_backward(Context&, const EluBatchNorm2dSetup& p, const Tensor& x, const Tensor& dy,
                                   const Tensor& gamma, const Tensor& sm, const Tensor& si, Tensor& dx,
                                   Tensor& dgamma, Tensor& dbeta) {
  const Dims d = dims_of(p.shape);
  const double m = static_cast<double>(d.n * d.hw);
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *px = x.data<T>(), *pdy = dy.data<T>();
    for (int64_t c = 0; c < d.c; ++c) {
      const double mean = sm.data<T>()[c], invstd = si.data<T>()[c];
      double sum_dy = 0, sum_dy_zhat = 0;
      for (int64_t n = 0; n < d.n; ++n)
        for (int64_t i = 0; i < d.hw; ++i) {
          const int64_t at = (n * d.c + c) * d.hw + i;
          sum_dy += pdy[at];
          sum_dy_zhat += pdy[at] * (elu(px[at], p.alpha) - mean) * invstd;
        }
      dbeta.data<T>()[c] += static_cast<T>(sum_dy);
      dgamma.data<T>()[c] += static_cast<T>(sum_dy_zhat);
      if (!dx.defined()) continue;
      T* pdx = dx.data<T>();
      const double k = gamma.data<T>()[c] * invstd / m;
      for (int64_t n = 0; n < d.n; ++n)
        for (int64_t i = 0; i < d.hw; ++i) {
          const int64_t at = (n * d.c + c) * d.hw + i;
          const double zhat = (elu(px[at], p.alpha) - mean) * invstd;
          const double dz = k * (m * pdy[at] - sum_dy - zhat * sum_dy_zhat);
          pdx[at] += static_cast<T>(dz * elu_slope(px[at], p.alpha));
        }
    }
  });
}

}  // namespace adma::kernels
