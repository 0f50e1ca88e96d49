// BatchNorm2d layer (math in kernels/batchnorm2d.h). Keras defaults: momentum 0.99,
// epsilon 1e-3, gamma = 1, beta = 0, running mean 0 and variance 1.
// Parameters "gamma", "beta" (Keras's names), or "weight", "bias" with
// Options::pytorch_names (torch.nn.BatchNorm2d's, so a torchvision state dict maps by
// name: models/resnet.h); buffers "running_mean", "running_var" either way.
// Momentum is Keras's: running = momentum running + (1 - momentum) batch, so PyTorch's
// momentum 0.1 is 0.9 here.
// Training normalises with batch statistics and updates the running ones;
// eval uses the running statistics. Backward is defined in training mode.
// At evaluation it folds into a convolution or dense layer that feeds it alone
// (core/graph/node.h, kernels/batchnorm2d_fold.h): that layer then runs on s W and
// s (b - mean) + beta, and this node's output is its input's memory (no kernel).
#pragma once
#include "core/graph/node.h"
#include "kernels/batchnorm2d.h"

namespace adma::layers {

class BatchNorm2d : public Node {
 public:
  struct Options {
    double momentum = 0.99;
    double eps = 1e-3;
    bool pytorch_names = false;  // parameters "weight" and "bias" instead of "gamma" and "beta"
  };
  BatchNorm2d() = default;
  explicit BatchNorm2d(Options o) : o_(o) {}
  std::string kind() const override { return "BatchNorm2d"; }
  LayerRole layer_role() const override { return LayerRole::Normalises; }
  bool folds_at_eval() const override { return true; }
  void fold(Context& ctx, const Tensor& weight, const Tensor& bias, Tensor& folded_weight,
            Tensor& folded_bias) override;
  Shape infer_shape(const std::vector<Shape>& in) const override;
  void plan(Context& ctx) override;
  void forward(Context& ctx) override;
  void backward(Context& ctx) override;

 private:
  Options o_;
  kernels::BatchNorm2dSetup setup_;
  bool saved_from_training_ = false;  // host flag: which forward the saved statistics came from
  Tensor own_;                        // this node's output memory; folded, the output is the input itself
  int scratch_[2] = {-1, -1};         // state slots standing in for a frozen gamma's / beta's gradient
};

}  // namespace adma::layers
