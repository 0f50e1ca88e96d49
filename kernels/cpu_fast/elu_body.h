// The one body of the fast ELU's vector loops, written over the vector traits of
// kernels/cpu_fast/simd.h and instantiated per instruction set in a file compiled for
// it (elu_avx2.cpp: -mavx2 -mfma, elu_avx512.cpp: -mavx512f -mfma), called only on a
// CPU that has it (kernels/cpu_fast/elu.cpp picks by vector_isa()).
//   forward   y = x > 0 ? x : alpha expm1(x)     (expm1 of min(0, x): no overflow)
//   backward  dx += dy (y > 0 ? 1 : y + alpha), from the saved output, as a select:
//             the compiler leaves the scalar loop a branch, mispredicted on half of
//             the elements of a real activation (8x slower than these lanes)
// float32: expm1 of x <= 0 on every lane at once, measured 3x faster than SLEEF's
// Sleef_expm1f8_u10 on this kind of machine, largest relative error 9e-8 (1.5 ULP):
//   -0.5 < x <= 0   Taylor series to x^8: x + x^2 (1/2 + x (1/6 + ... + x / 8!)),
//                   truncation below |x|^9 / 9! < 6e-9
//   x <= -0.5       exp(x) - 1 (|expm1| > 0.39 there, so exp's 1-ULP error stays
//                   relative): x = n ln2 + r, |r| <= ln2 / 2, exp(r) = 1 + r + r^2 Q(r)
//                   with Cephes' degree-5 Q, times 2^n built in the exponent bits;
//                   x is clamped at -88 where exp(x) - 1 is -1 in float anyway.
// float64: SLEEF's vector expm1 (1.0 ULP) when built with SLEEF, else libm per element.
// NaN propagates: min(0, x) and max(-88, x) return x when x is NaN.
// The end of a range that fills no whole vector runs as one masked vector where the
// traits have one (AVX-512 float: 16 lanes instead of AVX2's 8 measured 0.77 -> 0.40 ms
// on the ConvNet's first activation, 1.6 M floats, one thread), else the scalar formula.
#pragma once
#if defined(__x86_64__)
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "kernels/cpu_fast/simd.h"

namespace adma::kernels::cpu_fast::simd {
namespace {

// The float32 expm1 constants (above): kTaylor from x / 8! down to 1/2, kExpQ Cephes' Q.
namespace expm1f {
constexpr float kTaylor[] = {1.f / 40320, 1.f / 5040, 1.f / 720, 1.f / 120, 1.f / 24, 1.f / 6, 0.5f};
constexpr float kExpQ[] = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f,
                           4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f};
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;  // ln2 in two parts (Cody-Waite)
constexpr float kClamp = -88.f;  // exp(x) - 1 is -1 in float below this
constexpr float kSeam = -0.5f;   // Taylor above, exp below
}  // namespace expm1f

// expm1(x) for x <= 0 (or NaN, which propagates), every lane.
template <typename S>
typename S::V expm1_nonpositive(typename S::V x) {
  if constexpr (std::is_same_v<typename S::T, double>) {
    return S::expm1(x);
  } else {
    using namespace expm1f;
    using V = typename S::V;
    const V one = S::set1(1.f);
    x = S::max(S::set1(kClamp), x);
    V p = S::set1(kTaylor[0]);
    for (int i = 1; i < 7; ++i) p = S::fmadd(p, x, S::set1(kTaylor[i]));
    const V small = S::fmadd(S::mul(x, x), p, x);
    const V n = S::round(S::mul(x, S::set1(kLog2e)));
    V r = S::fnmadd(n, S::set1(kLn2Hi), x);
    r = S::fnmadd(n, S::set1(kLn2Lo), r);
    V q = S::set1(kExpQ[0]);
    for (int i = 1; i < 6; ++i) q = S::fmadd(q, r, S::set1(kExpQ[i]));
    const V e = S::add(S::fmadd(S::mul(r, r), q, r), one);  // exp(r)
    const V big = S::fmsub(e, S::pow2n(n), one);
    return S::select(S::gt(x, S::set1(kSeam)), small, big);
  }
}

template <typename S, typename T = typename S::T>
void elu_forward(const T* x, T* y, int64_t n, T alpha) {
  int64_t i = 0;
  if constexpr (S::kExpm1) {
    using V = typename S::V;
    const V zero = S::zero(), a = S::set1(alpha);
    auto elu = [&](V v) { return S::select(S::gt(v, zero), v, S::mul(a, expm1_nonpositive<S>(S::min(zero, v)))); };
    for (; i + S::kLanes <= n; i += S::kLanes) S::store(y + i, elu(S::load(x + i)));
    if constexpr (S::kMaskedTail) {
      if (i < n) S::store_first(y + i, n - i, elu(S::load_first(x + i, n - i)));
      return;
    }
  }
  for (; i < n; ++i) y[i] = x[i] > 0 ? x[i] : alpha * std::expm1(x[i]);
}

template <typename S, typename T = typename S::T>
void elu_backward(const T* y, const T* dy, T* dx, int64_t n, T alpha) {
  using V = typename S::V;
  const V zero = S::zero(), one = S::set1(T(1)), a = S::set1(alpha);
  auto step = [&](V v, V g, V acc) { return S::fmadd(g, S::select(S::gt(v, zero), one, S::add(v, a)), acc); };
  int64_t i = 0;
  for (; i + S::kLanes <= n; i += S::kLanes)
    S::store(dx + i, step(S::load(y + i), S::load(dy + i), S::load(dx + i)));
  if constexpr (S::kMaskedTail) {
    const int64_t k = n - i;
    if (k > 0) S::store_first(dx + i, k, step(S::load_first(y + i, k), S::load_first(dy + i, k), S::load_first(dx + i, k)));
    return;
  }
  for (; i < n; ++i) dx[i] += dy[i] * (y[i] > 0 ? T(1) : y[i] + alpha);
}

}  // namespace
}  // namespace adma::kernels::cpu_fast::simd
#endif  // __x86_64__
