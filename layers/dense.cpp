// Dense: shape rules and the calls into kernels/dense.h.
#include "layers/dense.h"

#include "kernels/dense.h"

namespace adma::layers {

Shape Dense::infer_shape(const std::vector<Shape>& in) const {
  ADMA_CHECK(in.size() == 1, "Dense takes one input, got ", in.size());
  ADMA_CHECK(in[0].rank() == 2, "Dense input must be [N, features] (add a Flatten first), got ", in[0].str());
  ADMA_CHECK(o_.units > 0, "Dense needs units > 0");
  return Shape{in[0][0], o_.units};
}

void Dense::plan(Context&) {
  const int64_t in_features = in_shape(0)[1];
  ParamRules weight_rules;
  weight_rules.l2 = o_.l2;
  add_param("weight", Shape{o_.units, in_features},
            Init::glorot_uniform(static_cast<double>(in_features), static_cast<double>(o_.units)), weight_rules);
  if (o_.bias) add_param("bias", Shape{o_.units}, Init::zeros());
}

void Dense::forward(Context& ctx) {
  // Evaluation with the batch norm after it folded in: W' and b' (b' even without a bias).
  if (runs_folded()) return kernels::dense_forward(ctx, in(0), folded_weight(), folded_bias(), out());
  kernels::dense_forward(ctx, in(0), param(0), o_.bias ? param(1) : Tensor(), out());
}

void Dense::backward(Context& ctx) {
  // A frozen weight or bias has no gradient (core/graph/param_rules.h): leave it undefined.
  Tensor none;
  Tensor& dw = trains(0) ? param_grad(0) : none;
  Tensor& db = o_.bias && trains(1) ? param_grad(1) : none;
  if (dw.defined() || db.defined()) kernels::dense_backward_params(ctx, in(0), out_grad(), dw, db);
  if (in_grad(0).defined()) kernels::dense_backward_data(ctx, param(0), out_grad(), in_grad(0));
}

}  // namespace adma::layers
