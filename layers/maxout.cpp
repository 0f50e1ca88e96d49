// Maxout: shape rule (channels / pieces) and the calls into kernels/maxout.h.
#include "layers/maxout.h"

namespace adma::layers {

Shape Maxout::infer_shape(const std::vector<Shape>& in) const {
  ADMA_CHECK(in.size() == 1, "Maxout takes one input, got ", in.size());
  ADMA_CHECK(in[0].rank() >= 2, "Maxout input must be [N, C] or [N, C, H, W], got ", in[0].str());
  ADMA_CHECK(o_.pieces >= 1, "Maxout pieces must be at least 1, got ", o_.pieces);
  ADMA_CHECK(in[0][1] % o_.pieces == 0, "Maxout: ", in[0][1], " channels do not split into groups of ", o_.pieces,
             " pieces (give the layer before it a multiple of ", o_.pieces, " channels)");
  Shape out = in[0];
  out[1] = in[0][1] / o_.pieces;
  return out;
}

void Maxout::plan(Context& ctx) { setup_ = kernels::maxout_setup(ctx, in_shape(0), dtype(), o_.pieces); }

void Maxout::forward(Context& ctx) { kernels::maxout_forward(ctx, setup_, in(0), out()); }

void Maxout::backward(Context& ctx) {
  if (in_grad(0).defined()) kernels::maxout_backward(ctx, setup_, in(0), out_grad(), in_grad(0));
}

}  // namespace adma::layers
