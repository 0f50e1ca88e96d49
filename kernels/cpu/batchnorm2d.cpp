// CPU reference of kernels/batchnorm2d.h; sums in double for a stable reference.
#include "kernels/batchnorm2d.h"

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
}  // namespace
}  // namespace cpu

void cpu::batchnorm2d_setup_init(Context&, BatchNorm2dSetup&) {}  // nothing to decide on the CPU

void cpu::batchnorm2d_forward_train(Context&, const BatchNorm2dSetup& p, const Tensor& x, const Tensor& gamma,
                                    const Tensor& beta, Tensor& rm, Tensor& rv, Tensor& sm, Tensor& si, Tensor& y) {
  const Dims d = dims_of(p.shape);
  const double m = static_cast<double>(d.n * d.hw);  // > 1: checked above the dispatch
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    for (int64_t c = 0; c < d.c; ++c) {
      double sum = 0;
      for (int64_t n = 0; n < d.n; ++n)
        for (int64_t i = 0; i < d.hw; ++i) sum += px[(n * d.c + c) * d.hw + i];
      const double mean = sum / m;
      double sq = 0;
      for (int64_t n = 0; n < d.n; ++n)
        for (int64_t i = 0; i < d.hw; ++i) {
          const double v = px[(n * d.c + c) * d.hw + i] - mean;
          sq += v * v;
        }
      const double var = sq / m;
      const double invstd = 1.0 / std::sqrt(var + p.eps);
      const double g = gamma.data<T>()[c], b = beta.data<T>()[c];
      for (int64_t n = 0; n < d.n; ++n)
        for (int64_t i = 0; i < d.hw; ++i) {
          const int64_t at = (n * d.c + c) * d.hw + i;
          py[at] = static_cast<T>(g * (px[at] - mean) * invstd + b);
        }
      const double f = 1.0 - p.momentum;
      rm.data<T>()[c] = static_cast<T>((1 - f) * rm.data<T>()[c] + f * mean);
      rv.data<T>()[c] = static_cast<T>((1 - f) * rv.data<T>()[c] + f * var * m / (m - 1));
      sm.data<T>()[c] = static_cast<T>(mean);
      si.data<T>()[c] = static_cast<T>(invstd);
    }
  });
}

void cpu::batchnorm2d_forward_eval(Context&, const BatchNorm2dSetup& p, const Tensor& x, const Tensor& gamma,
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
          py[at] = static_cast<T>(scale * px[at] + shift);
        }
    }
  });
}

void cpu::batchnorm2d_backward(Context&, const BatchNorm2dSetup& p, const Tensor& x, const Tensor& dy,
                               const Tensor& gamma, const Tensor& sm, const Tensor& si, Tensor& dx, Tensor& dgamma,
                               Tensor& dbeta) {
  const Dims d = dims_of(p.shape);
  const double m = static_cast<double>(d.n * d.hw);  // > 1: checked above the dispatch
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *px = x.data<T>(), *pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    for (int64_t c = 0; c < d.c; ++c) {
      const double mean = sm.data<T>()[c], invstd = si.data<T>()[c];
      double sum_dy = 0, sum_dy_xhat = 0;
      for (int64_t n = 0; n < d.n; ++n)
        for (int64_t i = 0; i < d.hw; ++i) {
          const int64_t at = (n * d.c + c) * d.hw + i;
          sum_dy += pdy[at];
          sum_dy_xhat += pdy[at] * (px[at] - mean) * invstd;
        }
      dbeta.data<T>()[c] += static_cast<T>(sum_dy);
      dgamma.data<T>()[c] += static_cast<T>(sum_dy_xhat);
      const double k = gamma.data<T>()[c] * invstd / m;
      for (int64_t n = 0; n < d.n; ++n)
        for (int64_t i = 0; i < d.hw; ++i) {
          const int64_t at = (n * d.c + c) * d.hw + i;
          const double xhat = (px[at] - mean) * invstd;
          pdx[at] += static_cast<T>(k * (m * pdy[at] - sum_dy - xhat * sum_dy_xhat));
        }
    }
  });
}

}  // namespace adma::kernels
