// Flatten: [N, C, H, W] -> [N, C*H*W] as a view of the input (no copy, no kernel).
// Its gradient is the input's gradient seen with the flat shape, so backward
// has nothing to do: whatever the next layer adds lands in the input's gradient.
// (Keras flattens NHWC in H, W, C order; NCHW flattens in C, H, W order.)
#pragma once
#include "core/graph/node.h"

namespace adma::layers {

class Flatten : public Node {
 public:
  struct Options {};  // no settings; kept so every layer reads alike
  Flatten() = default;
  explicit Flatten(Options o) : o_(o) {}
  std::string kind() const override { return "Flatten"; }
  Shape infer_shape(const std::vector<Shape>& in) const override;
  void plan(Context&) override {}
  void forward(Context&) override {}
  void backward(Context&) override {}
  bool is_view() const override { return true; }

 private:
  Options o_;
};

}  // namespace adma::layers
