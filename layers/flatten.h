// Flatten: [N, C, H, W] -> [N, C*H*W] as a view of the input (no copy, no kernel).
// Its gradient is the input's gradient seen with the flat shape, so backward
// has nothing to do: whatever the next layer adds lands in the input's gradient.
// (Keras flattens NHWC in H, W, C order; NCHW flattens in C, H, W order.)
#pragma once
#include "core/graph/node.h"

namespace adma::layers {

class Flatten : public Node {
 public:
  std::string kind() const override { return "Flatten"; }
  Shape infer_shape(const std::vector<Shape>& in) const override {
    ADMA_CHECK(in.size() == 1, "Flatten takes one input, got ", in.size());
    ADMA_CHECK(in[0].rank() >= 2, "Flatten input needs a batch axis and features, got ", in[0].str());
    return Shape{in[0][0], in[0].numel_from(1)};
  }
  void plan(Context&) override {}
  void forward(Context&) override {}
  void backward(Context&) override {}
  bool is_view() const override { return true; }
};

}  // namespace adma::layers
