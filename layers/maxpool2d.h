// MaxPool2d layer (math in kernels/maxpool2d.h): window k, stride (default k), floor mode,
// and padding (default 0) on each side that never wins the max (-inf, as PyTorch's
// MaxPool2d(3, 2, padding=1) in ResNet's stem); at most half the window.
#pragma once
#include "core/graph/node.h"
#include "kernels/maxpool2d.h"

namespace adma::layers {

class MaxPool2d : public Node {
 public:
  struct Options {
    int64_t kernel = 2;
    int64_t stride = 0;   // 0: the window size
    int64_t padding = 0;  // positions added on each side, 0 to kernel / 2
  };
  MaxPool2d() = default;
  explicit MaxPool2d(Options o) : o_(o) {}
  explicit MaxPool2d(int64_t kernel, int64_t stride = 0, int64_t padding = 0) : o_{kernel, stride, padding} {}
  std::string kind() const override { return "MaxPool2d"; }
  Shape infer_shape(const std::vector<Shape>& in) const override;
  void plan(Context& ctx) override;
  void forward(Context& ctx) override;
  void backward(Context& ctx) override;
  const Options& options() const { return o_; }

 private:
  int64_t stride() const { return o_.stride > 0 ? o_.stride : o_.kernel; }
  Options o_;
  kernels::MaxPool2dSetup setup_;
};

}  // namespace adma::layers
