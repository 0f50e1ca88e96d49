// GlobalAvgPool2d layer (math in kernels/global_avg_pool2d.h): [N, C, H, W] -> [N, C],
// the mean of each plane; a Dense can follow it directly (no Flatten).
#pragma once
#include "core/graph/node.h"
#include "kernels/global_avg_pool2d.h"

namespace adma::layers {

class GlobalAvgPool2d : public Node {
 public:
  struct Options {};  // no settings; kept so every layer reads alike
  GlobalAvgPool2d() = default;
  explicit GlobalAvgPool2d(Options o) : o_(o) {}
  std::string kind() const override { return "GlobalAvgPool2d"; }
  Shape infer_shape(const std::vector<Shape>& in) const override;
  void plan(Context& ctx) override;
  void forward(Context& ctx) override;
  void backward(Context& ctx) override;
  const Options& options() const { return o_; }

 private:
  Options o_;
  kernels::GlobalAvgPool2dSetup setup_;
};

}  // namespace adma::layers
