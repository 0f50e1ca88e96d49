// CUDA side of kernels/augment_batch.h: one thread per output value (pixel of
// one channel), each drawing its image's parameters from Philox itself, so the
// batch needs no parameter buffer and no host work; labels come from the first
// rows' threads. Queued on the context's stream, never synchronised.
#include "core/cuda/check.h"
#include "kernels/augment_batch.h"
#include "kernels/cuda/cuda_util.h"

namespace adma::kernels {

namespace cuda {
namespace {
__global__ void augment_batch_kernel(BatchGather g, float* x, int32_t* labels, int64_t n) {
  const int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (e < n) x[e] = batch_element(g, e);
  if (e < g.rows) labels[e] = batch_label(g, e);
}
}  // namespace
}  // namespace cuda

void cuda::augment_batch(Context& ctx, const BatchGather& g, Tensor& x, Tensor& labels) {
  const int64_t n = x.numel();
  const int64_t work = n > g.rows ? n : g.rows;
  if (work == 0) return;
  constexpr int kThreads = 256;
  const unsigned blocks = static_cast<unsigned>((work + kThreads - 1) / kThreads);
  augment_batch_kernel<<<blocks, kThreads, 0, stream_of(ctx)>>>(g, x.data<float>(),
                                                                                      labels.data<int32_t>(), n);
  CUDA_CHECK_LAUNCH();
}

void cuda::upload_bytes(Context& ctx, const void* host, size_t bytes, void* dst) {
  if (bytes == 0) return;
  CUDA_CHECK(cudaMemcpyAsync(dst, host, bytes, cudaMemcpyHostToDevice, stream_of(ctx)));
}

}  // namespace adma::kernels
