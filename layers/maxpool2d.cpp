// MaxPool2d: floor-mode output shape (with padding) and the calls into kernels/maxpool2d.h.
#include "layers/maxpool2d.h"

namespace adma::layers {

Shape MaxPool2d::infer_shape(const std::vector<Shape>& in) const {
  const int64_t k = o_.kernel, s = stride(), p = o_.padding;
  ADMA_CHECK(in.size() == 1, "MaxPool2d takes one input, got ", in.size());
  ADMA_CHECK(in[0].rank() == 4, "MaxPool2d input must be [N, C, H, W], got ", in[0].str());
  ADMA_CHECK(k > 0 && s > 0, "MaxPool2d kernel and stride must be positive");
  ADMA_CHECK(p >= 0 && 2 * p <= k, "MaxPool2d padding must be between 0 and half the window (", k / 2, "), got ", p);
  ADMA_CHECK(in[0][2] + 2 * p >= k && in[0][3] + 2 * p >= k, "MaxPool2d: a ", k, "x", k, " window with padding ", p,
             " does not fit ", in[0].str());
  return Shape{in[0][0], in[0][1], (in[0][2] + 2 * p - k) / s + 1, (in[0][3] + 2 * p - k) / s + 1};
}

void MaxPool2d::plan(Context& ctx) {
  setup_ = kernels::maxpool2d_setup(ctx, in_shape(0), dtype(), o_.kernel, o_.kernel, stride(), stride(), o_.padding,
                                    o_.padding);
}

void MaxPool2d::forward(Context& ctx) { kernels::maxpool2d_forward(ctx, setup_, in(0), out()); }

void MaxPool2d::backward(Context& ctx) {
  if (in_grad(0).defined()) kernels::maxpool2d_backward(ctx, setup_, in(0), out(), out_grad(), in_grad(0));
}

}  // namespace adma::layers
