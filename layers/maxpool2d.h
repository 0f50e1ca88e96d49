// MaxPool2d layer (math in kernels/maxpool2d.h): window k, stride (default k), floor mode.
#pragma once
#include "core/graph/node.h"
#include "kernels/maxpool2d.h"

namespace adma::layers {

class MaxPool2d : public Node {
 public:
  explicit MaxPool2d(int64_t kernel = 2, int64_t stride = 0) : k_(kernel), s_(stride > 0 ? stride : kernel) {}
  std::string kind() const override { return "MaxPool2d"; }
  Shape infer_shape(const std::vector<Shape>& in) const override;
  void plan(Context& ctx) override { plan_ = kernels::maxpool_plan(ctx, in_shape(0), dtype(), k_, k_, s_, s_); }
  void forward(Context& ctx) override { kernels::maxpool_forward(ctx, plan_, in(0), out()); }
  void backward(Context& ctx) override {
    if (in_grad(0).defined()) kernels::maxpool_backward(ctx, plan_, in(0), out(), out_grad(), in_grad(0));
  }

 private:
  int64_t k_, s_;
  kernels::MaxPoolPlan plan_;
};

}  // namespace adma::layers
