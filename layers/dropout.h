// Dropout layer (math in kernels/dropout.h): inverted dropout in training,
// identity (a copy) in eval. The mask is per-node state kept for backward.
#pragma once
#include "core/graph/node.h"
#include "kernels/dropout.h"

namespace adma::layers {

class Dropout : public Node {
 public:
  struct Options {
    double rate = 0.0;  // probability of dropping an element, in [0, 1)
  };
  explicit Dropout(Options o) : o_(o) {}
  explicit Dropout(double rate) : o_{rate} {}
  std::string kind() const override { return "Dropout"; }
  Shape infer_shape(const std::vector<Shape>& in) const override;
  void plan(Context& ctx) override;
  void forward(Context& ctx) override;
  void backward(Context& ctx) override;
  void reseed(Context& ctx, uint64_t seed) override { kernels::dropout_reseed(ctx, setup_, seed); }
  double rate() const { return o_.rate; }
  const Options& options() const { return o_; }
  // Masking is decided on the host at capture: part of a captured step's mode.
  void describe_mode(StepMode& m) const override;

 private:
  Options o_;
  kernels::DropoutSetup setup_;
  bool masked_ = false;  // host flag: whether the last forward applied a mask
};

}  // namespace adma::layers
