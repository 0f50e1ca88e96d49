// LeakyRelu activation layer (math in kernels/leaky_relu.h): y = x for x > 0, alpha x else.
// The default slope is Keras's (LeakyReLU(alpha=0.3); Keras 3 calls it negative_slope),
// not PyTorch's 0.01: the paper's models are Keras models, so its LeakyReLU ablation
// ran with 0.3 unless it said otherwise. Pass alpha = 0.01 for PyTorch's nn.LeakyReLU().
#pragma once
#include "core/graph/node.h"
#include "kernels/leaky_relu.h"

namespace adma::layers {

class LeakyRelu : public Node {
 public:
  struct Options {
    double alpha = 0.3;  // slope for x <= 0; finite, >= 0
  };
  LeakyRelu() = default;
  explicit LeakyRelu(Options o) : o_(o) {}
  explicit LeakyRelu(double alpha) : o_{alpha} {}
  std::string kind() const override { return "LeakyRelu"; }
  Shape infer_shape(const std::vector<Shape>& in) const override;
  void plan(Context& ctx) override;
  void forward(Context& ctx) override;
  void backward(Context& ctx) override;
  const Options& options() const { return o_; }

 private:
  Options o_;
  kernels::LeakyReluSetup setup_;
};

}  // namespace adma::layers
