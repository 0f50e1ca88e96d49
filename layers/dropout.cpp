// Dropout: mask in training, pass-through (a view of the input) in eval.
#include "layers/dropout.h"

#include "kernels/elementwise.h"

namespace adma::layers {

Shape Dropout::infer_shape(const std::vector<Shape>& in) const {
  ADMA_CHECK(in.size() == 1, "Dropout takes one input, got ", in.size());
  ADMA_CHECK(rate_ >= 0.0 && rate_ < 1.0, "Dropout rate must be in [0, 1), got ", rate_);
  return in[0];
}

void Dropout::plan(Context& ctx) {
  plan_ = kernels::dropout_plan(ctx, in_shape(0), dtype(), rate_, seed());
  add_state_bytes(plan_.reserve_bytes);
  need_workspace(plan_.workspace_bytes);
}

void Dropout::forward(Context& ctx) {
  masked_ = training() && rate_ > 0.0;
  if (!own_.defined()) own_ = out();
  if (masked_) {
    out() = own_;
    kernels::dropout_forward(ctx, plan_, in(0), out(), state(0));
  } else {
    // Pass-through: the next node reads the input's memory (re-pointing a view allocates nothing).
    out() = in(0);
  }
}

void Dropout::backward(Context& ctx) {
  if (!in_grad(0).defined()) return;
  if (masked_)
    kernels::dropout_backward(ctx, plan_, out_grad(), in_grad(0), state(0), workspace());
  else
    kernels::axpy(ctx, 1.0, out_grad(), in_grad(0));
}

}  // namespace adma::layers
