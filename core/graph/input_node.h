// The graph's source: data (or labels) copied in by the caller each step.
#pragma once
#include "core/graph/node.h"

namespace adma {

class InputNode : public Node {
 public:
  explicit InputNode(const Shape& shape) : shape_(shape) {}
  std::string kind() const override { return "InputNode"; }  // every kind() is its class name
  Shape infer_shape(const std::vector<Shape>&) const override { return shape_; }
  void plan(Context&) override {}
  void forward(Context&) override {}
  void backward(Context&) override {}

 private:
  Shape shape_;
};

}  // namespace adma
