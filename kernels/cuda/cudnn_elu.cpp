// CUDA side of kernels/elu.h: cuDNN activation with CUDNN_ACTIVATION_ELU (coef = alpha).
#include "kernels/elu.h"

#include "kernels/cuda/cudnn_util.h"

namespace adma::kernels {

namespace cuda {
struct EluState {
  TensorDesc t;
  cudnnActivationDescriptor_t act = nullptr;
  ~EluState() { cudnnDestroyActivationDescriptor(act); }
};
}  // namespace cuda

void cuda::elu_setup_init(Context&, EluSetup& p) {
  expect_f32("elu", p.dtype);
  auto s = std::make_shared<EluState>();
  s->t.set(p.shape);
  CUDNN_CHECK(cudnnCreateActivationDescriptor(&s->act));
  CUDNN_CHECK(cudnnSetActivationDescriptor(s->act, CUDNN_ACTIVATION_ELU, CUDNN_NOT_PROPAGATE_NAN, p.alpha));
  p.cuda = s;
}

void cuda::elu_forward(Context& ctx, const EluSetup& p, const Tensor& x, Tensor& y) {
  auto& s = *p.cuda;
  CUDNN_CHECK(cudnnActivationForward(cudnn_of(ctx), s.act, &kOne, s.t.d, cptr(x), &kZero, s.t.d, ptr(y)));
}

void cuda::elu_backward(Context& ctx, const EluSetup& p, const Tensor& x, const Tensor& y, const Tensor& dy,
                        Tensor& dx) {
  auto& s = *p.cuda;
  CUDNN_CHECK(cudnnActivationBackward(cudnn_of(ctx), s.act, &kOne, s.t.d, cptr(y), s.t.d, cptr(dy), s.t.d, cptr(x),
                                      &kOne, s.t.d, ptr(dx)));
}

}  // namespace adma::kernels
