// Elu activation layer (math in kernels/elu.h): y = x for x > 0, alpha (exp(x) - 1) else.
#pragma once
#include "core/graph/node.h"
#include "kernels/elu.h"

namespace adma::layers {

class Elu : public Node {
 public:
  struct Options {
    double alpha = 1.0;
  };
  Elu() = default;
  explicit Elu(Options o) : o_(o) {}
  explicit Elu(double alpha) : o_{alpha} {}
  std::string kind() const override { return "Elu"; }
  Shape infer_shape(const std::vector<Shape>& in) const override;
  void plan(Context& ctx) override;
  void forward(Context& ctx) override;
  void backward(Context& ctx) override;
  const Options& options() const { return o_; }

 private:
  Options o_;
  kernels::EluSetup setup_;
};

}  // namespace adma::layers
