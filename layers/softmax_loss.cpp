// SoftmaxLoss node: shapes, state, and the fused kernel call.
#include "layers/softmax_loss.h"

#include <cmath>

#include "kernels/elementwise.h"

namespace adma::layers {

SoftmaxLoss::SoftmaxLoss(Options o) : o_(o) {
  losses::validate(o_.params);  // here, where the parameters enter the graph: fails at Graph::add
  ADMA_CHECK(!o_.learnable_a || o_.params.kind == losses::LossKind::Adma,
             "a learnable scaling factor exists for the Adma loss only, not ", losses::loss_name(o_.params.kind));
  ADMA_CHECK(std::isfinite(o_.a_lr_mult) && o_.a_lr_mult >= 0,
             "the learning-rate multiplier of a must be finite and >= 0, got ", o_.a_lr_mult);
  ADMA_CHECK(o_.a_min <= o_.a_max, "the range of the learnable a is empty: [", o_.a_min, ", ", o_.a_max, "]");
}

Shape SoftmaxLoss::infer_shape(const std::vector<Shape>& in) const {
  ADMA_CHECK(in.size() == 2, "SoftmaxLoss takes logits and labels, got ", in.size(), " inputs");
  ADMA_CHECK(in[0].rank() == 2, "SoftmaxLoss logits must be [N, classes], got ", in[0].str());
  ADMA_CHECK(in[1].rank() == 1 && in[1][0] == in[0][0], "SoftmaxLoss labels must be [", in[0][0], "], got ",
             in[1].str());
  return Shape{1};
}

void SoftmaxLoss::plan(Context&) {
  ADMA_CHECK(input_node(1).out_dtype() == DType::I32, name(), ": labels must be int32 (use Graph::labels)");
  const int64_t n = in_shape(0)[0], c = in_shape(0)[1];
  if (o_.learnable_a) {
    ParamRules a;
    a.lr_mult = o_.a_lr_mult;
    a.decay_mult = 0;  // decoupled weight decay pulls weights to 0; `a` keeps its own range
    a.clamp = true;
    a.lo = o_.a_min;
    a.hi = o_.a_max;
    add_param("a", Shape{1}, Init::constant(o_.params.a), a);
  }
  add_state(Shape{n}, dtype());  // per-sample loss
  add_state(Shape{1}, dtype());  // correct predictions
  add_state(Shape{1}, dtype());  // d loss / d a
  setup_ = kernels::softmax_loss_setup(o_.params, n, c, kernels::SoftmaxLossVersion::Tuned, /*validated=*/true);
  add_state_bytes(setup_.scratch_bytes);
}

void SoftmaxLoss::forward(Context& ctx) {
  kernels::LossOutputs out;
  out.per_sample = state(0);
  out.correct = state(1);
  out.dloss_da = state(2);
  out.scratch = state(3);
  out.loss = this->out();
  if (training() && in_grad(0).defined()) out.dlogits = in_grad(0);
  const double scale = o_.weight / static_cast<double>(in_shape(0)[0]);
  kernels::softmax_loss(ctx, setup_, in(0), in(1), o_.learnable_a ? param(0) : Tensor(), scale, o_.accumulate, out);
}

void SoftmaxLoss::backward(Context& ctx) {
  if (o_.learnable_a && trains(0)) kernels::axpy(ctx, 1.0, state(2), param_grad(0));
}

}  // namespace adma::layers
