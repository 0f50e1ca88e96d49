// Batch norm's per-channel loops over z = f(x), written once for the CPU reference of
// BatchNorm2d (f = identity) and of the fused ELU + batch norm (f = elu): the same sums in
// double, the same order, so the two references agree to the last bit where f is exact.
//   forward (train):  mean_c = E[z], var_c = E[(z - mean_c)^2], y = gamma_c (z - mean_c) invstd_c + beta_c
//   backward:         zhat = (z - mean_c) invstd_c,
//                     dz = gamma_c invstd_c / m (m dy - sum dy - zhat sum dy zhat),  dx += dz f'(x)
// A tensor is [N, C, H, W] (or [N, C]) seen as N x C x HW; m = N HW > 1 (checked above the dispatch).
#pragma once
#include <cmath>
#include <cstdint>

#include "core/shape.h"
#include "core/tensor.h"

namespace adma::kernels::cpu {

struct BatchNormDims {
  int64_t n, c, hw;
  explicit BatchNormDims(const Shape& s) : n(s[0]), c(s[1]), hw(s.numel_from(2)) {}
  int64_t at(int64_t in, int64_t ic, int64_t i) const { return (in * c + ic) * hw + i; }
};

// Training forward: y, the running statistics (Keras' momentum: new = momentum old +
// (1 - momentum) batch, with the unbiased variance) and the saved mean / invstd.
template <typename T, typename F>
void batchnorm_forward_train_loops(const Shape& shape, double momentum, double eps, const T* px, F f,
                                   const Tensor& gamma, const Tensor& beta, Tensor& rm, Tensor& rv, Tensor& sm,
                                   Tensor& si, T* py) {
  const BatchNormDims d(shape);
  const double m = static_cast<double>(d.n * d.hw);
  for (int64_t c = 0; c < d.c; ++c) {
    double sum = 0;
    for (int64_t n = 0; n < d.n; ++n)
      for (int64_t i = 0; i < d.hw; ++i) sum += f(px[d.at(n, c, i)]);
    const double mean = sum / m;
    double sq = 0;
    for (int64_t n = 0; n < d.n; ++n)
      for (int64_t i = 0; i < d.hw; ++i) {
        const double v = f(px[d.at(n, c, i)]) - mean;
        sq += v * v;
      }
    const double var = sq / m;
    const double invstd = 1.0 / std::sqrt(var + eps);
    const double g = gamma.data<T>()[c], b = beta.data<T>()[c];
    for (int64_t n = 0; n < d.n; ++n)
      for (int64_t i = 0; i < d.hw; ++i) {
        const int64_t at = d.at(n, c, i);
        py[at] = static_cast<T>(g * (f(px[at]) - mean) * invstd + b);
      }
    const double f_new = 1.0 - momentum;  // cuDNN's exponentialAverageFactor, as its reference computes it
    rm.data<T>()[c] = static_cast<T>((1 - f_new) * rm.data<T>()[c] + f_new * mean);
    rv.data<T>()[c] = static_cast<T>((1 - f_new) * rv.data<T>()[c] + f_new * var * m / (m - 1));
    sm.data<T>()[c] = static_cast<T>(mean);
    si.data<T>()[c] = static_cast<T>(invstd);
  }
}

// Evaluation forward with the running statistics: y = scale_c f(x) + shift_c.
template <typename T, typename F>
void batchnorm_forward_eval_loops(const Shape& shape, double eps, const T* px, F f, const Tensor& gamma,
                                  const Tensor& beta, const Tensor& rm, const Tensor& rv, T* py) {
  const BatchNormDims d(shape);
  for (int64_t c = 0; c < d.c; ++c) {
    const double scale = gamma.data<T>()[c] / std::sqrt(static_cast<double>(rv.data<T>()[c]) + eps);
    const double shift = beta.data<T>()[c] - scale * rm.data<T>()[c];
    for (int64_t n = 0; n < d.n; ++n)
      for (int64_t i = 0; i < d.hw; ++i) {
        const int64_t at = d.at(n, c, i);
        py[at] = static_cast<T>(scale * f(px[at]) + shift);
      }
  }
}

// Backward: dgamma, dbeta accumulated; dx accumulated when `pdx` is not null, through
// f'(x) = slope(x).
template <typename T, typename F, typename Slope>
void batchnorm_backward_loops(const Shape& shape, const T* px, F f, Slope slope, const T* pdy, const Tensor& gamma,
                              const Tensor& sm, const Tensor& si, T* pdx, Tensor& dgamma, Tensor& dbeta) {
  const BatchNormDims d(shape);
  const double m = static_cast<double>(d.n * d.hw);
  for (int64_t c = 0; c < d.c; ++c) {
    const double mean = sm.data<T>()[c], invstd = si.data<T>()[c];
    double sum_dy = 0, sum_dy_zhat = 0;
    for (int64_t n = 0; n < d.n; ++n)
      for (int64_t i = 0; i < d.hw; ++i) {
        const int64_t at = d.at(n, c, i);
        sum_dy += pdy[at];
        sum_dy_zhat += pdy[at] * (f(px[at]) - mean) * invstd;
      }
    dbeta.data<T>()[c] += static_cast<T>(sum_dy);
    dgamma.data<T>()[c] += static_cast<T>(sum_dy_zhat);
    if (pdx == nullptr) continue;
    const double k = gamma.data<T>()[c] * invstd / m;
    for (int64_t n = 0; n < d.n; ++n)
      for (int64_t i = 0; i < d.hw; ++i) {
        const int64_t at = d.at(n, c, i);
        const double zhat = (f(px[at]) - mean) * invstd;
        pdx[at] += static_cast<T>(k * (m * pdy[at] - sum_dy - zhat * sum_dy_zhat) * slope(px[at]));
      }
  }
}

}  // namespace adma::kernels::cpu
