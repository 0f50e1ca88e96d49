// Conv2d: shape rules and the calls into kernels/conv2d.h.
#include "layers/conv2d.h"

namespace adma::layers {

Conv2dPadding::Conv2dPadding(const std::string& word) {
  ADMA_CHECK(word == "same" || word == "valid", "Conv2d padding must be 'same', 'valid' or a number of pixels, got '",
             word, "'");
  mode_ = word == "same" ? Mode::Same : Mode::Valid;
}

int64_t Conv2dPadding::pixels(int64_t kernel) const {
  switch (mode_) {
    case Mode::Same:
      return (kernel - 1) / 2;
    case Mode::Valid:
      return 0;
    case Mode::Pixels:
      break;
  }
  return pixels_;
}

std::string Conv2dPadding::str() const {
  switch (mode_) {
    case Mode::Same:
      return "same";
    case Mode::Valid:
      return "valid";
    case Mode::Pixels:
      break;
  }
  return std::to_string(pixels_);
}

kernels::Conv2dGeometry Conv2d::geometry(const Shape& in) const {
  kernels::Conv2dGeometry g;
  g.n = in[0];
  g.c = in[1];
  g.h = in[2];
  g.w = in[3];
  g.k = o_.filters;
  g.r = g.s = o_.kernel;
  g.stride_h = g.stride_w = o_.stride;
  g.pad_h = g.pad_w = o_.padding.pixels(o_.kernel);
  return g;
}

Shape Conv2d::infer_shape(const std::vector<Shape>& in) const {
  ADMA_CHECK(in.size() == 1, "Conv2d takes one input, got ", in.size());
  ADMA_CHECK(in[0].rank() == 4, "Conv2d input must be [N, C, H, W], got ", in[0].str());
  ADMA_CHECK(o_.filters > 0 && o_.kernel > 0 && o_.stride > 0, "Conv2d needs filters, kernel and stride > 0");
  using Mode = Conv2dPadding::Mode;
  ADMA_CHECK(o_.padding.mode() != Mode::Same || (o_.kernel % 2 == 1 && o_.stride == 1),
             "Conv2d padding 'same' is supported for odd kernels with stride 1 (symmetric padding; give the "
             "pixels per side for other strides), got kernel ",
             o_.kernel, " stride ", o_.stride);
  ADMA_CHECK(o_.padding.mode() != Mode::Pixels || o_.padding.pixels(o_.kernel) >= 0,
             "Conv2d padding must be at least 0 pixels, got ", o_.padding.str());
  auto g = geometry(in[0]);
  ADMA_CHECK(g.out_h() > 0 && g.out_w() > 0, "Conv2d: a ", o_.kernel, "x", o_.kernel, " kernel with padding ",
             o_.padding.str(), " does not fit input ", in[0].str());
  return Shape{g.n, g.k, g.out_h(), g.out_w()};
}

void Conv2d::plan(Context& ctx) {
  setup_ = kernels::conv2d_setup(ctx, geometry(in_shape(0)), dtype());
  need_workspace(setup_.workspace_bytes);
  const double rs = static_cast<double>(o_.kernel * o_.kernel);
  ParamRules weight_rules;
  weight_rules.l2 = o_.l2;
  add_param("weight", Shape{o_.filters, in_shape(0)[1], o_.kernel, o_.kernel},
            Init::glorot_uniform(in_shape(0)[1] * rs, o_.filters * rs), weight_rules);
  if (o_.bias) add_param("bias", Shape{o_.filters}, Init::zeros());
}

void Conv2d::forward(Context& ctx) {
  // Evaluation with the batch norm after it folded in: W' and b' (b' even without a bias).
  if (runs_folded())
    return kernels::conv2d_forward(ctx, setup_, in(0), folded_weight(), folded_bias(), out(), workspace());
  kernels::conv2d_forward(ctx, setup_, in(0), param(0), o_.bias ? param(1) : Tensor(), out(), workspace());
}

void Conv2d::backward(Context& ctx) {
  // A frozen weight or bias has no gradient (core/graph/param_rules.h).
  if (trains(0)) kernels::conv2d_backward_filter(ctx, setup_, in(0), out_grad(), param_grad(0), workspace());
  if (o_.bias && trains(1)) kernels::conv2d_backward_bias(ctx, setup_, out_grad(), param_grad(1));
  if (in_grad(0).defined()) kernels::conv2d_backward_data(ctx, setup_, param(0), out_grad(), in_grad(0), workspace());
}

}  // namespace adma::layers
