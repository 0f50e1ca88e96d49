// LeakyRelu: shape rule (elementwise) and the calls into kernels/leaky_relu.h.
#include "layers/leaky_relu.h"

#include <cmath>

namespace adma::layers {

Shape LeakyRelu::infer_shape(const std::vector<Shape>& in) const {
  ADMA_CHECK(in.size() == 1, "LeakyRelu takes one input, got ", in.size());
  ADMA_CHECK(std::isfinite(o_.alpha) && o_.alpha >= 0, "LeakyRelu alpha must be finite and >= 0, got ", o_.alpha);
  return in[0];
}

void LeakyRelu::plan(Context& ctx) { setup_ = kernels::leaky_relu_setup(ctx, in_shape(0), dtype(), o_.alpha); }

void LeakyRelu::forward(Context& ctx) { kernels::leaky_relu_forward(ctx, setup_, in(0), out()); }

void LeakyRelu::backward(Context& ctx) {
  if (in_grad(0).defined()) kernels::leaky_relu_backward(ctx, setup_, in(0), out_grad(), in_grad(0));
}

}  // namespace adma::layers
