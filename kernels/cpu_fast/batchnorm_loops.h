// The fast batch norm's per-channel loops over z, written once for BatchNorm2d (z = x)
// and the fused ELU + batch norm (z = elu(x), made into y first): where z comes from is
// the caller's (in training: z_first(n) makes channel c's plane of image n and returns it,
// z_again(n) returns it again; in evaluation the caller passes the plane), the rest is here. The statistics are the reference's two-pass ones
// (mean, then centred squares), each plane summed in T and the planes in double.
// A tensor is [N, C, H, W] (or [N, C]) seen as N x C x HW.
#pragma once
#include <cmath>
#include <cstdint>

#include "core/shape.h"
#include "core/tensor.h"

namespace adma::kernels::cpu_fast {

struct BatchNormPlanes {
  int64_t n, c, hw;
  explicit BatchNormPlanes(const Shape& s) : n(s[0]), c(s[1]), hw(s.numel_from(2)) {}
  int64_t plane(int64_t image, int64_t channel) const { return (image * c + channel) * hw; }
};

// Channel c in training: mean and variance of z over its N planes, y = scale z + shift
// (y may be z itself), the running statistics (Keras's momentum, unbiased variance)
// and the saved mean / invstd. z_first(n) is called once per plane, before z_again(n).
template <typename T, typename ZFirst, typename ZAgain>
void batchnorm_train_channel(const BatchNormPlanes& d, int64_t c, double momentum, double eps, ZFirst&& z_first,
                             ZAgain&& z_again, const Tensor& gamma, const Tensor& beta, Tensor& rm, Tensor& rv, Tensor& sm, Tensor& si,
                             T* py) {
  const double m = static_cast<double>(d.n * d.hw);  // > 1: checked above the dispatch
  double sum = 0;
  for (int64_t n = 0; n < d.n; ++n) {
    const T* z = z_first(n);
    T part = 0;  // one plane in T (at most a few thousand terms), then into double
#pragma omp simd reduction(+ : part)
    for (int64_t i = 0; i < d.hw; ++i) part += z[i];
    sum += part;
  }
  const double mean = sum / m;
  const T tm = static_cast<T>(mean);
  double sq = 0;
  for (int64_t n = 0; n < d.n; ++n) {
    const T* z = z_again(n);
    T part = 0;
#pragma omp simd reduction(+ : part)
    for (int64_t i = 0; i < d.hw; ++i) part += (z[i] - tm) * (z[i] - tm);
    sq += part;
  }
  const double var = sq / m;
  const double invstd = 1.0 / std::sqrt(var + eps);
  const double g = gamma.data<T>()[c], b = beta.data<T>()[c];
  const T scale = static_cast<T>(g * invstd), shift = static_cast<T>(b - g * invstd * mean);
  for (int64_t n = 0; n < d.n; ++n) {
    const T* z = z_again(n);
    T* out = py + d.plane(n, c);
#pragma omp simd
    for (int64_t i = 0; i < d.hw; ++i) out[i] = scale * z[i] + shift;
  }
  const double f = 1.0 - momentum;
  rm.data<T>()[c] = static_cast<T>((1 - f) * rm.data<T>()[c] + f * mean);
  rv.data<T>()[c] = static_cast<T>((1 - f) * rv.data<T>()[c] + f * var * m / (m - 1));
  sm.data<T>()[c] = static_cast<T>(mean);
  si.data<T>()[c] = static_cast<T>(invstd);
}

// Evaluation, one plane of channel c: out = scale z + shift with the running statistics.
template <typename T>
void batchnorm_eval_plane(int64_t c, int64_t hw, double eps, const T* z, const Tensor& gamma, const Tensor& beta,
                          const Tensor& rm, const Tensor& rv, T* out) {
  const double sc = gamma.data<T>()[c] / std::sqrt(static_cast<double>(rv.data<T>()[c]) + eps);
  const T a = static_cast<T>(sc), b = static_cast<T>(beta.data<T>()[c] - sc * rm.data<T>()[c]);
#pragma omp simd
  for (int64_t i = 0; i < hw; ++i) out[i] = a * z[i] + b;
}

// Backward of channel c, after the sums: dbeta += sum dy, dgamma += sum dy zhat, and the
// coefficients of dz = A dy + B (z - mean) + C, which is
// gamma invstd / M (M dy - sum dy - zhat sum(dy zhat)) rearranged:
//   A = gamma invstd,  B = -A invstd sum(dy zhat) / M,  C = -A sum(dy) / M.
struct BatchNormGradCoefficients {
  double a, b, c;
};
template <typename T>
BatchNormGradCoefficients batchnorm_grad_coefficients(int64_t c, double m, double invstd, double sum_dy,
                                                      double sum_dy_centred, const Tensor& gamma, Tensor& dgamma,
                                                      Tensor& dbeta) {
  const double sum_dy_zhat = invstd * sum_dy_centred;
  dbeta.data<T>()[c] += static_cast<T>(sum_dy);
  dgamma.data<T>()[c] += static_cast<T>(sum_dy_zhat);
  const double A = gamma.data<T>()[c] * invstd;
  return {A, -A * invstd * sum_dy_zhat / m, -A * sum_dy / m};
}

}  // namespace adma::kernels::cpu_fast
