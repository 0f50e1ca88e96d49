// AVX-512 body of the fast ELU (kernels/cpu/fast_elu_simd.h), compiled with
// -mavx512f -mfma and called only when the CPU has AVX-512F. The AVX2 body's math
// (fast_elu_avx2.cpp: Taylor series to x^8 on (-0.5, 0], Cody-Waite exp(x) - 1
// below, 1.5 ULP) on 16 lanes instead of 8; the tail of a range is one masked
// vector instead of a scalar loop. Measured on the ConvNet's first activation
// (1.6 M floats, one thread): 0.77 ms with AVX2, 0.40 ms here.
#if defined(__x86_64__)
// GCC 12's AVX-512 headers start some intrinsics from _mm512_undefined_*(), which its
// -Wmaybe-uninitialized reports at every use (GCC bug 105593); the values are defined.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#if defined(ADMA_WITH_SLEEF)
#include <sleef.h>
#endif

#include <cmath>

#include "kernels/cpu/fast_elu_simd.h"

namespace adma::kernels::cpu::fast::avx512 {

namespace {
// expm1(x) for x <= 0 (or NaN, which propagates), 16 floats; constants in fast_elu_simd.h.
inline __m512 expm1_nonpositive(__m512 x) {
  using namespace expm1f;
  const __m512 one = _mm512_set1_ps(1.f);
  x = _mm512_max_ps(_mm512_set1_ps(kClamp), x);
  __m512 p = _mm512_set1_ps(kTaylor[0]);
  for (int i = 1; i < 7; ++i) p = _mm512_fmadd_ps(p, x, _mm512_set1_ps(kTaylor[i]));
  const __m512 small = _mm512_fmadd_ps(_mm512_mul_ps(x, x), p, x);
  const __m512 n =
      _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(kLog2e)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(kLn2Hi), x);  // ln2 in two parts (Cody-Waite)
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(kLn2Lo), r);
  __m512 q = _mm512_set1_ps(kExpQ[0]);
  for (int i = 1; i < 6; ++i) q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(kExpQ[i]));
  const __m512 e = _mm512_add_ps(_mm512_fmadd_ps(_mm512_mul_ps(r, r), q, r), one);  // exp(r)
  const __m512i two_n = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
  const __m512 big = _mm512_fmsub_ps(e, _mm512_castsi512_ps(two_n), one);
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_set1_ps(kSeam), _CMP_GT_OQ), big, small);
}

// The first k < 16 lanes: the tail of a range, as one masked vector. Only the tail:
// masked stores to memory are slow on some AVX-512 CPUs (AMD Zen 4 and 5), so the
// body uses plain ones.
inline __mmask16 tail(int64_t k) { return static_cast<__mmask16>((1u << k) - 1); }
}  // namespace

void elu_forward(const float* x, float* y, int64_t n, float alpha) {
  const __m512 zero = _mm512_setzero_ps(), a = _mm512_set1_ps(alpha);
  auto elu = [&](__m512 v) {
    const __m512 neg = _mm512_mul_ps(a, expm1_nonpositive(_mm512_min_ps(zero, v)));
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, zero, _CMP_GT_OQ), neg, v);
  };
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, elu(_mm512_loadu_ps(x + i)));
  if (i < n) _mm512_mask_storeu_ps(y + i, tail(n - i), elu(_mm512_maskz_loadu_ps(tail(n - i), x + i)));
}

void elu_forward(const double* x, double* y, int64_t n, double alpha) {
  int64_t i = 0;
#if defined(ADMA_WITH_SLEEF)
  const __m512d zero = _mm512_setzero_pd(), a = _mm512_set1_pd(alpha);
  for (; i + 8 <= n; i += 8) {
    const __m512d v = _mm512_loadu_pd(x + i);
    const __m512d neg = _mm512_mul_pd(a, Sleef_expm1d8_u10avx512f(_mm512_min_pd(zero, v)));
    _mm512_storeu_pd(y + i, _mm512_mask_blend_pd(_mm512_cmp_pd_mask(v, zero, _CMP_GT_OQ), neg, v));
  }
#endif
  for (; i < n; ++i) y[i] = x[i] > 0 ? x[i] : alpha * std::expm1(x[i]);
}

// dx += dy (y > 0 ? 1 : y + alpha)
void elu_backward(const float* y, const float* dy, float* dx, int64_t n, float alpha) {
  const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.f), a = _mm512_set1_ps(alpha);
  auto step = [&](__m512 v, __m512 g, __m512 acc) {
    const __m512 d = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, zero, _CMP_GT_OQ), _mm512_add_ps(v, a), one);
    return _mm512_fmadd_ps(g, d, acc);
  };
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(dx + i, step(_mm512_loadu_ps(y + i), _mm512_loadu_ps(dy + i), _mm512_loadu_ps(dx + i)));
  if (i < n) {
    const __mmask16 m = tail(n - i);
    _mm512_mask_storeu_ps(dx + i, m, step(_mm512_maskz_loadu_ps(m, y + i), _mm512_maskz_loadu_ps(m, dy + i),
                                         _mm512_maskz_loadu_ps(m, dx + i)));
  }
}

void elu_backward(const double* y, const double* dy, double* dx, int64_t n, double alpha) {
  const __m512d zero = _mm512_setzero_pd(), one = _mm512_set1_pd(1.0), a = _mm512_set1_pd(alpha);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m512d v = _mm512_loadu_pd(y + i);
    const __m512d d = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(v, zero, _CMP_GT_OQ), _mm512_add_pd(v, a), one);
    _mm512_storeu_pd(dx + i, _mm512_fmadd_pd(_mm512_loadu_pd(dy + i), d, _mm512_loadu_pd(dx + i)));
  }
  for (; i < n; ++i) dx[i] += dy[i] * (y[i] > 0 ? 1.0 : y[i] + alpha);
}

}  // namespace adma::kernels::cpu::fast::avx512
#endif
