// CUDA side of kernels/relu.h: cuDNN activation with CUDNN_ACTIVATION_RELU. Its
// backward reads y (y > 0 exactly where x > 0) and blends into dx with beta = 1.
#include "kernels/cuda/cudnn_util.h"
#include "kernels/relu.h"

namespace adma::kernels {

namespace cuda {
struct ReluState {
  TensorDesc t;
  cudnnActivationDescriptor_t act = nullptr;
  ~ReluState() { cudnnDestroyActivationDescriptor(act); }
};
}  // namespace cuda

void cuda::relu_setup_init(Context&, ReluSetup& p) {
  expect_f32("relu", p.dtype);
  auto s = std::make_shared<ReluState>();
  s->t.set(p.shape);
  CUDNN_CHECK(cudnnCreateActivationDescriptor(&s->act));
  // coef is the clipping ceiling of CLIPPED_RELU only; plain ReLU ignores it.
  CUDNN_CHECK(cudnnSetActivationDescriptor(s->act, CUDNN_ACTIVATION_RELU, CUDNN_NOT_PROPAGATE_NAN, 0.0));
  p.cuda = s;
}

void cuda::relu_forward(Context& ctx, const ReluSetup& p, const Tensor& x, Tensor& y) {
  auto& s = *p.cuda;
  CUDNN_CHECK(cudnnActivationForward(cudnn_of(ctx), s.act, &kOne, s.t.d, cptr(x), &kZero, s.t.d, ptr(y)));
}

void cuda::relu_backward(Context& ctx, const ReluSetup& p, const Tensor& x, const Tensor& y, const Tensor& dy,
                         Tensor& dx) {
  auto& s = *p.cuda;
  CUDNN_CHECK(cudnnActivationBackward(cudnn_of(ctx), s.act, &kOne, s.t.d, cptr(y), s.t.d, cptr(dy), s.t.d, cptr(x),
                                      &kOne, s.t.d, ptr(dx)));
}

}  // namespace adma::kernels
