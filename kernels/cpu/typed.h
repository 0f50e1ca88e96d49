// CPU kernels (the reference's and the fast backend's) are templates on the element
// type; `typed` picks float or double from a tensor's dtype:
//   typed(x.dtype(), [&](auto tag) { using T = decltype(tag); ... });
// and `gemm` is every BLAS call of both, on one thread.
#pragma once
#include <cblas.h>

#include "core/dtype.h"
#include "core/tensor.h"

namespace adma::kernels::cpu {

// bfloat16 is a storage type that only the loss kernel reads (kernels/softmax_loss.h): a
// kernel reached with it here is a mistake, not a double.
template <typename F>
void typed(DType t, F&& f) {
  if (t == DType::F32)
    f(float{});
  else if (t == DType::F64)
    f(double{});
  else
    ADMA_THROW("CPU kernels compute in float32 or float64, got ", dtype_name(t));
}

// Pins OpenBLAS to one thread, once per process. The reference is single-threaded; the
// fast backend calls GEMM from inside its own OpenMP threads, where OpenBLAS' pthreads
// would fight OpenMP's for the same cores.
inline void blas_single_threaded() {
  static const bool pinned = (openblas_set_num_threads(1), true);
  (void)pinned;
}

// Row-major GEMM on raw pointers: C = alpha op(A) op(B) + beta C. Every BLAS call of
// the CPU kernels goes through here, so here OpenBLAS is pinned to one thread: left
// with its own pthreads, its workers spin in sched_yield between calls (the Dense
// layer's) and took 14 % of the CPU from OpenMP's threads in `adma train`
// (perf record, two cores).
inline void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                 const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  blas_single_threaded();
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda,
              b, ldb, beta, c, ldc);
}
inline void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha, const double* a, int64_t lda,
                 const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  blas_single_threaded();
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda,
              b, ldb, beta, c, ldc);
}

}  // namespace adma::kernels::cpu
