// The fast ELU's vector loops per instruction set: kernels/cpu_fast/elu_body.h
// instantiated in elu_avx2.cpp (compiled with -mavx2 -mfma) and elu_avx512.cpp
// (-mavx512f -mfma); call one only on a CPU that has its set (vector_isa()).
// Declared here for kernels/cpu_fast/elu.cpp, and for the tests, which hold each
// body to libm directly.
#pragma once
#include <cstdint>

namespace adma::kernels::cpu_fast {

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

// y = elu(x) over n contiguous elements on the widest vector unit this CPU has (the
// reference's scalar formula without one): the per-range call of the fast ELU, and
// of the fused ELU + batch norm (kernels/cpu_fast/elu_batchnorm2d.cpp). In elu.cpp.
void elu_forward_span(const float* x, float* y, int64_t n, float alpha);
void elu_forward_span(const double* x, double* y, int64_t n, double alpha);

}  // namespace adma::kernels::cpu_fast
