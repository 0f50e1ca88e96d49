// Maxout layer (math and grouping in kernels/maxout.h): [N, k M, ...] -> [N, M, ...],
// each output channel the maximum of k contiguous input channels. Put it after a
// Conv2d (or Dense) with k times the units wanted.
#pragma once
#include "core/graph/node.h"
#include "kernels/maxout.h"

namespace adma::layers {

class Maxout : public Node {
 public:
  struct Options {
    int64_t pieces = 2;  // k; Goodfellow et al.'s convolutional maxout nets used 2 on CIFAR-10 and MNIST
  };
  Maxout() = default;
  explicit Maxout(Options o) : o_(o) {}
  explicit Maxout(int64_t pieces) : o_{pieces} {}
  std::string kind() const override { return "Maxout"; }
  Shape infer_shape(const std::vector<Shape>& in) const override;
  void plan(Context& ctx) override;
  void forward(Context& ctx) override;
  void backward(Context& ctx) override;
  const Options& options() const { return o_; }

 private:
  Options o_;
  kernels::MaxoutSetup setup_;
};

}  // namespace adma::layers
