// The fast ELU's vector loops for AVX2 + FMA (kernels/cpu_fast/elu_isa.h): the one body
// of kernels/cpu_fast/elu_body.h on 8 floats or 4 doubles. Compiled with -mavx2 -mfma.
#if defined(__x86_64__)
#include "kernels/cpu_fast/elu_body.h"
#include "kernels/cpu_fast/elu_isa.h"

namespace adma::kernels::cpu_fast::avx2 {

using F32 = simd::Vec<simd::Avx2, float>;
using F64 = simd::Vec<simd::Avx2, double>;

void elu_forward(const float* x, float* y, int64_t n, float alpha) { simd::elu_forward<F32>(x, y, n, alpha); }
void elu_forward(const double* x, double* y, int64_t n, double alpha) { simd::elu_forward<F64>(x, y, n, alpha); }
void elu_backward(const float* y, const float* dy, float* dx, int64_t n, float alpha) {
  simd::elu_backward<F32>(y, dy, dx, n, alpha);
}
void elu_backward(const double* y, const double* dy, double* dx, int64_t n, double alpha) {
  simd::elu_backward<F64>(y, dy, dx, n, alpha);
}

}  // namespace adma::kernels::cpu_fast::avx2
#endif
