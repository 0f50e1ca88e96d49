// Softmax: shape rule and the calls into kernels/softmax.h.
#include "layers/softmax.h"

namespace adma::layers {

Shape Softmax::infer_shape(const std::vector<Shape>& in) const {
  ADMA_CHECK(in.size() == 1, "Softmax takes one input, got ", in.size());
  ADMA_CHECK(in[0].rank() >= 2, "Softmax input needs a class axis (rank >= 2), got ", in[0].str());
  return in[0];
}

void Softmax::plan(Context& ctx) { setup_ = kernels::softmax_setup(ctx, in_shape(0), dtype()); }

void Softmax::forward(Context& ctx) { kernels::softmax_forward(ctx, setup_, in(0), out()); }

void Softmax::backward(Context& ctx) {
  if (in_grad(0).defined()) kernels::softmax_backward(ctx, setup_, out(), out_grad(), in_grad(0));
}

}  // namespace adma::layers
