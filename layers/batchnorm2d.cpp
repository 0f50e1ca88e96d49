// BatchNorm2d: parameters, buffers, saved statistics, and the kernel calls.
#include "layers/batchnorm2d.h"

#include "kernels/batchnorm2d_fold.h"

namespace adma::layers {

Shape BatchNorm2d::infer_shape(const std::vector<Shape>& in) const {
  ADMA_CHECK(in.size() == 1, "BatchNorm2d takes one input, got ", in.size());
  ADMA_CHECK(in[0].rank() == 4 || in[0].rank() == 2, "BatchNorm2d input must be [N, C, H, W] or [N, C], got ",
             in[0].str());
  return in[0];
}

void BatchNorm2d::plan(Context& ctx) {
  setup_ = kernels::batchnorm2d_setup(ctx, in_shape(0), dtype(), o_.momentum, o_.eps);
  const Shape c{in_shape(0)[1]};
  add_param(o_.pytorch_names ? "weight" : "gamma", c, Init::ones());
  add_param(o_.pytorch_names ? "bias" : "beta", c, Init::zeros());
  add_buffer("running_mean", c, 0.0);
  add_buffer("running_var", c, 1.0);
  add_state(c, dtype());  // saved mean
  add_state(c, dtype());  // saved 1 / sqrt(var + eps)
  // The kernels (cuDNN's too) write dgamma and dbeta together; a frozen gamma or beta has
  // no gradient (core/graph/param_rules.h), so its part lands in scratch that nothing reads.
  for (int i : {0, 1}) scratch_[i] = trains(i) ? -1 : add_state(c, dtype());
  // cuDNN always writes dx; when the input needs no gradient it lands in scratch.
  if (!input_node(0).requires_grad()) need_workspace(in_shape(0).numel() * dtype_size(dtype()));
}

void BatchNorm2d::forward(Context& ctx) {
  if (!own_.defined()) own_ = out();
  saved_from_training_ = training();
  if (runs_folded()) {
    // The weight layer before this one ran on the folded weights (Graph::refold): its
    // output already is y. Pass it through (re-pointing a view allocates nothing).
    out() = in(0);
    return;
  }
  out() = own_;
  if (training())
    kernels::batchnorm2d_forward_train(ctx, setup_, in(0), param(0), param(1), buffer(0), buffer(1), state(0), state(1),
                                     out());
  else
    kernels::batchnorm2d_forward_eval(ctx, setup_, in(0), param(0), param(1), buffer(0), buffer(1), out());
}

void BatchNorm2d::fold(Context& ctx, const Tensor& weight, const Tensor& bias, Tensor& folded_weight,
                       Tensor& folded_bias) {
  kernels::batchnorm2d_fold(ctx, setup_, weight, bias, param(0), param(1), buffer(0), buffer(1), folded_weight,
                            folded_bias);
}

void BatchNorm2d::backward(Context& ctx) {
  ADMA_CHECK(saved_from_training_, name(), ": BatchNorm2d backward needs a training-mode forward (call train())");
  Tensor dx = in_grad(0).defined()
                  ? in_grad(0)
                  : Tensor::view(workspace().storage(), workspace().byte_offset(), in_shape(0), dtype());
  Tensor& dgamma = trains(0) ? param_grad(0) : state(scratch_[0]);
  Tensor& dbeta = trains(1) ? param_grad(1) : state(scratch_[1]);
  kernels::batchnorm2d_backward(ctx, setup_, in(0), out_grad(), param(0), state(0), state(1), dx, dgamma, dbeta);
}

}  // namespace adma::layers
