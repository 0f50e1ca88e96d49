// Elu: shape rule (elementwise) and the calls into kernels/elu.h.
#include "layers/elu.h"

namespace adma::layers {

Shape Elu::infer_shape(const std::vector<Shape>& in) const {
  ADMA_CHECK(in.size() == 1, "Elu takes one input, got ", in.size());
  ADMA_CHECK(o_.alpha > 0, "Elu alpha must be positive, got ", o_.alpha);
  return in[0];
}

void Elu::plan(Context& ctx) { setup_ = kernels::elu_setup(ctx, in_shape(0), dtype(), o_.alpha); }

void Elu::forward(Context& ctx) { kernels::elu_forward(ctx, setup_, in(0), out()); }

void Elu::backward(Context& ctx) {
  if (in_grad(0).defined()) kernels::elu_backward(ctx, setup_, in(0), out(), out_grad(), in_grad(0));
}

}  // namespace adma::layers
