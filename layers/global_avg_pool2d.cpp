// GlobalAvgPool2d: shape rule ([N, C, H, W] -> [N, C]) and the calls into kernels/global_avg_pool2d.h.
#include "layers/global_avg_pool2d.h"

namespace adma::layers {

Shape GlobalAvgPool2d::infer_shape(const std::vector<Shape>& in) const {
  ADMA_CHECK(in.size() == 1, "GlobalAvgPool2d takes one input, got ", in.size());
  ADMA_CHECK(in[0].rank() == 4, "GlobalAvgPool2d input must be [N, C, H, W], got ", in[0].str());
  ADMA_CHECK(in[0][2] > 0 && in[0][3] > 0, "GlobalAvgPool2d: empty planes in ", in[0].str());
  return Shape{in[0][0], in[0][1]};
}

void GlobalAvgPool2d::plan(Context& ctx) { setup_ = kernels::global_avg_pool2d_setup(ctx, in_shape(0), dtype()); }

void GlobalAvgPool2d::forward(Context& ctx) { kernels::global_avg_pool2d_forward(ctx, setup_, in(0), out()); }

void GlobalAvgPool2d::backward(Context& ctx) {
  if (in_grad(0).defined()) kernels::global_avg_pool2d_backward(ctx, setup_, out_grad(), in_grad(0));
}

}  // namespace adma::layers
