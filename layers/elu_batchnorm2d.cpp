// EluBatchNorm2d: parameters, buffers, saved statistics, and the fused kernel calls.
#include "layers/elu_batchnorm2d.h"

namespace adma::layers {

Shape EluBatchNorm2d::infer_shape(const std::vector<Shape>& in) const {
  ADMA_CHECK(in.size() == 1, "EluBatchNorm2d takes one input, got ", in.size());
  ADMA_CHECK(in[0].rank() == 4 || in[0].rank() == 2, "EluBatchNorm2d input must be [N, C, H, W] or [N, C], got ",
             in[0].str());
  ADMA_CHECK(o_.alpha > 0, "EluBatchNorm2d alpha must be positive, got ", o_.alpha);
  return in[0];
}

void EluBatchNorm2d::plan(Context& ctx) {
  setup_ = kernels::elu_batchnorm2d_setup(ctx, in_shape(0), dtype(), o_.alpha, o_.momentum, o_.eps);
  const Shape c{in_shape(0)[1]};
  add_param("gamma", c, Init::ones());
  add_param("beta", c, Init::zeros());
  add_buffer("running_mean", c, 0.0);
  add_buffer("running_var", c, 1.0);
  add_state(c, dtype());  // saved mean of elu(x)
  add_state(c, dtype());  // saved 1 / sqrt(var + eps)
  // The kernels write dgamma and dbeta together; a frozen one has no gradient buffer
  // (core/graph/param_rules.h), so its part lands in scratch that nothing reads.
  for (int i : {0, 1}) scratch_[i] = trains(i) ? -1 : add_state(c, dtype());
}

void EluBatchNorm2d::forward(Context& ctx) {
  if (training())
    kernels::elu_batchnorm2d_forward_train(ctx, setup_, in(0), param(0), param(1), buffer(0), buffer(1), state(0),
                                           state(1), out());
  else
    kernels::elu_batchnorm2d_forward_eval(ctx, setup_, in(0), param(0), param(1), buffer(0), buffer(1), out());
  saved_from_training_ = training();
}

void EluBatchNorm2d::backward(Context& ctx) {
  ADMA_CHECK(saved_from_training_, name(), ": EluBatchNorm2d backward needs a training-mode forward (call train())");
  Tensor& dgamma = trains(0) ? param_grad(0) : state(scratch_[0]);
  Tensor& dbeta = trains(1) ? param_grad(1) : state(scratch_[1]);
  Tensor none;  // the input needs no gradient: the kernel skips dx
  Tensor& dx = in_grad(0).defined() ? in_grad(0) : none;
  kernels::elu_batchnorm2d_backward(ctx, setup_, in(0), out_grad(), param(0), state(0), state(1), dx, dgamma, dbeta);
}

}  // namespace adma::layers
