// Add: y = a + b (same shapes; residual connections). Backward: da += dy, db += dy.
#pragma once
#include "core/graph/node.h"

namespace adma::layers {

class Add : public Node {
 public:
  struct Options {};  // no settings; kept so every layer reads alike
  Add() = default;
  explicit Add(Options o) : o_(o) {}
  std::string kind() const override { return "Add"; }
  Shape infer_shape(const std::vector<Shape>& in) const override;
  void plan(Context&) override {}
  void forward(Context& ctx) override;
  void backward(Context& ctx) override;

 private:
  Options o_;
};

}  // namespace adma::layers
