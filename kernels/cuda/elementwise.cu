// CUDA side of kernels/elementwise.h: grid-stride loops; a zero fill is a memset.
#include "kernels/elementwise.h"
#include "kernels/cuda/cuda_util.h"

namespace adma::kernels {

namespace cuda {
namespace {
constexpr int kThreads = 256;
int blocks_for(int64_t n) { return static_cast<int>(std::min<int64_t>((n + kThreads - 1) / kThreads, 65535 * 8)); }

__global__ void fill_kernel(float* y, float v, int64_t n) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) y[i] = v;
}
__global__ void add_kernel(const float* a, const float* b, float* y, int64_t n) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    y[i] = a[i] + b[i];
}
__global__ void axpy_kernel(float alpha, const float* x, float* y, int64_t n) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    y[i] += alpha * x[i];
}
}  // namespace
}  // namespace cuda

void cuda::fill(Context& ctx, Tensor& y, double value) {
  expect_f32("fill", y.dtype());
  const int64_t n = y.numel();
  if (n == 0) return;
  if (value == 0.0) {  // all-zero bits: a memset node in a CUDA graph
    CUDA_CHECK(cudaMemsetAsync(y.raw(), 0, y.nbytes(), stream_of(ctx)));
    return;
  }
  fill_kernel<<<blocks_for(n), kThreads, 0, stream_of(ctx)>>>(ptr(y), static_cast<float>(value), n);
  CUDA_CHECK_LAUNCH();
}

void cuda::copy(Context& ctx, const Tensor& x, Tensor& y) {
  expect_f32("copy", y.dtype());
  CUDA_CHECK(cudaMemcpyAsync(y.raw(), x.raw(), x.nbytes(), cudaMemcpyDeviceToDevice, stream_of(ctx)));
}

void cuda::add(Context& ctx, const Tensor& a, const Tensor& b, Tensor& y) {
  expect_f32("add", y.dtype());
  const int64_t n = y.numel();
  if (n == 0) return;
  add_kernel<<<blocks_for(n), kThreads, 0, stream_of(ctx)>>>(cptr(a), cptr(b), ptr(y), n);
  CUDA_CHECK_LAUNCH();
}

void cuda::axpy(Context& ctx, double alpha, const Tensor& x, Tensor& y) {
  expect_f32("axpy", y.dtype());
  const int64_t n = y.numel();
  if (n == 0) return;
  axpy_kernel<<<blocks_for(n), kThreads, 0, stream_of(ctx)>>>(static_cast<float>(alpha), cptr(x), ptr(y), n);
  CUDA_CHECK_LAUNCH();
}

}  // namespace adma::kernels
