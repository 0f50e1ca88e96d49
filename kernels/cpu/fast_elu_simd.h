// The vector bodies of the fast ELU (kernels/cpu/fast_elu.cpp), one namespace per
// instruction set, each compiled in its own file with that set enabled
// (fast_elu_avx2.cpp: -mavx2 -mfma, fast_elu_avx512.cpp: -mavx512f -mfma) and
// called only on a CPU that has it (fast::vector_isa()). Same math in both: see
// fast_elu_avx2.cpp. Declared here so the tests can hold each to libm directly.
#pragma once
#include <cstdint>

namespace adma::kernels::cpu::fast {

// The float32 expm1 of x <= 0 that every vector body computes, one set of constants
// (the math is explained in fast_elu_avx2.cpp):
//   -0.5 < x <= 0  x + x^2 P(x), P(x) = 1/2 + x (1/6 + ... + x / 8!)  (kTaylor, x / 8! first)
//   x <= -0.5      2^n exp(r) - 1, n = round(x log2 e), r = x - n ln2 (ln2 = kLn2Hi + kLn2Lo),
//                  exp(r) = 1 + r + r^2 Q(r)                            (kExpQ, Cephes)
namespace expm1f {
constexpr float kTaylor[] = {1.f / 40320, 1.f / 5040, 1.f / 720, 1.f / 120, 1.f / 24, 1.f / 6, 0.5f};
constexpr float kExpQ[] = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f,
                           4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f};
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
constexpr float kClamp = -88.f;  // exp(x) - 1 is -1 in float below this
constexpr float kSeam = -0.5f;   // Taylor above, exp below
}  // namespace expm1f

#if defined(__x86_64__)
namespace avx2 {
void elu_forward(const float* x, float* y, int64_t n, float alpha);
void elu_forward(const double* x, double* y, int64_t n, double alpha);
void elu_backward(const float* y, const float* dy, float* dx, int64_t n, float alpha);
void elu_backward(const double* y, const double* dy, double* dx, int64_t n, double alpha);
}  // namespace avx2
namespace avx512 {
void elu_forward(const float* x, float* y, int64_t n, float alpha);
void elu_forward(const double* x, double* y, int64_t n, double alpha);
void elu_backward(const float* y, const float* dy, float* dx, int64_t n, float alpha);
void elu_backward(const double* y, const double* dy, double* dx, int64_t n, double alpha);
}  // namespace avx512
#endif

}  // namespace adma::kernels::cpu::fast
