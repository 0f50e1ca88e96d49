// CUDA side of kernels/softmax.h: cudnnSoftmax (ACCURATE subtracts the max; MODE_CHANNEL = dim 1).
#include "kernels/softmax.h"

#include "kernels/cuda/cudnn_util.h"

namespace adma::kernels {

namespace cuda {
struct SoftmaxState {
  TensorDesc t;
};
}  // namespace cuda

void cuda::softmax_setup_init(Context&, SoftmaxSetup& p) {
  expect_f32("softmax", p.dtype);
  // [N, C, rest...] -> N, C, prod(rest), 1 so MODE_CHANNEL normalises over C everywhere.
  auto s = std::make_shared<SoftmaxState>();
  s->t.set(Shape{p.shape[0], p.shape[1], p.shape.numel_from(2), 1});
  p.cuda = s;
}

void cuda::softmax_forward(Context& ctx, const SoftmaxSetup& p, const Tensor& x, Tensor& y) {
  auto& d = p.cuda->t;
  CUDNN_CHECK(cudnnSoftmaxForward(cudnn_of(ctx), CUDNN_SOFTMAX_ACCURATE, CUDNN_SOFTMAX_MODE_CHANNEL, &kOne, d.d,
                                  cptr(x), &kZero, d.d, ptr(y)));
}

void cuda::softmax_backward(Context& ctx, const SoftmaxSetup& p, const Tensor& y, const Tensor& dy, Tensor& dx) {
  auto& d = p.cuda->t;
  CUDNN_CHECK(cudnnSoftmaxBackward(cudnn_of(ctx), CUDNN_SOFTMAX_ACCURATE, CUDNN_SOFTMAX_MODE_CHANNEL, &kOne, d.d,
                                   cptr(y), d.d, cptr(dy), &kOne, d.d, ptr(dx)));
}

}  // namespace adma::kernels
