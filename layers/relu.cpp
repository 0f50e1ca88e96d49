// Relu: shape rule (elementwise) and the calls into kernels/relu.h.
#include "layers/relu.h"

namespace adma::layers {

Shape Relu::infer_shape(const std::vector<Shape>& in) const {
  ADMA_CHECK(in.size() == 1, "Relu takes one input, got ", in.size());
  return in[0];
}

void Relu::plan(Context& ctx) { setup_ = kernels::relu_setup(ctx, in_shape(0), dtype()); }

void Relu::forward(Context& ctx) { kernels::relu_forward(ctx, setup_, in(0), out()); }

void Relu::backward(Context& ctx) {
  if (in_grad(0).defined()) kernels::relu_backward(ctx, setup_, in(0), out(), out_grad(), in_grad(0));
}

}  // namespace adma::layers
