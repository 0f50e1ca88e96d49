// Vector traits of the fast CPU backend, as ggml's simd-mappings.h: each instruction
// set's intrinsics behind one small set of names, so a kernel body (kernels/cpu_fast/
// elu_body.h) is written once and instantiated per instruction set. Vec<Isa, T> gives
//   V, kLanes                      the register type and its lanes of T
//   load, store, set1, zero        unaligned memory, broadcast
//   add, mul, min, max             lane-wise
//   fmadd(a, b, c) = a b + c, fnmadd = c - a b, fmsub = a b - c   (fused, one rounding)
//   gt(a, b), select(m, a, b)      compare (ordered, quiet), then a where m else b
//   kMaskedTail, load_first/store_first   the first k < kLanes lanes (AVX-512 float only)
// and, where the body needs it, round (to nearest), pow2n (2^n for whole n, in the
// exponent bits) for float, and expm1 (SLEEF) for double when built with SLEEF.
// A set's traits exist only in a file compiled for it (-mavx2 -mfma: __AVX2__ and
// __FMA__; -mavx512f: __AVX512F__), and everything here has internal linkage, so no
// instruction of one set can reach a CPU that was only checked for another.
#pragma once
#if defined(__x86_64__)
#include <immintrin.h>

#include <cstdint>

#if defined(ADMA_WITH_SLEEF)
#include <sleef.h>
#endif

namespace adma::kernels::cpu_fast::simd {
namespace {

struct Avx2;
struct Avx512;
template <typename Isa, typename T>
struct Vec;

#if defined(__AVX2__) && defined(__FMA__)
template <>
struct Vec<Avx2, float> {
  using T = float;
  using V = __m256;
  using Mask = __m256;
  static constexpr int kLanes = 8;
  static constexpr bool kMaskedTail = false;
  static constexpr bool kExpm1 = true;  // the own polynomial (elu_body.h)
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static V set1(float x) { return _mm256_set1_ps(x); }
  static V zero() { return _mm256_setzero_ps(); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V min(V a, V b) { return _mm256_min_ps(a, b); }
  static V max(V a, V b) { return _mm256_max_ps(a, b); }
  static V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V fnmadd(V a, V b, V c) { return _mm256_fnmadd_ps(a, b, c); }
  static V fmsub(V a, V b, V c) { return _mm256_fmsub_ps(a, b, c); }
  static Mask gt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
  static V select(Mask m, V a, V b) { return _mm256_blendv_ps(b, a, m); }
  static V round(V a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static V pow2n(V n) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23));
  }
};

template <>
struct Vec<Avx2, double> {
  using T = double;
  using V = __m256d;
  using Mask = __m256d;
  static constexpr int kLanes = 4;
  static constexpr bool kMaskedTail = false;
#if defined(ADMA_WITH_SLEEF)
  static constexpr bool kExpm1 = true;
  static V expm1(V a) { return Sleef_expm1d4_u10avx2(a); }
#else
  static constexpr bool kExpm1 = false;  // forward: scalar libm
#endif
  static V load(const double* p) { return _mm256_loadu_pd(p); }
  static void store(double* p, V v) { _mm256_storeu_pd(p, v); }
  static V set1(double x) { return _mm256_set1_pd(x); }
  static V zero() { return _mm256_setzero_pd(); }
  static V add(V a, V b) { return _mm256_add_pd(a, b); }
  static V mul(V a, V b) { return _mm256_mul_pd(a, b); }
  static V min(V a, V b) { return _mm256_min_pd(a, b); }
  static V fmadd(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  static Mask gt(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_GT_OQ); }
  static V select(Mask m, V a, V b) { return _mm256_blendv_pd(b, a, m); }
};
#endif  // AVX2 + FMA

#if defined(__AVX512F__)
template <>
struct Vec<Avx512, float> {
  using T = float;
  using V = __m512;
  using Mask = __mmask16;
  static constexpr int kLanes = 16;
  // The tail of a range as one masked vector. Only the tail: masked stores to memory
  // are slow on some AVX-512 CPUs (AMD Zen 4 and 5), so the body uses plain ones.
  static constexpr bool kMaskedTail = true;
  static constexpr bool kExpm1 = true;  // the own polynomial (elu_body.h)
  static Mask first(int64_t k) { return static_cast<__mmask16>((1u << k) - 1); }
  static V load_first(const float* p, int64_t k) { return _mm512_maskz_loadu_ps(first(k), p); }
  static void store_first(float* p, int64_t k, V v) { _mm512_mask_storeu_ps(p, first(k), v); }
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V zero() { return _mm512_setzero_ps(); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V min(V a, V b) { return _mm512_min_ps(a, b); }
  static V max(V a, V b) { return _mm512_max_ps(a, b); }
  static V fmadd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V fnmadd(V a, V b, V c) { return _mm512_fnmadd_ps(a, b, c); }
  static V fmsub(V a, V b, V c) { return _mm512_fmsub_ps(a, b, c); }
  static Mask gt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
  static V select(Mask m, V a, V b) { return _mm512_mask_blend_ps(m, b, a); }
  static V round(V a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static V pow2n(V n) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23));
  }
};

template <>
struct Vec<Avx512, double> {
  using T = double;
  using V = __m512d;
  using Mask = __mmask8;
  static constexpr int kLanes = 8;
  static constexpr bool kMaskedTail = false;
#if defined(ADMA_WITH_SLEEF)
  static constexpr bool kExpm1 = true;
  static V expm1(V a) { return Sleef_expm1d8_u10avx512f(a); }
#else
  static constexpr bool kExpm1 = false;  // forward: scalar libm
#endif
  static V load(const double* p) { return _mm512_loadu_pd(p); }
  static void store(double* p, V v) { _mm512_storeu_pd(p, v); }
  static V set1(double x) { return _mm512_set1_pd(x); }
  static V zero() { return _mm512_setzero_pd(); }
  static V add(V a, V b) { return _mm512_add_pd(a, b); }
  static V mul(V a, V b) { return _mm512_mul_pd(a, b); }
  static V min(V a, V b) { return _mm512_min_pd(a, b); }
  static V fmadd(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static Mask gt(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ); }
  static V select(Mask m, V a, V b) { return _mm512_mask_blend_pd(m, b, a); }
};
#endif  // AVX-512F

}  // namespace
}  // namespace adma::kernels::cpu_fast::simd
#endif  // __x86_64__
