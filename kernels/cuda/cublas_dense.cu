// CUDA side of kernels/dense.h. cuBLAS is column-major; a row-major [R, C]
// matrix is its column-major transpose, so each product is issued transposed:
//   y  = x w^T      ->  y^T  = w  x^T      (m = O, n = N, k = I)
//   dx += dy w      ->  dx^T += w^T dy^T   (m = I, n = N, k = O)
//   dw += dy^T x    ->  dw^T += x^T dy     (m = I, n = O, k = N)
#include <cublas_v2.h>

#include "kernels/cuda/cuda_util.h"
#include "kernels/dense.h"

namespace adma::kernels {

namespace cuda {
namespace {
cublasHandle_t cublas_of(const Context& ctx) { return static_cast<cublasHandle_t>(ctx.cublas); }
// cuBLAS's alpha/beta scalars: beta = 1 makes a backward accumulate.
constexpr float kOne = 1.0f;
constexpr float kZero = 0.0f;

__global__ void bias_add_rows(float* y, const float* b, int64_t n, int64_t c) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n * c; i += (int64_t)gridDim.x * blockDim.x)
    y[i] += b[i % c];
}
// db[o] += sum_n dy[n, o], a block reduction: a block owns 32 adjacent columns
// (threadIdx.x, so each row's read is one coalesced 128-byte line) and its
// kBiasRows rows of threads stride down the batch; the kBiasRows partial sums
// of a column then meet in shared memory in a fixed order (deterministic).
constexpr int kBiasRows = 16;
__global__ void bias_grad_rows(const float* dy, float* db, int64_t n, int64_t c) {
  __shared__ float part[kBiasRows][33];  // +1: no bank conflicts on the column read
  const int64_t o = blockIdx.x * 32ll + threadIdx.x;
  float sum = 0.f;
  if (o < c)
    for (int64_t i = threadIdx.y; i < n; i += kBiasRows) sum += dy[i * c + o];
  part[threadIdx.y][threadIdx.x] = sum;
  __syncthreads();
  if (threadIdx.y == 0 && o < c) {
    float total = 0.f;
    for (int r = 0; r < kBiasRows; ++r) total += part[r][threadIdx.x];
    db[o] += total;
  }
}
void set_math(Context& ctx) {
  CUBLAS_CHECK(cublasSetMathMode(cublas_of(ctx), ctx.allow_tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH));
}
}  // namespace
}  // namespace cuda

void cuda::dense_forward(Context& ctx, const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y) {
  expect_f32("dense_forward", x.dtype());
  const int64_t n = x.dim(0), in = x.dim(1), out = w.dim(0);
  set_math(ctx);
  CUBLAS_CHECK(cublasSgemm(cublas_of(ctx), CUBLAS_OP_T, CUBLAS_OP_N, (int)out, (int)n, (int)in, &kOne, cptr(w),
                           (int)in, cptr(x), (int)in, &kZero, ptr(y), (int)out));
  if (b.defined()) {
    const int64_t total = n * out;
    bias_add_rows<<<(int)std::min<int64_t>((total + 255) / 256, 4096), 256, 0, stream_of(ctx)>>>(ptr(y), cptr(b), n, out);
    CUDA_CHECK_LAUNCH();
  }
}

void cuda::dense_backward_data(Context& ctx, const Tensor& w, const Tensor& dy, Tensor& dx) {
  const int64_t n = dy.dim(0), out = w.dim(0), in = w.dim(1);
  set_math(ctx);
  CUBLAS_CHECK(cublasSgemm(cublas_of(ctx), CUBLAS_OP_N, CUBLAS_OP_N, (int)in, (int)n, (int)out, &kOne, cptr(w),
                           (int)in, cptr(dy), (int)out, &kOne, ptr(dx), (int)in));
}

void cuda::dense_backward_params(Context& ctx, const Tensor& x, const Tensor& dy, Tensor& dw, Tensor& db) {
  const int64_t n = x.dim(0), in = x.dim(1), out = dy.dim(1);
  set_math(ctx);
  if (dw.defined())
    CUBLAS_CHECK(cublasSgemm(cublas_of(ctx), CUBLAS_OP_N, CUBLAS_OP_T, (int)in, (int)out, (int)n, &kOne, cptr(x),
                             (int)in, cptr(dy), (int)out, &kOne, ptr(dw), (int)in));
  if (db.defined()) {
    bias_grad_rows<<<(unsigned)((out + 31) / 32), dim3(32, kBiasRows), 0, stream_of(ctx)>>>(cptr(dy), ptr(db), n,
                                                                                          out);
    CUDA_CHECK_LAUNCH();
  }
}

}  // namespace adma::kernels
