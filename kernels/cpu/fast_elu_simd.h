// The vector bodies of the fast ELU (kernels/cpu/fast_elu.cpp), one namespace per
// instruction set, each compiled in its own file with that set enabled
// (fast_elu_avx2.cpp: -mavx2 -mfma, fast_elu_avx512.cpp: -mavx512f -mfma) and
// called only on a CPU that has it (fast::vector_isa()). Same math in both: see
// fast_elu_avx2.cpp. Declared here so the tests can hold each to libm directly.
#pragma once
#include <cstdint>

namespace adma::kernels::cpu::fast {

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
