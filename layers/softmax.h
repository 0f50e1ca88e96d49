// Softmax layer over dim 1 (math in kernels/softmax.h).
#pragma once
#include "core/graph/node.h"
#include "kernels/softmax.h"

namespace adma::layers {

class Softmax : public Node {
 public:
  std::string kind() const override { return "Softmax"; }
  Shape infer_shape(const std::vector<Shape>& in) const override {
    ADMA_CHECK(in.size() == 1, "Softmax takes one input, got ", in.size());
    ADMA_CHECK(in[0].rank() >= 2, "Softmax input needs a class axis (rank >= 2), got ", in[0].str());
    return in[0];
  }
  void plan(Context& ctx) override { plan_ = kernels::softmax_plan(ctx, in_shape(0), dtype()); }
  void forward(Context& ctx) override { kernels::softmax_forward(ctx, plan_, in(0), out()); }
  void backward(Context& ctx) override {
    if (in_grad(0).defined()) kernels::softmax_backward(ctx, plan_, out(), out_grad(), in_grad(0));
  }

 private:
  kernels::SoftmaxPlan plan_;
};

}  // namespace adma::layers
