// Dropout layer (math in kernels/dropout.h): inverted dropout in training,
// identity (a copy) in eval. The mask is per-node state kept for backward.
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
  // Masking is decided on the host at capture: part of a captured step's mode.
  void describe_mode(StepMode& m) const override;

 private:
  double rate_;
  kernels::DropoutPlan plan_;
  bool masked_ = false;  // host flag: whether the last forward applied a mask
};

}  // namespace adma::layers
