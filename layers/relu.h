// Relu activation layer (math in kernels/relu.h): y = max(x, 0).
#pragma once
#include "core/graph/node.h"
#include "kernels/relu.h"

namespace adma::layers {

class Relu : public Node {
 public:
  struct Options {};  // no settings; kept so every layer reads alike
  Relu() = default;
  explicit Relu(Options o) : o_(o) {}
  std::string kind() const override { return "Relu"; }
  Shape infer_shape(const std::vector<Shape>& in) const override;
  void plan(Context& ctx) override;
  void forward(Context& ctx) override;
  void backward(Context& ctx) override;
  const Options& options() const { return o_; }

 private:
  Options o_;
  kernels::ReluSetup setup_;
};

}  // namespace adma::layers
