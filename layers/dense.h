// Dense layer: y = x weight^T + bias, x [N, in], weight [units, in] (PyTorch
// layout, so a checkpoint loads into torch.nn.Linear). Keras defaults:
// glorot-uniform weight (fan_in = in, fan_out = units), zero bias. Options::l2 is
// Keras's kernel_regularizer=l2(l2) on the weight (core/graph/param_rules.h).
#pragma once
#include "core/graph/node.h"

namespace adma::layers {

class Dense : public Node {
 public:
  struct Options {
    int64_t units = 0;
    bool bias = true;
    double l2 = 0;  // L2 on the weight (not the bias)
  };
  explicit Dense(Options o) : o_(o) {}
  std::string kind() const override { return "Dense"; }
  LayerRole layer_role() const override { return LayerRole::Weights; }
  // Weight [units, in]: the output channel is axis 0 (core/graph/node.h, folding).
  FoldableParams foldable_params() const override { return {0, o_.bias ? 1 : -1}; }
  Shape infer_shape(const std::vector<Shape>& in) const override;
  void plan(Context& ctx) override;
  void forward(Context& ctx) override;
  void backward(Context& ctx) override;

 private:
  Options o_;
};

}  // namespace adma::layers
