// Add: y = a + b (same shapes; residual connections). Backward: da += dy, db += dy.
#pragma once
#include "core/graph/node.h"
#include "kernels/elementwise.h"

namespace adma::layers {

class Add : public Node {
 public:
  std::string kind() const override { return "Add"; }
  Shape infer_shape(const std::vector<Shape>& in) const override {
    ADMA_CHECK(in.size() == 2, "Add takes two inputs, got ", in.size());
    ADMA_CHECK(in[0] == in[1], "Add needs equal shapes, got ", in[0].str(), " and ", in[1].str());
    return in[0];
  }
  void plan(Context&) override {}
  void forward(Context& ctx) override { kernels::add(ctx, in(0), in(1), out()); }
  void backward(Context& ctx) override {
    for (int i = 0; i < 2; ++i)
      if (in_grad(i).defined()) kernels::axpy(ctx, 1.0, out_grad(), in_grad(i));
  }
};

}  // namespace adma::layers
