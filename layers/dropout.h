// Dropout layer (math in kernels/dropout.h): inverted dropout in training,
// identity in eval: the output is then the input's memory (no copy). The mask is per-node state kept for backward.
#pragma once
#include "core/graph/node.h"
#include "kernels/dropout.h"

namespace adma::layers {

class Dropout : public Node {
 public:
  explicit Dropout(double rate) : rate_(rate) {}
  std::string kind() const override { return "Dropout"; }
  Shape infer_shape(const std::vector<Shape>& in) const override;
  void plan(Context& ctx) override;
  void forward(Context& ctx) override;
  void backward(Context& ctx) override;
  void reseed(Context& ctx, uint64_t seed) override { kernels::dropout_reseed(ctx, plan_, seed); }
  double rate() const { return rate_; }

 private:
  double rate_;
  kernels::DropoutPlan plan_;
  bool masked_ = false;  // host flag: whether the last forward applied a mask
  Tensor own_;           // this node's output memory; in eval the output is the input itself
};

}  // namespace adma::layers
