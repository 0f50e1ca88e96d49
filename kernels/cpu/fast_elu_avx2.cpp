// AVX2 + FMA body of the fast ELU (kernels/cpu/fast_elu.cpp), compiled with
// -mavx2 -mfma and called only when the CPU has both. expm1 comes from SLEEF
// (Sleef_expm1f8_u10avx2: 1.0 ULP, 8 floats at once).
//   forward   y = x > 0 ? x : alpha expm1(x)     (expm1 of min(x, 0): no overflow)
//   backward  dx += dy (y > 0 ? 1 : y + alpha)   (from the saved output only)
#if defined(ADMA_WITH_SLEEF)
#include <immintrin.h>
#include <sleef.h>

#include <cmath>
#include <cstdint>

namespace adma::kernels::cpu::fast::avx2 {

void elu_forward(const float* x, float* y, int64_t n, float alpha) {
  const __m256 zero = _mm256_setzero_ps(), a = _mm256_set1_ps(alpha);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    const __m256 neg = _mm256_mul_ps(a, Sleef_expm1f8_u10avx2(_mm256_min_ps(v, zero)));
    _mm256_storeu_ps(y + i, _mm256_blendv_ps(neg, v, _mm256_cmp_ps(v, zero, _CMP_GT_OQ)));
  }
  for (; i < n; ++i) y[i] = x[i] > 0 ? x[i] : alpha * std::expm1(x[i]);
}

void elu_forward(const double* x, double* y, int64_t n, double alpha) {
  const __m256d zero = _mm256_setzero_pd(), a = _mm256_set1_pd(alpha);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256d v = _mm256_loadu_pd(x + i);
    const __m256d neg = _mm256_mul_pd(a, Sleef_expm1d4_u10avx2(_mm256_min_pd(v, zero)));
    _mm256_storeu_pd(y + i, _mm256_blendv_pd(neg, v, _mm256_cmp_pd(v, zero, _CMP_GT_OQ)));
  }
  for (; i < n; ++i) y[i] = x[i] > 0 ? x[i] : alpha * std::expm1(x[i]);
}

}  // namespace adma::kernels::cpu::fast::avx2
#endif
