// ELU activation layer (math in kernels/elu.h).
#pragma once
#include "core/graph/node.h"
#include "kernels/elu.h"

namespace adma::layers {

class Elu : public Node {
 public:
  explicit Elu(double alpha = 1.0) : alpha_(alpha) {}
  std::string kind() const override { return "ELU"; }
  Shape infer_shape(const std::vector<Shape>& in) const override;
  void plan(Context& ctx) override { plan_ = kernels::elu_plan(ctx, in_shape(0), dtype(), alpha_); }
  void forward(Context& ctx) override { kernels::elu_forward(ctx, plan_, in(0), out()); }
  void backward(Context& ctx) override {
    if (in_grad(0).defined()) kernels::elu_backward(ctx, plan_, in(0), out(), out_grad(), in_grad(0));
  }

 private:
  double alpha_;
  kernels::EluPlan plan_;
};

}  // namespace adma::layers
