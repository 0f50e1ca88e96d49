// Softmax layer over dim 1 (math in kernels/softmax.h). For probabilities inside a
// graph (inference outputs); training uses the fused losses of losses/ on logits.
#pragma once
#include "core/graph/node.h"
#include "kernels/softmax.h"

namespace adma::layers {

class Softmax : public Node {
 public:
  Softmax() = default;  // softmax over dim 1 has no settings
  std::string kind() const override { return "Softmax"; }
  Shape infer_shape(const std::vector<Shape>& in) const override;
  void plan(Context& ctx) override;
  void forward(Context& ctx) override;
  void backward(Context& ctx) override;

 private:
  kernels::SoftmaxSetup setup_;
};

}  // namespace adma::layers
