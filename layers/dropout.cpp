// Dropout: mask in training, pass-through in eval.
#include "layers/dropout.h"

#include "core/graph/step_mode.h"
#include "kernels/elementwise.h"

namespace adma::layers {

Shape Dropout::infer_shape(const std::vector<Shape>& in) const {
  ADMA_CHECK(in.size() == 1, "Dropout takes one input, got ", in.size());
  ADMA_CHECK(o_.rate >= 0.0 && o_.rate < 1.0, "Dropout rate must be in [0, 1), got ", o_.rate);
  return in[0];
}

void Dropout::plan(Context& ctx) {
  setup_ = kernels::dropout_setup(ctx, in_shape(0), dtype(), o_.rate, seed());
  add_state_bytes(setup_.reserve_bytes);
  need_workspace(setup_.workspace_bytes);
}

void Dropout::describe_mode(StepMode& m) const {
  m.flag("dropout '" + name() + "'", training() && o_.rate > 0.0);
}

void Dropout::forward(Context& ctx) {
  masked_ = training() && o_.rate > 0.0;
  if (masked_) {
    kernels::dropout_forward(ctx, setup_, in(0), out(), state(0));
  } else {
    kernels::copy(ctx, in(0), out());
  }
}

void Dropout::backward(Context& ctx) {
  if (!in_grad(0).defined()) return;
  if (masked_)
    kernels::dropout_backward(ctx, setup_, out_grad(), in_grad(0), state(0), workspace());
  else
    kernels::axpy(ctx, 1.0, out_grad(), in_grad(0));
}

}  // namespace adma::layers
