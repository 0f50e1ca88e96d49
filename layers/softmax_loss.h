// SoftmaxLoss: the graph node of every loss in losses/loss_kind.h, through the fused
// kernel of kernels/softmax_loss.h (as Caffe keeps softmax_loss_layer among its layers).
//   inputs: logits [N, C] (compute dtype), labels [N] (int32, from Graph::labels;
//           kIgnoreLabel ignores a row, core/labels.h)
//   output: the mean loss [1] over the rows not ignored
// It is a gradient-in-forward node (core/graph/node.h): the fused kernel runs in
// forward() and writes d(weight * loss)/d logits straight into the logits' gradient
// (cleared at the start of every forward), because the kernel must read the logits
// once; backward() has nothing left to do for the logits. A learnable Adma `a` is a
// parameter "a" whose training rules the options set (its learning-rate multiplier and
// the range it is clamped to; no weight decay); its gradient is computed in forward and
// added in backward (so zero_grad() may come anywhere before backward()). It is a
// LossNode (core/graph/loss_node.h): per_sample() and correct() for the batch, as
// device tensors. Labels are checked on the host where they enter
// (kernels::check_labels); on the device a bad label yields a NaN loss and a zero
// gradient, never a bad read.
#pragma once
#include "core/graph/loss_node.h"
#include "kernels/softmax_loss.h"

namespace adma::layers {

class SoftmaxLoss : public LossNode {
 public:
  struct Options {
    losses::LossParams params;
    bool learnable_a = false;  // Adma only: `a` becomes a trained parameter, starting at params.a
    double a_lr_mult = 1;      //   its learning rate: the optimizer's (scheduled) rate times this
    double a_min = 0, a_max = 1;  // and the range it is clamped to after every update
    double weight = 1.0;       // multiplies the gradient (not the reported loss)
    bool accumulate = false;   // add into the logits' gradient instead of writing it
  };
  explicit SoftmaxLoss(Options o);
  std::string kind() const override { return "SoftmaxLoss"; }
  bool grads_in_forward() const override { return true; }
  Shape infer_shape(const std::vector<Shape>& in) const override;
  void plan(Context& ctx) override;
  void forward(Context& ctx) override;
  void backward(Context& ctx) override;
  // forward() writes the logits' gradient (unless accumulating): no clearing needed.
  bool overwrites_input_grad(int i) const override { return i == 0 && !o_.accumulate; }

  const Options& options() const { return o_; }
  Tensor& per_sample() override { return state(0); }
  Tensor& correct() override { return state(1); }
  Tensor& dloss_da() { return state(2); }

 private:
  Options o_;
  kernels::SoftmaxLossSetup setup_;  // made in plan(), from the parameters checked at construction
};

}  // namespace adma::layers
