// Conv2d layer: y = conv(x, weight) + bias over NCHW, weight [filters, C, kh, kw].
// Keras defaults: glorot-uniform weight (fan_in = C kh kw, fan_out = filters kh kw),
// zero bias. padding "same" (odd kernel, stride 1: pad = (k - 1) / 2) or "valid".
// Options::l2 is Keras's kernel_regularizer=l2(l2) on the weight (the paper's 1e-4 on
// every conv kernel): a training rule of the parameter (core/graph/param_rules.h).
#pragma once
#include <string>

#include "core/graph/node.h"
#include "kernels/conv2d.h"

namespace adma::layers {

class Conv2d : public Node {
 public:
  struct Options {
    int64_t filters = 0;
    int64_t kernel = 3;
    int64_t stride = 1;
    std::string padding = "same";  // "same" or "valid"
    bool bias = true;
    double l2 = 0;  // L2 on the weight (not the bias)
  };
  explicit Conv2d(Options o) : o_(std::move(o)) {}
  std::string kind() const override { return "Conv2d"; }
  Shape infer_shape(const std::vector<Shape>& in) const override;
  void plan(Context& ctx) override;
  void forward(Context& ctx) override;
  void backward(Context& ctx) override;
  const Options& options() const { return o_; }

 private:
  kernels::Conv2dGeometry geometry(const Shape& in) const;
  Options o_;
  kernels::Conv2dSetup setup_;
};

}  // namespace adma::layers
