// CUDA side of kernels/elu.h: cuDNN activation with CUDNN_ACTIVATION_ELU (coef = alpha).
#include "kernels/elu.h"

#include "kernels/cuda/cudnn_util.h"

namespace adma::kernels::cuda {

namespace {
struct EluState {
  TensorDesc t;
  cudnnActivationDescriptor_t act = nullptr;
  ~EluState() { cudnnDestroyActivationDescriptor(act); }
};
EluState& state(const EluPlan& p) { return *static_cast<EluState*>(p.cuda.get()); }
}  // namespace

void elu_plan_init(Context&, EluPlan& p) {
  expect_f32("elu", p.dtype);
  auto s = std::make_shared<EluState>();
  s->t.set(p.shape);
  CUDNN_CHECK(cudnnCreateActivationDescriptor(&s->act));
  CUDNN_CHECK(cudnnSetActivationDescriptor(s->act, CUDNN_ACTIVATION_ELU, CUDNN_NOT_PROPAGATE_NAN, p.alpha));
  p.cuda = s;
}

void elu_forward(Context& ctx, const EluPlan& p, const Tensor& x, Tensor& y) {
  auto& s = state(p);
  CUDNN_CHECK(cudnnActivationForward(cudnn_of(ctx), s.act, &kOne, s.t.d, cptr(x), &kZero, s.t.d, ptr(y)));
}

void elu_backward(Context& ctx, const EluPlan& p, const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx) {
  auto& s = state(p);
  CUDNN_CHECK(cudnnActivationBackward(cudnn_of(ctx), s.act, &kOne, s.t.d, cptr(y), s.t.d, cptr(dy), s.t.d, cptr(x),
                                      &kOne, s.t.d, ptr(dx)));
}

}  // namespace adma::kernels::cuda
