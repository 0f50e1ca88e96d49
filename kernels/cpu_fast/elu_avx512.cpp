// The fast ELU's vector loops for AVX-512F (kernels/cpu_fast/elu_isa.h): the one body
// of kernels/cpu_fast/elu_body.h on 16 floats (the tail as one masked vector) or 8
// doubles. Compiled with -mavx512f -mfma.
#if defined(__x86_64__)
// GCC 12's AVX-512 headers start some intrinsics from _mm512_undefined_*(), which its
// -Wmaybe-uninitialized reports at every use (GCC bug 105593); the values are defined.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include "kernels/cpu_fast/elu_body.h"
#include "kernels/cpu_fast/elu_isa.h"

namespace adma::kernels::cpu_fast::avx512 {

using F32 = simd::Vec<simd::Avx512, float>;
using F64 = simd::Vec<simd::Avx512, double>;

void elu_forward(const float* x, float* y, int64_t n, float alpha) { simd::elu_forward<F32>(x, y, n, alpha); }
void elu_forward(const double* x, double* y, int64_t n, double alpha) { simd::elu_forward<F64>(x, y, n, alpha); }
void elu_backward(const float* y, const float* dy, float* dx, int64_t n, float alpha) {
  simd::elu_backward<F32>(y, dy, dx, n, alpha);
}
void elu_backward(const double* y, const double* dy, double* dx, int64_t n, double alpha) {
  simd::elu_backward<F64>(y, dy, dx, n, alpha);
}

}  // namespace adma::kernels::cpu_fast::avx512
#endif
