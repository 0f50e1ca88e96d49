// The training rules of one parameter, declared where the layer is (Caffe's ParamSpec
// carries lr_mult and decay_mult; Keras puts kernel_regularizer on the layer): the layer's
// options set them (Conv2d::Options::l2, the loss node's rate and range for a learnable
// `a`), a model may override them before the graph is planned (Graph::set_rules: freezing
// for fine-tuning), and the optimizer reads them from Graph::parameters() knowing no layer.
//   l2          Keras's coupled l2(l2): l2 * sum w^2 joins the reported loss, 2 l2 w the
//               gradient (before the update rule; not AdamW's decoupled decay)
//   lr_mult     this parameter's learning rate = the optimizer's (scheduled) lr * lr_mult
//   decay_mult  scales the optimizer's decoupled weight decay (AdamW) on this parameter
//   trainable   false freezes it: no gradient buffer, no optimizer state, no L2, and the
//               backward pass stops below the lowest node that still trains (Graph::plan)
//   clamp       after each update the value is clamped into [lo, hi] (a learnable `a`)
#pragma once
#include <string>

namespace adma {

struct ParamRules {
  double l2 = 0;
  double lr_mult = 1;
  double decay_mult = 1;
  bool trainable = true;
  bool clamp = false;
  double lo = 0, hi = 0;

  static ParamRules frozen() {
    ParamRules r;
    r.trainable = false;
    return r;
  }
};

// Why `r` cannot be used ("l2 must be finite and >= 0, got -1"), or "" when it can.
std::string rules_problem(const ParamRules& r);

}  // namespace adma
